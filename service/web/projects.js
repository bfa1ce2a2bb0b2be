// Narrated videos: start a project from a script or a topic, review it section by section
// (read, edit in place, listen, reorder, add, remove), scrub the whole storyboard with its
// narration, approve, follow the render, watch the video with its captions.
//
// The project's state is the server's: every change answers with the whole project, which is
// shown as it is. While the project is InProgress it is polled; while Finalizing, the render
// job's progress arrives as server-sent events.

import { api, ApiError, authedUrl, followProjectRender, grantFor, setGrant } from "./api.js";
import { Narration } from "./narration.js";
import { Preview } from "./preview.js";
import { $, HEX_COLOR, ago, plural, showError, showView, slug, toast } from "./ui.js";

const POLL_MS = 800;
const STATUS_WORDS = {
  InProgress: "Preparing",
  NeedsApproval: "Needs approval",
  Finalizing: "Rendering",
  Completed: "Completed",
  Failed: "Failed",
};
// the decision panel borrows the render job's look: running / succeeded / failed
const STATUS_LOOK = { InProgress: "running", NeedsApproval: "queued", Finalizing: "running", Completed: "succeeded", Failed: "failed" };

const state = {
  project: null,
  sectionsKey: "",
  previewKey: "",
  poll: 0,
  following: null, // the job id whose events are being read
  jobAbort: null,
  listen: null, // the section audio playing on its own
};

// ---- the preview, with the narration played by this page in step with it ------------------

const narration = new Narration($("review-narration"));
const preview = new Preview($("review-preview"), $("review-box"), $("review-stage"), {
  onTime: (t) => {
    $("review-scrubber").value = String(t);
    $("review-time").textContent = `${t.toFixed(2)} / ${preview.duration.toFixed(2)} s`;
    narration.sync(t, preview.playing);
  },
  onError: (e) => showNote(e.message),
  onPlayState: (playing) => {
    $("review-play").classList.toggle("playing", playing);
    $("review-play").setAttribute("aria-label", playing ? "Pause" : "Play");
    if (playing) stopListening();
    narration.sync(preview.time, playing);
  },
});

$("review-scrubber").addEventListener("input", () => {
  preview.pause();
  preview.seek(parseFloat($("review-scrubber").value));
});
$("review-play").addEventListener("click", () => preview.toggle());

function showNote(text) {
  $("review-preview-note").textContent = text;
  $("review-preview-note").hidden = !text;
}

// ---- the list and the new-project form ------------------------------------------------------

export async function openProjects() {
  showView("projects-view");
  history.replaceState(null, "", "/?projects");
  document.title = "Narrated videos · seekreel";
  $("project-input").focus();
  try {
    const projects = await api.listProjects();
    $("project-list").replaceChildren(...projects.map(projectItem));
    $("project-list-box").hidden = projects.length === 0;
  } catch {
    $("project-list-box").hidden = true;
  }
}

function projectItem(p) {
  const li = document.createElement("li");
  const a = projectLink(p.id);
  const title = document.createElement("span");
  title.className = "recent-title";
  title.textContent = p.title;
  const status = document.createElement("span");
  status.className = "status-pill";
  status.dataset.status = p.status;
  status.textContent = STATUS_WORDS[p.status] || p.status;
  const meta = document.createElement("span");
  meta.className = "recent-meta";
  meta.textContent = ago(p.created_at);
  a.append(title, status, meta);
  li.append(a);
  return li;
}

function projectLink(id, text = "") {
  const a = document.createElement("a");
  a.href = `/?project=${encodeURIComponent(id)}`;
  a.textContent = text;
  a.addEventListener("click", (e) => {
    e.preventDefault();
    openProject(id);
  });
  return a;
}

function source() {
  return document.querySelector('input[name="project-source"]:checked').value;
}

for (const radio of document.querySelectorAll('input[name="project-source"]')) {
  radio.addEventListener("change", () => {
    const topic = source() === "topic";
    $("project-input").placeholder = topic
      ? "What is the video about? The model writes the script; you review it before anything is rendered."
      : "Paste the narration: one paragraph per section.\n\nEach paragraph is voiced on its own, with its own background.";
    $("project-input").rows = topic ? 3 : 6;
    $("project-split").disabled = topic;
  });
}

$("project-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const value = $("project-input").value.trim();
  if (!value) return;
  const body = { [source()]: value, aspect: $("project-aspect").value, resolution: $("project-resolution").value };
  if ($("project-title-input").value.trim()) body.title = $("project-title-input").value.trim();
  if (source() === "text" && $("project-split").value) body.split = $("project-split").value;
  $("project-form-error").hidden = true;
  $("project-submit").disabled = true;
  try {
    const project = await api.createProject(body);
    $("project-input").value = "";
    openProject(project.id, project);
  } catch (err) {
    showCreateError(err);
  } finally {
    $("project-submit").disabled = false;
  }
});

$("project-input").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) $("project-form").requestSubmit();
});

/** The one-active-project rule names the project in the way: say so and link to it. */
function showCreateError(err) {
  const box = $("project-form-error");
  if (err instanceof ApiError && err.code === "project_active" && err.body.project_id) {
    box.replaceChildren(
      "You already have a project in the works — approve or cancel it before starting another: ",
      projectLink(err.body.project_id, "open your active project"),
      ".",
    );
    box.hidden = false;
  } else {
    const problems = err instanceof ApiError ? err.body.problems || [] : [];
    showError(box, problems.length > 1 ? `${err.message}\n${problems.join("\n")}` : err);
  }
}

// ---- one project ----------------------------------------------------------------------------

/** The review page of project `id`; `grant` when it was opened from a review link (Slack). */
export async function openProject(id, known = null, grant = null) {
  leave();
  if (grant) setGrant(id, grant);
  state.project = null;
  state.sectionsKey = state.previewKey = "";
  showView("review-view");
  const query = new URLSearchParams({ project: id });
  if (grantFor(id)) query.set("grant", grantFor(id)); // a reload keeps working
  history.replaceState(null, "", `/?${query}`);
  preview.pause();
  narration.set([]);
  $("project-result").hidden = true;
  $("project-problem").hidden = true;
  showNote("");
  try {
    show(known || (await api.project(id)));
  } catch (err) {
    if (!grantFor(id)) {
      toast(err.message, "error");
      openProjects();
      return;
    }
    unopened(err); // a review link: the list of projects is not this person's to see
  }
}

/** A review link that does not open its project (expired, tampered, the project gone): say why. */
function unopened(err) {
  $("project-title").textContent = "This review link doesn't work";
  document.title = "Review link · seekreel";
  $("project-status").textContent = "";
  $("project-stage").textContent = "";
  $("sections").replaceChildren();
  $("add-section-form").hidden = true;
  $("project-approve").hidden = $("project-cancel").hidden = true;
  $("decision-status").textContent = "";
  showNote("nothing to preview");
  showError($("project-problem"), err);
}

document.addEventListener("seekreel:view", (e) => {
  if (e.detail !== "review-view") leave();
});

/** Stop everything this view runs: polling, the job's events, the sound. */
function leave() {
  clearTimeout(state.poll);
  state.jobAbort?.abort();
  state.jobAbort = null;
  state.following = null;
  preview.pause();
  narration.stop();
  stopListening();
}

/** Show the project as the server says it is, and keep it current. */
function show(project) {
  if (state.project && state.project.id !== project.id) return; // a late answer for another one
  state.project = project;
  $("project-title").textContent = project.title;
  document.title = `${project.title} · seekreel`;
  const pill = $("project-status");
  pill.dataset.status = project.status;
  pill.textContent = STATUS_WORDS[project.status] || project.status;
  renderSections(project);
  renderProblem(project);
  renderDecision(project);
  loadPreview(project);
  $("project-result").hidden = project.status !== "Completed";
  clearTimeout(state.poll);
  if (project.status === "InProgress") state.poll = setTimeout(() => reload(project.id), POLL_MS);
  if (project.status === "Finalizing") followRender(project);
  if (project.status === "Completed") showVideo(project);
}

async function reload(id) {
  try {
    show(await api.project(id));
  } catch (err) {
    if (state.project?.id === id) state.poll = setTimeout(() => reload(id), POLL_MS * 4);
  }
}

function stageText(p) {
  const ready = p.sections.filter((s) => s.status === "ready").length;
  const seconds = p.sections.reduce((n, s) => n + (s.audio_duration || 0), 0);
  switch (p.status) {
    case "InProgress":
      return p.sections.length ? `voicing: ${ready} of ${plural(p.sections.length, "section")} ready` : "writing the script…";
    case "NeedsApproval":
      return `${plural(p.sections.length, "section")} · ${seconds.toFixed(1)} s of narration`;
    default:
      return plural(p.sections.length, "section");
  }
}

function renderProblem(p) {
  const box = $("project-problem");
  if (p.status !== "Failed") {
    box.hidden = true;
    return;
  }
  const lines = [p.error || "The project failed."];
  for (const f of p.failures || []) lines.push(`• section ${f.position + 1}: ${f.error}`);
  for (const f of (p.findings || []).slice(0, 5)) lines.push(`• ${f}`);
  box.textContent = lines.join("\n");
  box.hidden = false;
}

// ---- sections -------------------------------------------------------------------------------

function renderSections(p) {
  $("project-stage").textContent = stageText(p);
  const editable = p.status === "NeedsApproval";
  $("add-section-form").hidden = !editable;
  const key = JSON.stringify([p.status, p.sections]);
  if (key === state.sectionsKey) return;
  state.sectionsKey = key;
  $("sections").replaceChildren(...p.sections.map((s, i) => sectionCard(p, s, i, editable)));
}

function sectionCard(p, s, index, editable) {
  const li = document.createElement("li");
  li.className = "section-card";
  li.dataset.sectionId = s.id;
  li.dataset.status = s.status;
  if (s.audio_url) li.dataset.audioUrl = s.audio_url;

  const thumb = document.createElement("div");
  thumb.className = "section-thumb";
  if (s.background_url) {
    const img = document.createElement("img");
    img.alt = `Background of section ${index + 1}`;
    img.src = authedUrl(s.background_url);
    thumb.append(img);
  } else if (s.background_color) {
    thumb.style.background = s.background_color;
  }

  const main = document.createElement("div");
  main.className = "section-main";
  const text = document.createElement("textarea");
  text.className = "section-text";
  text.rows = 2;
  text.value = s.text;
  text.readOnly = !editable;
  text.setAttribute("aria-label", `Section ${index + 1}`);
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) text.blur();
    if (e.key === "Escape") {
      text.value = s.text;
      text.blur();
    }
  });
  text.addEventListener("blur", () => {
    const value = text.value.trim();
    if (!editable || value === s.text) return;
    if (!value) {
      text.value = s.text;
      return;
    }
    change(li, `Voicing section ${index + 1} again…`, () => api.editSection(p.id, s.id, { text: value }));
  });

  const tools = document.createElement("div");
  tools.className = "section-tools";
  const listen = button(s.audio_duration ? `▶ ${s.audio_duration.toFixed(1)} s` : "▶", "section-play", `Play section ${index + 1}`);
  listen.disabled = !s.audio_url;
  listen.addEventListener("click", () => listenTo(s, listen));
  tools.append(listen);
  if (editable) {
    const background = document.createElement("input");
    background.type = "text";
    background.className = "section-background";
    background.placeholder = "background: #colour, image URL or search words";
    background.value = s.hint || s.background?.src || s.background?.color || "";
    background.setAttribute("aria-label", `Background of section ${index + 1}`);
    background.addEventListener("change", () => {
      const body = backgroundChange(background.value.trim());
      if (body) change(li, `Fetching the background of section ${index + 1}…`, () => api.editSection(p.id, s.id, body));
    });
    const up = button("↑", "section-up", "Move up");
    up.disabled = index === 0;
    up.addEventListener("click", () => change(li, "Moving…", () => api.editSection(p.id, s.id, { position: index - 1 })));
    const down = button("↓", "section-down", "Move down");
    down.disabled = index === p.sections.length - 1;
    down.addEventListener("click", () => change(li, "Moving…", () => api.editSection(p.id, s.id, { position: index + 1 })));
    const remove = button("Remove", "section-remove", `Remove section ${index + 1}`);
    remove.disabled = p.sections.length === 1;
    remove.addEventListener("click", () => {
      if (confirm(`Remove section ${index + 1}?`)) change(li, "Removing…", () => api.removeSection(p.id, s.id));
    });
    tools.append(background, up, down, remove);
  } else if (s.status === "pending") {
    tools.append("voicing…");
  }
  main.append(text, tools);
  if (s.warnings.length) {
    const warnings = document.createElement("ul");
    warnings.className = "section-warnings";
    warnings.replaceChildren(...s.warnings.map((w) => Object.assign(document.createElement("li"), { textContent: w })));
    main.append(warnings);
  }
  if (s.error) main.append(Object.assign(document.createElement("p"), { className: "section-error", textContent: s.error }));
  li.append(thumb, main);
  return li;
}

function button(label, cls, title) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `button ghost small ${cls}`;
  b.textContent = label;
  b.title = title;
  b.setAttribute("aria-label", title);
  return b;
}

/** What the background field means: a colour, an image or video URL, or words to search for. */
function backgroundChange(value) {
  if (!value) return null;
  if (HEX_COLOR.test(value)) return { background: { color: value } };
  if (/^https?:\/\//i.test(value)) return { background: { src: value } };
  return { hint: value };
}

/** A change to one section: the card waits, the whole project comes back and is shown. */
async function change(card, doing, call) {
  card.setAttribute("aria-busy", "true");
  $("project-stage").textContent = doing;
  try {
    show(await call());
  } catch (err) {
    card.removeAttribute("aria-busy");
    $("project-stage").textContent = stageText(state.project);
    toast(err.message, "error");
    state.sectionsKey = ""; // put the card back as it was
    renderSections(state.project);
  }
}

function listenTo(section, control) {
  const playing = state.listen && state.listen.id === section.id && !state.listen.audio.paused;
  stopListening();
  if (playing) return;
  preview.pause();
  const audio = new Audio(authedUrl(section.audio_url));
  state.listen = { id: section.id, audio, control, label: control.textContent };
  control.textContent = "■ stop";
  audio.addEventListener("ended", () => stopListening());
  audio.play().catch((err) => toast(err.message, "error"));
}

function stopListening() {
  if (!state.listen) return;
  const { audio, control, label } = state.listen;
  audio.pause();
  control.textContent = label;
  state.listen = null;
}

$("add-section-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("add-section-text").value.trim();
  if (!text || !state.project) return;
  $("add-section-button").disabled = true;
  $("project-stage").textContent = "Voicing the new section…";
  try {
    show(await api.addSection(state.project.id, { text }));
    $("add-section-text").value = "";
  } catch (err) {
    toast(err.message, "error");
    $("project-stage").textContent = stageText(state.project);
  } finally {
    $("add-section-button").disabled = false;
  }
});

// ---- the preview ----------------------------------------------------------------------------

/** The compiled storyboard, reloaded whenever a section's voice, background or place changed. */
async function loadPreview(p) {
  const ready = p.sections.length && p.sections.every((s) => s.status === "ready");
  if (!ready) {
    if (!state.previewKey) showNote(p.status === "Failed" ? "nothing to preview" : "the preview follows once every section is voiced");
    return;
  }
  const key = JSON.stringify(p.sections.map((s) => [s.id, s.audio_url, s.background_url, s.background_color]));
  if (key === state.previewKey) return;
  state.previewKey = key;
  try {
    const compiled = await api.projectPreview(p.id);
    if (state.project?.id !== p.id || state.previewKey !== key) return;
    showNote("");
    preview.pause();
    preview.load(compiled.html, {}, compiled.assets);
    narration.set(compiled.sections);
    $("review-scrubber").max = String(compiled.duration);
    $("review-time").textContent = `${preview.time.toFixed(2)} / ${compiled.duration.toFixed(2)} s`;
  } catch (err) {
    state.previewKey = "";
    showNote(`no preview: ${err.message}`);
  }
}

// ---- approving, the render, the video -------------------------------------------------------

function renderDecision(p) {
  const status = $("decision-status");
  status.dataset.status = STATUS_LOOK[p.status] || "queued";
  status.textContent = {
    InProgress: "Preparing the sections",
    NeedsApproval: "Waiting for your approval",
    Finalizing: "Rendering",
    Completed: "Done",
    Failed: "Failed",
  }[p.status];
  $("project-approve").disabled = p.status !== "NeedsApproval";
  $("project-approve").hidden = p.status === "Completed" || p.status === "Failed";
  $("project-cancel").hidden = !["InProgress", "NeedsApproval", "Finalizing"].includes(p.status);
  const bar = $("project-progress");
  if (p.status === "Completed") bar.style.width = "100%";
  else if (p.status !== "Finalizing") bar.style.width = p.status === "InProgress" ? `${preparedShare(p) * 100}%` : "0%";
  bar.dataset.status = STATUS_LOOK[p.status];
  if (p.status !== "Finalizing") $("decision-detail").textContent = p.status === "Failed" ? p.error_code || "" : "";
}

function preparedShare(p) {
  return p.sections.length ? p.sections.filter((s) => s.status === "ready").length / p.sections.length : 0;
}

$("project-approve").addEventListener("click", async () => {
  const p = state.project;
  if (!p) return;
  $("project-approve").disabled = true;
  preview.pause();
  try {
    show(await api.approve(p.id));
  } catch (err) {
    toast(err.message, "error");
    reload(p.id);
  }
});

$("project-cancel").addEventListener("click", async () => {
  const p = state.project;
  if (!p || !confirm("Cancel this project? Nothing more is made or rendered.")) return;
  try {
    show(await api.cancelProject(p.id));
  } catch (err) {
    toast(err.message, "error");
  }
});

/** The render job's events: the stage and its progress, then the finished project. */
async function followRender(p) {
  if (!p.job_id || state.following === p.job_id) return;
  state.following = p.job_id;
  state.jobAbort = new AbortController();
  try {
    const job = await followProjectRender(p.id, (_, j) => showJob(j), state.jobAbort.signal);
    showJob(job);
    // the project follows its job a moment later
    for (let i = 0; i < 100 && state.project?.id === p.id; i++) {
      const now = await api.project(p.id);
      if (now.status !== "Finalizing") {
        show(now);
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (err) {
    if (err.name !== "AbortError") toast(err.message, "error");
  } finally {
    if (state.following === p.job_id) state.following = null;
  }
}

function showJob(job) {
  if (state.project?.status !== "Finalizing") return;
  const stage = job.stage ? `${job.stage.name} ${job.stage.done} / ${job.stage.total}` : job.status;
  $("decision-detail").textContent = stage;
  $("project-progress").style.width = `${Math.round((job.progress || 0) * 100)}%`;
}

function showVideo(p) {
  const video = $("project-video");
  const src = authedUrl(p.video_url);
  if (video.dataset.src === src) return;
  video.dataset.src = src;
  const track = document.createElement("track");
  track.kind = "captions";
  track.label = "Captions";
  track.srclang = "en";
  track.default = true;
  track.src = authedUrl(p.captions_url);
  video.replaceChildren(track);
  video.src = src;
  video.load();
  $("project-download").href = src;
  $("project-download").download = `${slug(p.title)}.mp4`;
  $("project-captions-link").href = authedUrl(p.captions_url);
  $("project-captions-link").download = `${slug(p.title)}.vtt`;
  $("project-result-info").textContent = `finished ${ago(p.finished_at || p.updated_at)}`;
}

