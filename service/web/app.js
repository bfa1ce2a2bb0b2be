// The seekreel editor: prompt → draft → edit with a live, scrubbable preview → render → watch/download.

import { api, ApiError, authedUrl, followJob, onUnauthorized, setApiKey, apiKey } from "./api.js";
import { CodeEditor } from "./editor.js";
import { Preview, declaredVariables, placeholders } from "./preview.js";
import { openProject, openProjects } from "./projects.js";
import { $, HEX_COLOR, ago, busy, plural, showError, showView, slug, toast } from "./ui.js";

const state = {
  draft: null, // the API's DraftOut
  variables: {}, // saved + edited values (override the HTML's defaults)
  dirty: false,
  findingsStale: false,
  job: null,
  jobAbort: null,
  varNames: "",
};

const editor = new CodeEditor($("code"), $("gutter"), $("line-flash"), $("cursor-pos"));
const preview = new Preview($("preview"), $("preview-box"), $("preview-stage"), {
  onTime: (t) => {
    $("scrubber").value = String(t);
    $("time-readout").textContent = `${t.toFixed(2)} / ${preview.duration.toFixed(2)} s`;
  },
  onError: (e) => showPreviewError(e.line ? `line ${e.line}: ${e.message}` : e.message),
  onPlayState: (playing) => {
    $("play-button").classList.toggle("playing", playing);
    $("play-button").setAttribute("aria-label", playing ? "Pause" : "Play");
  },
});

// ---- small UI helpers -----------------------------------------------------------------------

function setDirty(dirty) {
  state.dirty = dirty;
  const el = $("save-state");
  el.dataset.state = dirty ? "dirty" : "saved";
  el.textContent = dirty ? "Unsaved changes" : "Saved";
  $("save-button").disabled = !dirty;
}

function showPreviewError(text) {
  const el = $("preview-error");
  el.textContent = text;
  el.hidden = !text;
}

// ---- views ----------------------------------------------------------------------------------

function showStart() {
  state.draft = null;
  showView("start-view");
  history.replaceState(null, "", "/");
  document.title = "seekreel";
  loadRecent();
  $("prompt").focus();
}

function showEditor() {
  showView("editor-view");
  preview.fit();
}

async function loadRecent() {
  try {
    const drafts = await api.listDrafts();
    const list = $("recent-list");
    list.replaceChildren(
      ...drafts.map((d) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = `/?draft=${encodeURIComponent(d.id)}`;
        a.addEventListener("click", (e) => {
          e.preventDefault();
          openDraft(d.id);
        });
        const title = document.createElement("span");
        title.className = "recent-title";
        title.textContent = d.title;
        const meta = document.createElement("span");
        meta.className = "recent-meta";
        meta.textContent = `v${d.version} · ${ago(d.updated_at)}`;
        a.append(title, meta);
        li.append(a);
        return li;
      }),
    );
    $("recent").hidden = drafts.length === 0;
  } catch {
    $("recent").hidden = true;
  }
}

// ---- drafts ---------------------------------------------------------------------------------

async function openDraft(id) {
  busy("Opening draft…");
  try {
    applyDraft(await api.getDraft(id));
  } catch (err) {
    toast(err.message, "error");
    showStart();
  } finally {
    busy("");
  }
}

function applyDraft(draft, { keepCursor = false } = {}) {
  if (state.draft?.id !== draft.id) preview.playOnReady(); // a first look plays it once
  state.draft = draft;
  state.variables = { ...draft.variables };
  const sel = [$("code").selectionStart, $("code").selectionEnd, $("code").scrollTop];
  if (editor.value !== draft.html) editor.value = draft.html;
  if (keepCursor) {
    $("code").setSelectionRange(sel[0], sel[1]);
    $("code").scrollTop = sel[2];
  }
  $("draft-title").textContent = draft.title;
  $("draft-title").title = draft.prompt || draft.title;
  $("draft-version").textContent = `v${draft.version}`;
  document.title = `${draft.title} · seekreel`;
  history.replaceState(null, "", `/?draft=${encodeURIComponent(draft.id)}`);
  state.findingsStale = false;
  renderFindings(draft.findings);
  state.varNames = "";
  renderVariables();
  refreshPreview();
  setDirty(false);
  showEditor();
  loadVersions();
}

async function save() {
  if (!state.draft || !state.dirty) return;
  const html = editor.value;
  $("save-button").disabled = true;
  $("save-state").dataset.state = "saving";
  $("save-state").textContent = "Checking…";
  try {
    const draft = await api.saveDraft(state.draft.id, html, variablesToSave(html));
    if (editor.value !== html) {
      // typed while saving: keep the newer text, take the rest
      state.draft = draft;
      $("draft-version").textContent = `v${draft.version}`;
      renderFindings(draft.findings);
      loadVersions();
      setDirty(true);
      return;
    }
    applyDraft(draft, { keepCursor: true });
    const errors = draft.findings.filter((f) => f.severity === "error").length;
    toast(errors ? `Saved v${draft.version} · ${plural(errors, "problem")} to fix` : `Saved v${draft.version}`, errors ? "warn" : "ok");
  } catch (err) {
    setDirty(true);
    toast(err.message, "error");
  }
}

function variablesToSave(html) {
  const defaults = declaredVariables(html);
  const out = {};
  for (const [k, v] of Object.entries(state.variables)) if (defaults[k] !== v) out[k] = v;
  return out;
}

// ---- findings -------------------------------------------------------------------------------

function renderFindings(findings) {
  const list = $("findings-list");
  const errors = findings.filter((f) => f.severity === "error").length;
  const warnings = findings.length - errors;
  const summary = $("findings-summary");
  summary.dataset.state = errors ? "error" : warnings ? "warning" : "ok";
  summary.textContent = findings.length
    ? [errors && plural(errors, "error"), warnings && plural(warnings, "warning")].filter(Boolean).join(" · ")
    : "No problems";
  if (state.findingsStale) summary.textContent += " · save to re-check";
  list.replaceChildren(
    ...findings.map((f) => {
      const li = document.createElement("li");
      li.className = `finding ${f.severity}`;
      const button = document.createElement("button");
      button.type = "button";
      button.disabled = !f.line;
      button.innerHTML = `<span class="sev" aria-hidden="true"></span><span class="finding-body"><span class="finding-msg"></span><span class="finding-meta"></span></span>`;
      button.querySelector(".finding-msg").textContent = f.message;
      button.querySelector(".finding-meta").textContent = f.line ? `${f.code} · line ${f.line}` : f.code;
      if (f.line) button.addEventListener("click", () => editor.jumpTo(f.line));
      li.append(button);
      return li;
    }),
  );
  editor.mark(findings);
}

// ---- variables ------------------------------------------------------------------------------

function effectiveVariables() {
  return { ...state.variables };
}

function renderVariables() {
  const html = editor.value;
  const defaults = declaredVariables(html);
  const names = [...new Set([...placeholders(html), ...Object.keys(defaults)])];
  const key = names.join(",") + "|" + JSON.stringify(defaults);
  if (key === state.varNames) return;
  state.varNames = key;
  const form = $("variables-form");
  $("variables-empty").hidden = names.length > 0;
  form.replaceChildren(
    ...names.map((name) => {
      const row = document.createElement("label");
      row.className = "variable";
      const label = document.createElement("span");
      label.className = "variable-name mono";
      label.textContent = name;
      const input = document.createElement("input");
      input.type = "text";
      input.name = name;
      input.dataset.variable = name;
      input.value = state.variables[name] ?? defaults[name] ?? "";
      input.placeholder = name in defaults ? "" : "no default: required";
      const wrap = document.createElement("span");
      wrap.className = "variable-input";
      if (HEX_COLOR.test(input.value)) {
        const swatch = document.createElement("input");
        swatch.type = "color";
        swatch.value = expandHex(input.value);
        swatch.setAttribute("aria-label", `${name} colour`);
        swatch.addEventListener("input", () => {
          input.value = swatch.value;
          input.dispatchEvent(new Event("input"));
        });
        input.addEventListener("input", () => {
          if (HEX_COLOR.test(input.value)) swatch.value = expandHex(input.value);
        });
        wrap.append(swatch);
      }
      input.addEventListener("input", () => {
        state.variables[name] = input.value;
        setDirty(true);
        refreshPreview();
      });
      wrap.append(input);
      row.append(label, wrap);
      return row;
    }),
  );
}

function expandHex(v) {
  return v.length === 4 ? `#${v[1]}${v[1]}${v[2]}${v[2]}${v[3]}${v[3]}` : v.toLowerCase();
}

// ---- preview --------------------------------------------------------------------------------

function refreshPreview() {
  showPreviewError("");
  const missing = preview.load(editor.value, effectiveVariables());
  $("scrubber").max = String(preview.duration || 0);
  $("time-readout").textContent = `${preview.time.toFixed(2)} / ${preview.duration.toFixed(2)} s`;
  if (!preview.duration) showPreviewError("data-duration is missing on <html>: the preview cannot play");
  else if (missing.length) showPreviewError(`no value for ${missing.map((n) => `{{$${n}}}`).join(", ")}`);
}

let codeTimer = 0;
$("code").addEventListener("input", () => {
  setDirty(true);
  if (!state.findingsStale) {
    state.findingsStale = true;
    renderFindings(state.draft?.findings || []);
  }
  clearTimeout(codeTimer);
  codeTimer = setTimeout(() => {
    renderVariables();
    refreshPreview();
  }, 250);
});

$("scrubber").addEventListener("input", () => {
  preview.pause();
  preview.seek(parseFloat($("scrubber").value));
});
$("play-button").addEventListener("click", () => preview.toggle());

// ---- render ---------------------------------------------------------------------------------

async function startRender() {
  if (!state.draft) return;
  if (state.dirty) await save();
  if (state.dirty) return; // the save failed
  const fps = $("render-fps").value;
  const body = { resolution: $("render-resolution").value, quality: $("render-quality").value };
  if (fps) body.fps = parseFloat(fps);
  $("render-button").disabled = true;
  $("job-error").hidden = true;
  $("result").hidden = true;
  try {
    const job = await api.render(state.draft.id, body);
    showJob(job);
    state.jobAbort = new AbortController();
    const done = await followJob(job.id, (_, j) => showJob(j), state.jobAbort.signal);
    showJob(done);
    if (done.status === "succeeded") showResult(done);
  } catch (err) {
    if (err.name !== "AbortError") {
      $("job").hidden = false;
      showError($("job-error"), err);
    }
  } finally {
    $("render-button").disabled = false;
    state.jobAbort = null;
  }
}

const STATUS_TEXT = {
  queued: "Queued",
  running: "Rendering",
  succeeded: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

function showJob(job) {
  state.job = job;
  $("job").hidden = false;
  $("job-status").dataset.status = job.status;
  $("job-status").textContent = STATUS_TEXT[job.status] || job.status;
  $("job-frames").textContent = job.frames_total ? `${job.frames_done} / ${job.frames_total} frames` : "";
  $("progress-bar").style.width = `${Math.round((job.progress || 0) * 100)}%`;
  $("progress-bar").dataset.status = job.status;
  $("cancel-button").hidden = !["queued", "running"].includes(job.status);
  if (job.status === "failed") showError($("job-error"), job.error || "the render failed");
  else $("job-error").hidden = true;
}

function showResult(job) {
  const url = authedUrl(job.video_url);
  const video = $("result-video");
  video.src = url;
  video.load();
  const link = $("download-link");
  link.href = url;
  link.download = `${slug(state.draft?.title || "seekreel")}.mp4`;
  const mb = job.video_bytes ? `${(job.video_bytes / 1024 / 1024).toFixed(2)} MB` : "";
  $("result-info").textContent = [`${job.frames_total} frames`, mb].filter(Boolean).join(" · ");
  $("result").hidden = false;
  $("result").scrollIntoView({ behavior: "smooth", block: "nearest" });
}


$("render-button").addEventListener("click", startRender);
$("cancel-button").addEventListener("click", async () => {
  if (!state.job) return;
  try {
    showJob(await api.cancel(state.job.id));
  } catch (err) {
    toast(err.message, "error");
  }
});

// ---- revise ---------------------------------------------------------------------------------

$("revise-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const instruction = $("revise-input").value.trim();
  if (!instruction || !state.draft) return;
  if (state.dirty) await save();
  $("revise-error").hidden = true;
  $("revise-button").disabled = true;
  busy("Revising…");
  try {
    applyDraft(await api.revise(state.draft.id, instruction));
    $("revise-input").value = "";
    toast(`Revised: v${state.draft.version}`, "ok");
  } catch (err) {
    const first = err instanceof ApiError && err.body.findings?.find((f) => f.severity === "error");
    showError($("revise-error"), first && !err.message.includes(first.message) ? `${err.message} — ${first.message}` : err);
  } finally {
    busy("");
    $("revise-button").disabled = false;
  }
});

// ---- versions -------------------------------------------------------------------------------

async function loadVersions() {
  if (!state.draft) return;
  const id = state.draft.id;
  let versions;
  try {
    versions = await api.versions(id);
  } catch {
    return;
  }
  if (state.draft?.id !== id) return;
  $("versions-list").replaceChildren(
    ...versions.map((v) => {
      const li = document.createElement("li");
      li.className = "version" + (v.number === state.draft.version ? " current" : "");
      const head = document.createElement("div");
      head.className = "version-head";
      head.innerHTML = `<span class="version-number mono"></span><span class="version-source"></span><span class="version-state"></span><span class="spacer"></span><span class="version-time muted"></span>`;
      head.querySelector(".version-number").textContent = `v${v.number}`;
      head.querySelector(".version-source").textContent = v.source;
      const st = head.querySelector(".version-state");
      st.dataset.ok = String(v.ok);
      st.textContent = v.ok ? (v.warnings ? plural(v.warnings, "warning") : "clean") : plural(v.errors, "error");
      head.querySelector(".version-time").textContent = ago(v.created_at);
      li.append(head);
      if (v.note) {
        const note = document.createElement("p");
        note.className = "version-note";
        note.textContent = v.note;
        li.append(note);
      }
      if (v.number !== state.draft.version) {
        const restore = document.createElement("button");
        restore.type = "button";
        restore.className = "button ghost small";
        restore.textContent = "Restore";
        restore.addEventListener("click", async () => {
          if (state.dirty && !confirm("Discard unsaved changes and restore this version?")) return;
          try {
            applyDraft(await api.restore(id, v.number));
            toast(`Restored v${v.number} as v${state.draft.version}`, "ok");
          } catch (err) {
            toast(err.message, "error");
          }
        });
        head.append(restore);
      } else {
        const badge = document.createElement("span");
        badge.className = "pill";
        badge.textContent = "current";
        head.append(badge);
      }
      return li;
    }),
  );
}

// ---- tabs -----------------------------------------------------------------------------------

for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    for (const t of document.querySelectorAll(".tab")) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      $(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (tab.id === "tab-versions") loadVersions();
  });
}

// ---- start view -----------------------------------------------------------------------------

$("prompt-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const prompt = $("prompt").value.trim();
  if (!prompt) return;
  $("prompt-error").hidden = true;
  $("prompt-submit").disabled = true;
  busy("Writing your composition…");
  try {
    // An empty choice means "from the prompt": leave it out, so the prompt's own
    // "vertical" or "10-second" decides, as on the command line.
    const body = { prompt };
    const aspect = $("prompt-aspect").value;
    const duration = $("prompt-duration").value;
    if (aspect) body.aspect = aspect;
    if (duration) body.duration = parseFloat(duration);
    const draft = await api.createDraft(body);
    applyDraft(draft);
    if (!draft.ok) toast("The draft still has problems: see Checks", "warn");
  } catch (err) {
    showError($("prompt-error"), err);
  } finally {
    busy("");
    $("prompt-submit").disabled = false;
  }
});

$("prompt").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) $("prompt-form").requestSubmit();
});

$("html-start-button").addEventListener("click", () => {
  $("prompt-form").hidden = true;
  $("html-form").hidden = false;
  $("html-start").focus();
});
$("html-cancel").addEventListener("click", () => {
  $("html-form").hidden = true;
  $("prompt-form").hidden = false;
});
$("html-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const html = $("html-start").value;
  if (!html.trim()) return;
  $("html-error").hidden = true;
  busy("Checking…");
  try {
    applyDraft(await api.createDraft({ html }));
  } catch (err) {
    showError($("html-error"), err);
  } finally {
    busy("");
  }
});

$("new-button").addEventListener("click", () => {
  if (state.dirty && !confirm("Discard unsaved changes?")) return;
  showStart();
});
$("save-button").addEventListener("click", save);

// ---- keys, auth, boot -----------------------------------------------------------------------

document.addEventListener("keydown", (e) => {
  const mod = e.metaKey || e.ctrlKey;
  if (mod && e.key.toLowerCase() === "s") {
    e.preventDefault();
    save();
  } else if (e.altKey && e.key.toLowerCase() === "k" && state.draft) {
    e.preventDefault();
    preview.toggle();
  }
});

window.addEventListener("beforeunload", (e) => {
  if (state.dirty) e.preventDefault();
});

function askKey() {
  return new Promise((resolve) => {
    const dialog = $("key-dialog");
    $("key-input").value = apiKey();
    dialog.addEventListener(
      "close",
      () => {
        const ok = dialog.returnValue === "ok" && $("key-input").value.trim();
        if (ok) setApiKey($("key-input").value.trim());
        $("key-button").hidden = false;
        resolve(Boolean(ok));
      },
      { once: true },
    );
    dialog.showModal();
  });
}
onUnauthorized(askKey);
$("key-button").addEventListener("click", askKey);
$("key-button").hidden = !apiKey();

// Leaving the editor stops its preview.
document.addEventListener("seekreel:view", (e) => {
  if (e.detail !== "editor-view") preview.pause();
});

$("projects-link").addEventListener("click", (e) => {
  e.preventDefault();
  if (state.dirty && !confirm("Discard unsaved changes?")) return;
  setDirty(false);
  openProjects();
});

const params = new URLSearchParams(location.search);
if (params.get("draft")) openDraft(params.get("draft"));
else if (params.get("project")) openProject(params.get("project"), null, params.get("grant"));
else if (params.has("projects")) openProjects();
else showStart();
