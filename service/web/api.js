// The HTTP API from the editor: JSON in and out, the API key when the server wants one,
// and job events read from the SSE stream with fetch (EventSource cannot send headers).
// A review link's grant (the page was opened from Slack) rides along on its project's routes
// only, where it stands in for the key.

const KEY_STORAGE = "seekreel.apiKey";

let grant = null; // { project, token }: the review link's grant this page was opened with

export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(err.message || `request failed (${status})`);
    this.status = status;
    this.code = err.code || "error";
    this.body = err;
  }
}

export function apiKey() {
  return localStorage.getItem(KEY_STORAGE) || "";
}

export function setApiKey(key) {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

/** Send `token` (a review link's grant) on project `id`'s routes. */
export function setGrant(id, token) {
  grant = token ? { project: id, token } : null;
}

/** The grant, when there is one for the project `id`. */
export function grantFor(id) {
  return grant && grant.project === id ? grant.token : "";
}

function grantOn(path) {
  if (!grant) return "";
  const base = projectPath(grant.project);
  return path === base || path.startsWith(`${base}/`) ? grant.token : "";
}

/** A URL the browser loads by itself (<video src>, download link): the grant or the key rides in the query. */
export function authedUrl(path) {
  const [name, value] = grantOn(path) ? ["grant", grantOn(path)] : ["access_token", apiKey()];
  if (!value) return path;
  return `${path}${path.includes("?") ? "&" : "?"}${name}=${encodeURIComponent(value)}`;
}

function headers(path, extra = {}) {
  const h = { Accept: "application/json", ...extra };
  const key = apiKey();
  if (key) h.Authorization = `Bearer ${key}`;
  if (grantOn(path)) h["X-Seekreel-Grant"] = grantOn(path);
  return h;
}

let askForKey = async () => false;

/** Called on 401: resolve true once the person has entered a key worth retrying with. */
export function onUnauthorized(handler) {
  askForKey = handler;
}

export async function request(method, path, body, { retry = true } = {}) {
  const init = { method, headers: headers(path, body === undefined ? {} : { "Content-Type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(path, init);
  if (res.status === 401 && retry && (await askForKey())) return request(method, path, body, { retry: false });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { error: { message: text.slice(0, 200) } };
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const api = {
  createDraft: (body) => request("POST", "/drafts", body),
  listDrafts: () => request("GET", "/drafts?limit=8"),
  getDraft: (id) => request("GET", `/drafts/${encodeURIComponent(id)}`),
  saveDraft: (id, html, variables) => request("PUT", `/drafts/${encodeURIComponent(id)}`, { html, variables }),
  versions: (id) => request("GET", `/drafts/${encodeURIComponent(id)}/versions`),
  restore: (id, n) => request("POST", `/drafts/${encodeURIComponent(id)}/versions/${n}/restore`),
  revise: (id, instruction) => request("POST", `/drafts/${encodeURIComponent(id)}/revise`, { instruction }),
  render: (id, options) => request("POST", `/drafts/${encodeURIComponent(id)}/render`, options),
  job: (id) => request("GET", `/jobs/${encodeURIComponent(id)}`),
  cancel: (id) => request("DELETE", `/jobs/${encodeURIComponent(id)}`),
  createProject: (body) => request("POST", "/projects", body),
  listProjects: () => request("GET", "/projects?limit=12"),
  project: (id) => request("GET", projectPath(id)),
  projectPreview: (id) => request("GET", `${projectPath(id)}/preview`),
  editSection: (id, sectionId, body) => request("PATCH", sectionPath(id, sectionId), body),
  addSection: (id, body) => request("POST", `${projectPath(id)}/sections`, body),
  removeSection: (id, sectionId) => request("DELETE", sectionPath(id, sectionId)),
  approve: (id) => request("POST", `${projectPath(id)}/approve`),
  cancelProject: (id) => request("POST", `${projectPath(id)}/cancel`),
};

function projectPath(id) {
  return `/projects/${encodeURIComponent(id)}`;
}

function sectionPath(id, sectionId) {
  return `${projectPath(id)}/sections/${encodeURIComponent(sectionId)}`;
}

/**
 * Follow a job's server-sent events until it is finished; `onEvent(kind, job)` for each.
 * Resolves with the finished job. Falls back to polling `poll()` if the stream breaks.
 */
export function followJob(jobId, onEvent, signal) {
  return followEvents(`/jobs/${encodeURIComponent(jobId)}/events`, () => api.job(jobId), onEvent, signal);
}

/** `followJob` for a project's render, through the project's own routes (a grant opens only those). */
export function followProjectRender(id, onEvent, signal) {
  const poll = async () => {
    const p = await api.project(id);
    return { status: { Finalizing: "running", Completed: "succeeded" }[p.status] || "failed" };
  };
  return followEvents(`${projectPath(id)}/events`, poll, onEvent, signal);
}

async function followEvents(path, poll, onEvent, signal) {
  let last = null;
  try {
    const res = await fetch(path, { headers: headers(path, { Accept: "text/event-stream" }), signal });
    if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = parseEvent(block);
        if (event) {
          last = event.data;
          onEvent(event.kind, event.data);
        }
      }
      if (last && ["succeeded", "failed", "cancelled"].includes(last.status)) return last;
    }
  } catch (err) {
    if (signal?.aborted) throw err;
  }
  // The stream ended early (proxy, network): poll until the job is finished.
  for (;;) {
    const job = await poll();
    onEvent("status", job);
    if (["succeeded", "failed", "cancelled"].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function parseEvent(block) {
  let kind = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) kind = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  if (!data.length) return null;
  try {
    return { kind, data: JSON.parse(data.join("\n")) };
  } catch {
    return null;
  }
}
