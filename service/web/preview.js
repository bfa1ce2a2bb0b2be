// The live preview: the composition in a sandboxed iframe (opaque origin, no network),
// variables substituted the way the renderer does, and a tiny injected listener that turns
// our postMessage into the composition's own `hf-seek` event. A composition that loads
// pictures by relative name (a storyboard's backgrounds) gets them as data: URLs: the same
// bridge answers an <img>'s relative src from the map it is given, as the renderer answers it
// from its assets folder — the page itself still cannot reach the network.

// The placeholder rule and the layout sizes are the renderer's own, written by the server
// (service/api/editor_page.py) from the sandbox: never copy them here.
import RULES from "/composition-rules.js";

const VARS_BLOCK_RE = /<script\b[^>]*\bid\s*=\s*["']?hf-variables["']?[^>]*>([\s\S]*?)<\/script\s*>/i;
const PLACEHOLDER_RE = new RegExp(RULES.placeholder, "g");
const HTML_TAG_RE = /<html\b([^>]*)>/i;
const HEAD_TAG_RE = /<head\b[^>]*>/i;
const ATTR_RE = /([\w:-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;

export const CANONICAL_SIZES = RULES.canonicalSizes;

// Forbids every network request; inline script and style only, images and fonts as data:/blob:.
const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:";

// Runs inside the iframe before the composition's scripts. Kept on one line so the
// composition's line numbers (in error messages) stay what the editor shows.
// ASSETS_BRIDGE: `A` (name → data: URL) answers <img> sources set by script or by markup.
const ASSETS_BRIDGE = `var d=Object.getOwnPropertyDescriptor(HTMLImageElement.prototype,'src'),sa=Element.prototype.setAttribute,has=function(v){return typeof v==='string'&&Object.prototype.hasOwnProperty.call(A,v)};Object.defineProperty(HTMLImageElement.prototype,'src',{configurable:true,enumerable:true,get:d.get,set:function(v){d.set.call(this,has(v)?A[v]:v)}});Element.prototype.setAttribute=function(n,v){if(this instanceof HTMLImageElement&&String(n).toLowerCase()==='src'&&has(v))v=A[v];return sa.call(this,n,v)};new MutationObserver(function(ms){ms.forEach(function(m){m.addedNodes.forEach(function(n){var all=n.querySelectorAll?[n].concat(Array.from(n.querySelectorAll('img'))):[];all.forEach(function(i){if(i instanceof HTMLImageElement&&has(i.getAttribute('src')))i.setAttribute('src',i.getAttribute('src'))})})})}).observe(document,{childList:true,subtree:true});`;
const BRIDGE = `(function(){var P=function(m){try{parent.postMessage(m,'*')}catch(_){}};addEventListener('error',function(e){P({type:'hf-preview-error',message:String(e.message||'error'),line:e.lineno||null})});addEventListener('unhandledrejection',function(e){P({type:'hf-preview-error',message:'unhandled rejection: '+String(e.reason&&e.reason.message||e.reason),line:null})});addEventListener('message',function(e){var d=e.data;if(!d||d.type!=='hf-preview-seek')return;var t=Number(d.time)||0;try{document.getAnimations&&document.getAnimations().forEach(function(a){a.pause();a.currentTime=t*1000})}catch(_){}dispatchEvent(new CustomEvent('hf-seek',{detail:{time:t,waitUntil:function(){}}}));P({type:'hf-preview-seeked',time:t})});addEventListener('load',function(){P({type:'hf-preview-ready'})})})();`;

export function rootAttributes(html) {
  const m = HTML_TAG_RE.exec(html);
  const attrs = {};
  if (!m) return attrs;
  for (const a of m[1].matchAll(ATTR_RE)) {
    attrs[a[1].toLowerCase()] = a[2] ?? a[3] ?? a[4] ?? "";
  }
  return attrs;
}

/** Duration, layout size and aspect, as the renderer reads them (with forgiving fallbacks for a preview). */
export function compositionShape(html) {
  const attrs = rootAttributes(html);
  const duration = parseFloat(String(attrs["data-duration"] ?? "").replace(/s$/, ""));
  const aspect = CANONICAL_SIZES[attrs["data-aspect"]] ? attrs["data-aspect"] : RULES.defaultAspect;
  let [width, height] = CANONICAL_SIZES[aspect];
  const w = parseFloat(attrs["data-width"]);
  const h = parseFloat(attrs["data-height"]);
  if (w >= 16 && h >= 16) [width, height] = [Math.round(w), Math.round(h)];
  return { duration: duration > 0 && Number.isFinite(duration) ? duration : 0, width, height, aspect };
}

export function declaredVariables(html) {
  const m = VARS_BLOCK_RE.exec(html);
  if (!m) return {};
  try {
    const data = JSON.parse(m[1]);
    if (!data || typeof data !== "object" || Array.isArray(data)) return {};
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, asText(v)]));
  } catch {
    return {};
  }
}

export function placeholders(html) {
  const body = html.replace(VARS_BLOCK_RE, "");
  const seen = new Set();
  for (const m of body.matchAll(PLACEHOLDER_RE)) seen.add(m[1]);
  return [...seen];
}

function asText(v) {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" })[c]);
}

/** `{{$NAME}}` → escaped value (the given values, else the declared defaults); the hf-variables block is left alone. */
export function substitute(html, values) {
  const merged = { ...declaredVariables(html), ...values };
  const missing = new Set();
  const fill = (part) =>
    part.replace(PLACEHOLDER_RE, (_, name) => {
      if (!(name in merged)) {
        missing.add(name);
        return "";
      }
      return escapeHtml(merged[name]);
    });
  const block = VARS_BLOCK_RE.exec(html);
  const out = block
    ? fill(html.slice(0, block.index)) + block[0] + fill(html.slice(block.index + block[0].length))
    : fill(html);
  return { html: out, missing: [...missing] };
}

/** JSON that can stand inside a <script> element (no `</script>`, no `<!--`). */
function scriptJson(value) {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/**
 * The srcdoc: CSP first (so it governs everything after it), then the seek bridge (with the
 * `assets` map, relative name → data: URL, when there are any), then the composition.
 */
export function previewDocument(html, values, assets = {}) {
  const { html: filled, missing } = substitute(html, values);
  const assetBridge = Object.keys(assets).length
    ? `<script>(function(){var A=${scriptJson(assets)};${ASSETS_BRIDGE}})();</script>`
    : "";
  const inject = `<meta http-equiv="Content-Security-Policy" content="${CSP}"><script>${BRIDGE}</script>${assetBridge}`;
  let doc;
  const head = HEAD_TAG_RE.exec(filled);
  const root = HTML_TAG_RE.exec(filled);
  if (head) doc = filled.slice(0, head.index + head[0].length) + inject + filled.slice(head.index + head[0].length);
  else if (root) doc = filled.slice(0, root.index + root[0].length) + inject + filled.slice(root.index + root[0].length);
  else doc = inject + filled;
  return { doc, missing };
}

/** Drives one iframe: load documents, seek, play/pause, report page errors. */
export class Preview {
  constructor(iframe, box, stage, { onTime, onError, onReady, onPlayState } = {}) {
    this.iframe = iframe;
    this.box = box;
    this.stage = stage;
    this.time = 0;
    this.duration = 0;
    this.playing = false;
    this.onTime = onTime || (() => {});
    this.onError = onError || (() => {});
    this.onReady = onReady || (() => {});
    this.onPlayState = onPlayState || (() => {});
    this._raf = 0;
    this._lastDoc = null;
    this._playWhenReady = false;
    window.addEventListener("message", (e) => {
      if (e.source !== this.iframe.contentWindow || !e.data || typeof e.data !== "object") return;
      if (e.data.type === "hf-preview-error") this.onError(e.data);
      if (e.data.type === "hf-preview-ready") {
        this.seek(this.time);
        this.onReady();
        if (this._playWhenReady) {
          this._playWhenReady = false;
          this.play();
        }
      }
    });
    new ResizeObserver(() => this.fit()).observe(stage);
  }

  /** Show a document (only reloads when it changed); returns the placeholders that had no value. */
  load(html, values, assets = {}) {
    const shape = compositionShape(html);
    this.duration = shape.duration;
    this.width = shape.width;
    this.height = shape.height;
    this.iframe.style.width = `${shape.width}px`;
    this.iframe.style.height = `${shape.height}px`;
    this.fit();
    const { doc, missing } = previewDocument(html, values, assets);
    if (doc !== this._lastDoc) {
      this._lastDoc = doc;
      this.iframe.srcdoc = doc;
    }
    if (this.time > this.duration) this.seek(this.duration);
    return missing;
  }

  /** Play once from the start as soon as the next document is ready (a first look at a draft). */
  playOnReady() {
    this.pause();
    this.time = 0;
    this._playWhenReady = true;
  }

  fit() {
    if (!this.width) return;
    const style = getComputedStyle(this.stage);
    const w = this.stage.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const h = this.stage.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    const scale = Math.max(0.01, Math.min(w / this.width, h / this.height));
    this.box.style.width = `${this.width * scale}px`;
    this.box.style.height = `${this.height * scale}px`;
    this.iframe.style.transform = `scale(${scale})`;
  }

  seek(t) {
    this.time = Math.max(0, Math.min(t, this.duration || 0));
    this.iframe.contentWindow?.postMessage({ type: "hf-preview-seek", time: this.time }, "*");
    this.onTime(this.time);
  }

  play() {
    if (!this.duration) return;
    if (this.time >= this.duration - 1e-3) this.seek(0);
    this.playing = true;
    this.onPlayState(true);
    let last = performance.now();
    const step = (now) => {
      if (!this.playing) return;
      const t = this.time + (now - last) / 1000;
      last = now;
      if (t >= this.duration) {
        this.seek(this.duration);
        this.pause();
        return;
      }
      this.seek(t);
      this._raf = requestAnimationFrame(step);
    };
    this._raf = requestAnimationFrame(step);
  }

  pause() {
    this.playing = false;
    cancelAnimationFrame(this._raf);
    this.onPlayState(false);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
    return this.playing;
  }
}
