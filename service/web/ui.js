// Small pieces every page of the editor shares: elements by id, the colour form, toasts, the busy overlay,
// errors in a form, counts and times in words, and which view is showing.

export const $ = (id) => document.getElementById(id);

// A colour as the editor's colour fields take it: #rgb or #rrggbb.
export const HEX_COLOR = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

export function toast(text, kind = "info") {
  const el = document.createElement("div");
  el.className = `toast ${kind}`;
  el.textContent = text;
  $("toasts").append(el);
  setTimeout(() => el.classList.add("out"), 3200);
  setTimeout(() => el.remove(), 3700);
}

export function busy(text) {
  $("busy-text").textContent = text;
  $("busy").hidden = !text;
}

export function showError(el, err) {
  el.textContent = err instanceof Error ? err.message : String(err);
  el.hidden = false;
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function ago(iso) {
  const s = (Date.now() - new Date(iso).getTime()) / 1000;
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

/** A file name's worth of a title: `rivers-carve-valleys`. */
export function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 48) || "seekreel";
}

/**
 * Show one of the views (`main > section`) and the top bar's parts that belong to it; every
 * view hears `seekreel:view` (with the new view's id) to stop what it was doing.
 */
export function showView(id) {
  for (const view of document.querySelectorAll("main > section")) view.hidden = view.id !== id;
  const editing = id === "editor-view";
  $("draft-meta").hidden = !editing;
  $("save-button").hidden = !editing;
  $("new-button").hidden = !editing;
  $("project-meta").hidden = id !== "review-view";
  document.dispatchEvent(new CustomEvent("seekreel:view", { detail: id }));
}
