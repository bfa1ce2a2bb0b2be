// seekreel page runtime: injected before any page script. It replaces every source of
// time and randomness with a virtual one that only moves when the renderer seeks, so a
// frame is a pure function of (document, t). Exposed to the renderer as window.__seekreel.
(() => {
  "use strict";
  const SEED = __SEEKREEL_SEED__;
  const WAIT_BUDGET_MS = __SEEKREEL_WAIT_MS__;
  const EPOCH_MS = 1704067200000; // 2024-01-01T00:00:00Z: the virtual wall clock at t = 0
  const MAX_TIMER_FIRINGS = 100000;

  const realSetTimeout = window.setTimeout.bind(window);
  const realClearTimeout = window.clearTimeout.bind(window);
  const RealDate = window.Date;
  const RealError = window.Error;
  const define = (obj, name, value) =>
    Object.defineProperty(obj, name, { value, writable: true, configurable: true });

  let nowMs = 0; // virtual ms since t = 0

  // --- seeded randomness (sfc32) -------------------------------------------------------
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = SEED >>> 0;
  const next32 = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return r >>> 0;
  };
  for (let i = 0; i < 15; i++) next32();
  define(Math, "random", () => next32() / 4294967296);
  if (window.crypto) {
    const realGRV = Crypto.prototype.getRandomValues;
    define(window.crypto, "getRandomValues", function getRandomValues(array) {
      realGRV.call(window.crypto, new Uint8Array(0)); // keeps the native type checks' errors
      if (!ArrayBuffer.isView(array) || array instanceof Float32Array || array instanceof Float64Array) {
        return realGRV.call(window.crypto, array);
      }
      const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
      for (let i = 0; i < bytes.length; i++) bytes[i] = next32() & 0xff;
      return array;
    });
    define(window.crypto, "randomUUID", function randomUUID() {
      const h = [];
      for (let i = 0; i < 16; i++) h.push(next32() & 0xff);
      h[6] = (h[6] & 0x0f) | 0x40;
      h[8] = (h[8] & 0x3f) | 0x80;
      const s = h.map((x) => x.toString(16).padStart(2, "0")).join("");
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    });
  }

  // --- virtual clock -------------------------------------------------------------------
  const VirtualDate = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      return Reflect.construct(target, args.length ? args : [EPOCH_MS + nowMs], newTarget);
    },
    apply() {
      return new RealDate(EPOCH_MS + nowMs).toString();
    },
  });
  define(RealDate, "now", () => EPOCH_MS + nowMs);
  define(window, "Date", VirtualDate);
  define(performance, "now", () => nowMs);

  // --- the page's own timer calls, which a probe reports ------------------------------
  // Every spelling (an alias, window['set' + 'Timeout'], Reflect.apply, .call) ends in the
  // functions below, so they note each call: which timer, the seek it happened in (null while
  // loading) and the document line of the first such call. Bounded: a long render stays cheap.
  const MAX_TIMER_RECORDS = 64;
  const timerCalls = new Map(); // "name@time" -> {name, time, line}
  const DOC_FRAME = `${location.href}:`; // stack frames in the document read "<url>:<line>:<column>"
  let seekingTo = null;
  const noteTimer = (name) => {
    const key = `${name}@${seekingTo}`;
    if (timerCalls.has(key) || timerCalls.size >= MAX_TIMER_RECORDS) return;
    const record = { name, time: seekingTo, line: null };
    timerCalls.set(key, record); // before the stack is read: a page's prepareStackTrace may call a timer
    try {
      const stack = String(new RealError().stack);
      const at = stack.indexOf(DOC_FRAME); // the first stack frame from the document: the page's call
      if (at >= 0) record.line = parseInt(stack.slice(at + DOC_FRAME.length), 10);
    } catch (_) { /* no line, then */ }
  };

  // --- timers and animation frames, fired only by seeks ---------------------------------
  let nextId = 1;
  const timers = new Map(); // id -> {due, fn, args, every}
  let frameCallbacks = new Map(); // id -> fn
  const call = (fn, args) => {
    if (typeof fn === "function") fn(...args);
    else (0, eval)(String(fn)); // string handlers, as browsers allow
  };
  const addTimer = (fn, delay, args, repeat) => {
    const id = nextId++;
    const ms = Math.max(0, Number(delay) || 0);
    timers.set(id, { due: nowMs + ms, fn, args, every: repeat ? Math.max(1, ms) : 0 });
    return id;
  };
  define(window, "setTimeout", (fn, delay, ...args) => {
    noteTimer("setTimeout");
    return addTimer(fn, delay, args, false);
  });
  define(window, "setInterval", (fn, delay, ...args) => {
    noteTimer("setInterval");
    return addTimer(fn, delay, args, true);
  });
  define(window, "clearTimeout", (id) => void timers.delete(id));
  define(window, "clearInterval", (id) => void timers.delete(id));
  define(window, "requestAnimationFrame", (fn) => {
    noteTimer("requestAnimationFrame");
    const id = nextId++;
    frameCallbacks.set(id, fn);
    return id;
  });
  define(window, "cancelAnimationFrame", (id) => void frameCallbacks.delete(id));
  // Idle callbacks would fire whenever the real browser is idle: on the virtual clock they
  // are zero-delay timers that see a fixed, generous deadline.
  const IDLE_DEADLINE = Object.freeze({ didTimeout: false, timeRemaining: () => 50 });
  define(window, "requestIdleCallback", (fn) => {
    noteTimer("requestIdleCallback");
    return addTimer(fn, 0, [IDLE_DEADLINE], false);
  });
  define(window, "cancelIdleCallback", (id) => void timers.delete(id));
  // Nothing in a composition may reach the network: take the peer-to-peer APIs away too.
  for (const name of ["RTCPeerConnection", "webkitRTCPeerConnection", "RTCDataChannel", "RTCIceCandidate"]) {
    try { delete window[name]; } catch (_) { /* not configurable: other layers still block it */ }
  }

  const report = (err) => {
    // Rethrown asynchronously so the renderer sees it as an uncaught page error.
    realSetTimeout(() => { throw err; }, 0);
  };

  const runTimersUntil = (targetMs) => {
    let fired = 0;
    for (;;) {
      let pick = null;
      for (const [id, tm] of timers) {
        if (tm.due <= targetMs && (!pick || tm.due < pick[1].due || (tm.due === pick[1].due && id < pick[0]))) {
          pick = [id, tm];
        }
      }
      if (!pick) break;
      const [id, tm] = pick;
      nowMs = Math.max(nowMs, tm.due);
      if (tm.every) tm.due += tm.every; else timers.delete(id);
      try { call(tm.fn, tm.args); } catch (err) { report(err); }
      noteAnimations(); // a transition this timer started begins at the timer's time
      if (++fired > MAX_TIMER_FIRINGS) throw new Error("timers fired more than 100000 times in one seek");
    }
  };

  const runAnimationFrame = () => {
    const callbacks = frameCallbacks;
    frameCallbacks = new Map();
    for (const fn of callbacks.values()) {
      try { fn(nowMs); } catch (err) { report(err); }
    }
  };

  // CSS animations/transitions and Web Animations: paused, placed on the virtual clock.
  // An animation first seen at virtual time T (e.g. a transition a seek just triggered)
  // starts at T; those present at load start at 0.
  const birth = new WeakMap();
  const noteAnimations = () => {
    for (const anim of document.getAnimations()) if (!birth.has(anim)) birth.set(anim, nowMs);
  };
  const seekAnimations = () => {
    noteAnimations();
    for (const anim of document.getAnimations()) {
      try {
        if (anim.playState !== "paused") anim.pause();
        anim.currentTime = Math.max(0, nowMs - birth.get(anim));
      } catch (err) { report(err); }
    }
  };

  const settle = (promises) => {
    if (!promises.length) return Promise.resolve();
    let timer;
    const budget = new Promise((_, reject) => {
      timer = realSetTimeout(
        () => reject(new Error(`hf-seek waitUntil promises did not settle within ${WAIT_BUDGET_MS} ms`)),
        WAIT_BUDGET_MS,
      );
    });
    return Promise.race([Promise.allSettled(promises), budget]).finally(() => realClearTimeout(timer));
  };

  let ready = null;
  const whenReady = () => {
    if (!ready) {
      const images = Array.from(document.images || []).map((img) => img.decode().catch(() => {}));
      ready = settle([document.fonts ? document.fonts.ready : Promise.resolve(), ...images]);
      noteAnimations(); // everything present at load starts at t = 0
    }
    return ready;
  };

  async function seek(timeSeconds) {
    seekingTo = timeSeconds;
    await whenReady();
    const targetMs = timeSeconds * 1000;
    runTimersUntil(targetMs);
    nowMs = targetMs;
    const waits = [];
    const detail = Object.freeze({
      time: timeSeconds,
      waitUntil(promise) { waits.push(Promise.resolve(promise)); },
    });
    window.dispatchEvent(new CustomEvent("hf-seek", { detail }));
    runAnimationFrame();
    seekAnimations();
    await settle(waits);
    seekAnimations(); // anything the awaited work started
    return nowMs;
  }

  // A change the compositor must redraw but no pixel shows (black at alpha 0.001 rounds
  // back to the same 8-bit value): used when a frame has to be captured although nothing moved.
  let nudgeEl = null;
  let nudgeOn = false;
  const nudge = () => {
    if (!nudgeEl) {
      nudgeEl = document.createElement("seekreel-nudge");
      nudgeEl.style.cssText = "all:initial;position:fixed;left:0;top:0;width:1px;height:1px;" +
        "pointer-events:none;z-index:2147483647;background:#000;opacity:0";
    }
    if (!nudgeEl.isConnected) document.documentElement.appendChild(nudgeEl);
    nudgeOn = !nudgeOn;
    nudgeEl.style.opacity = nudgeOn ? "0.001" : "0.0011";
  };

  Object.defineProperty(window, "__seekreel", {
    value: Object.freeze({
      seek,
      nudge,
      timerCalls: () => Array.from(timerCalls.values(), (r) => ({ ...r })),
      get now() { return nowMs / 1000; },
    }),
    writable: false,
    configurable: false,
  });
})();
