// Coarse DOM and network helpers for the wasm: one call from Rust instead of many fine-grained
// web-sys imports (each costs a shim in the wasm and in the glue). scripts/build.sh bundles
// this file into the glue. None of these throws.

// What the tag holds for each slot element: its ad frame (made at reserve time, so that the
// frame document loads while the ad is requested), whether that document has loaded, the
// render message it shows, the frame's URL and sandbox, a pending collapse and the display
// value a collapse replaced. A WeakMap, not a property on the page's element.
const held = new WeakMap();

function hold(slot) {
  let k = held.get(slot);
  if (!k) held.set(slot, (k = {}));
  return k;
}

// Keeps the slot's box while its ad loads, and remembers where its ad frame comes from (`url`,
// the tag's adtag-frame.html; see prepare). A slot the page gave a box (its own CSS: measured before the tag styles it)
// keeps exactly that box; a slot without one gets the declared size at once, the least shift
// the tag can make for it. The frame lies over the slot's box (absolutely positioned, hidden
// until an ad arrives), so it never changes that box.
export function reserve(slot, w, h, url, sandbox) {
  try {
    const k = hold(slot);
    const m = k.box || measure(slot, k);
    k.box = null;
    const s = slot.style;
    if (m.inline || m.none || !m.w || !m.h) {
      if (m.inline) s.setProperty('display', 'block');
      s.setProperty('width', w + 'px');
      s.setProperty('height', h + 'px');
      // The widest size may be wider than a phone: never wider than the slot's container.
      s.setProperty('max-width', '100%');
    } else {
      // The box may come from the slot's content (a "loading" placeholder the ad replaces):
      // held as a minimum height, it stays when that content goes.
      s.setProperty('min-height', m.min + 'px');
    }
    if (m.static) s.setProperty('position', 'relative');
    s.setProperty('overflow', 'hidden');
    s.setProperty('overflow', 'clip'); // where known: clips without a new formatting context
    slot.setAttribute('data-adtag-state', 'loading');
    k.url = url;
    k.sandbox = sandbox;
  } catch (_) { /* an odd element */ }
}

// What reserve needs to know of the slot's own box, read before the tag writes anything: the
// tag calls `look` on every new slot first, then `reserve` on each, and the page is laid out
// once, not once per slot (each write after a read makes the next read lay it out again).
function measure(slot, k) {
  const cs = getComputedStyle(slot);
  const box = slot.getBoundingClientRect();
  const px = (p) => parseFloat(cs[p]) || 0;
  const edges = cs.boxSizing == 'border-box' ? 0 : px('paddingTop') + px('paddingBottom') + px('borderTopWidth') + px('borderBottomWidth');
  return (k.box = {
    inline: /^(inline|contents)$/.test(cs.display), none: cs.display == 'none', w: box.width, h: box.height,
    min: slot.offsetHeight - edges, static: cs.position == 'static',
  });
}

export function look(slot) {
  try {
    measure(slot, hold(slot));
  } catch (_) { /* an odd element */ }
}

// Starts loading the slot's ad frame, hidden, as its ad is requested: the frame document
// arrives while the ad does (no round trip added), and is never fetched before the decision.
export function prepare(slot) {
  try {
    frameFor(slot, hold(slot));
  } catch (_) { /* an odd element */ }
}

// The slot's ad frame, made (and loading) if it has none. The sandbox goes on before the src
// does, so the frame document never runs without it.
function frameFor(slot, k) {
  if (k.frame && k.frame.parentNode === slot) return k.frame;
  if (!k.url) return null;
  const f = slot.ownerDocument.createElement('iframe');
  f.setAttribute('sandbox', k.sandbox);
  f.setAttribute('title', 'Advertisement');
  f.setAttribute('referrerpolicy', 'no-referrer');
  // Chromium: the frame document is fetched without the network's cookies.
  f.setAttribute('credentialless', '');
  place(f, 0, 0);
  // Each load of the frame document (the first, or again after the page moved the element)
  // gets the ad on show.
  f.addEventListener('load', () => {
    if (k.frame === f) k.loaded = 1, send(f, k.msg);
  });
  f.src = k.url;
  k.frame = f;
  k.loaded = 0;
  slot.prepend(f);
  return f;
}

// Over the slot's box, centred, at the ad's size; hidden while it has none.
function place(f, w, h) {
  f.style.cssText = 'position:absolute;top:0;left:0;right:0;margin:0 auto;border:0;display:block;width:' + w + 'px;height:' + h + 'px' + (w ? '' : ';visibility:hidden');
}

function send(f, msg) {
  try {
    if (msg) f.contentWindow.postMessage(msg, '*');
  } catch (_) { /* gone */ }
}

// Stops a pending collapse and undoes one done (a new ad for the slot).
function unwatch(slot, k) {
  if (k.watch) k.watch.disconnect();
  if (k.display != null) slot.style.setProperty('display', k.display);
  k.watch = k.display = null;
}

// No ad for the slot. mode 0 ("auto"): the box stays, empty, while the slot is in view or
// above it, and goes (display: none) once it is out of view below the viewport, where nothing
// the visitor sees moves; 1 ("never"): the box stays; 2 (at once): it goes now, wherever it is.
export function collapse(slot, mode) {
  try {
    const k = hold(slot);
    unwatch(slot, k);
    if (k.frame) k.frame.remove();
    k.frame = k.msg = null;
    slot.setAttribute('data-adtag-state', 'empty');
    const hide = () => {
      unwatch(slot, k);
      k.display = slot.style.getPropertyValue('display');
      slot.style.setProperty('display', 'none');
    };
    if (mode == 2) hide();
    if (mode) return;
    (k.watch = new IntersectionObserver((entries) => {
      const e = entries[entries.length - 1];
      if (!e.isIntersecting && e.boundingClientRect.top >= (e.rootBounds ? e.rootBounds.bottom : innerHeight)) hide();
    })).observe(slot);
  } catch (_) { /* an odd element, or no IntersectionObserver: the box stays */ }
}

// Shows an ad in the slot's frame: the frame becomes the slot's only child (it is never
// moved: a moved iframe reloads), sized to the ad, and gets {adtag: "render", token, html,
// click} as soon as its document has loaded. Returns the frame; null when there is none.
export function render(slot, w, h, html, click, token) {
  try {
    const k = hold(slot);
    unwatch(slot, k);
    const f = frameFor(slot, k);
    if (!f) return null;
    for (const n of [...slot.childNodes]) if (n !== f) n.remove();
    place(f, w, h);
    k.msg = { adtag: 'render', token, html, click };
    if (k.loaded) send(f, k.msg);
    slot.setAttribute('data-adtag-state', 'rendered');
    return f;
  } catch (_) {
    return null;
  }
}

// The one way into the wasm (wake.rs): wake(kind, value, n) for every timer, answer and
// event. A failure of the tag's own is never the page's: it does not throw on.
let wake = () => {};
let oopsed = 0;
function oops() {
  if (!oopsed++) try { console.error('adtag: internal error'); } catch (_) { /* the page's console */ }
}
export function init(f) {
  // A trap in the wasm (a panic aborts) is the tag's own: one console line, never the page's.
  wake = (kind, value, n) => { try { f(kind, value, n); } catch (_) { oops(); } };
}

// setTimeout(wake(id)): the handle, or -1 where the page's setTimeout is gone or throws.
export function timer(ms, id) {
  try {
    const h = setTimeout(() => wake(id, null, 0), ms);
    return typeof h == 'number' ? h : -1; // a page's setTimeout may hand back anything
  } catch (_) { return -1; }
}

export function untimer(h) {
  try { clearTimeout(h); } catch (_) { /* the page's own */ }
}

// Consent platform i's function on the window (0 __tcfapi, 1 __gpp, 2 __uspapi), or null.
export function cmp(w, i) {
  try {
    const f = w[['__tcfapi', '__gpp', '__uspapi'][i]];
    return typeof f == 'function' ? f : null;
  } catch (_) {
    return null;
  }
}

// Asks consent platform i, with the window as this: TCF f('addEventListener', 2, callback), GPP
// f('addEventListener', callback, undefined), US Privacy f('getUSPData', 1, callback). Each
// answer is read into plain values here (see tcf, gpp, usp) and reaches the tag as
// wake(8 + i, answer, 0). A platform that throws never answers (the tag's timeout takes over).
export function ask(w, f, i, vendor) {
  const cb = (d) => {
    const a = [tcf, gpp, usp][i](d, vendor);
    if (a != null) wake(8 + i, a, 0);
  };
  try {
    if (i == 1) f.call(w, 'addEventListener', cb, undefined);
    else f.call(w, i ? 'getUSPData' : 'addEventListener', i ? 1 : 2, cb);
  } catch (_) { /* the timeout takes over */ }
}

// The nearest window, this one or an ancestor up to the top, with a child frame named
// __tcfapiLocator (named frames may be read across origins; a refusal reads as none); null.
export function locator(w) {
  for (let n = 0; n < 32; n++) {
    try {
      if (w.frames.__tcfapiLocator !== undefined) return w;
    } catch (_) { /* refused: none here */ }
    let p;
    try { p = w.parent; } catch (_) { return null; }
    if (!isObj(p) || p === w) return null; // the top's parent is itself
    w = p;
  }
  return null;
}

// TCF's addEventListener through the postMessage protocol, to the window holding the locator.
// (An object: the CMP answers in the form it was called, and the tag reads objects.)
export function tcf_call(target, callId) {
  try {
    target.postMessage({ __tcfapiCall: { command: 'addEventListener', version: 2, callId } }, '*');
  } catch (_) { /* gone: no answer, the timeout takes over */ }
}

// Reading a consent platform's answer: a page's objects may be proxies or have getters that
// throw or change their answer between reads. Each field is read once; a read that throws
// makes the whole answer malformed: false, which the tag counts as no answer (fail closed).
// null: not an answer at all (ignored). Wrong types read as "not given".
const isObj = (o) => typeof o == 'object' && o !== null;
// o[k] for an object or a function, else undefined.
const get = (o, k) => (isObj(o) || typeof o == 'function' ? o[k] : undefined);
// o[n] for an object, else undefined.
const at = (o, n) => (isObj(o) ? o[n] : undefined);
// The elements of an array, or the value itself.
const each = (v) => {
  if (!Array.isArray(v)) return [v];
  const a = [];
  for (let i = 0; i < v.length; i++) a.push(v[i]);
  return a;
};
const first = (v) => each(v).find(isObj);
// A purpose mask (bit n = purpose n, 1..11) of the purposes p with yes(p).
const bits = (yes) => {
  let m = 0;
  for (let n = 1; n <= 11; n++) if (yes(n)) m |= 1 << n;
  return m;
};

// tcData (__tcfapi's, or the returnValue of a __tcfapiLocator answer): [eventStatus,
// gdprApplies, tcString, purposes consented, purposes with legitimate interest, our vendor's
// consent, its legitimate interest, then the publisher's restrictions on our vendor as
// purpose, code pairs (publisher.restrictions[purpose][vendor])]; null without an eventStatus.
export function tcf(d, vendor) {
  try {
    const status = get(d, 'eventStatus');
    if (typeof status != 'string') return null;
    const purpose = get(d, 'purpose');
    const v = get(d, 'vendor');
    const by = (o) => bits((n) => at(o, n) === true);
    const ours = (o) => vendor != null && at(o, vendor) === true;
    const a = [status, get(d, 'gdprApplies'), get(d, 'tcString'), by(get(purpose, 'consents')),
      by(get(purpose, 'legitimateInterests')), ours(get(v, 'consents')), ours(get(v, 'legitimateInterests'))];
    const r = get(get(d, 'publisher'), 'restrictions');
    if (vendor != null) {
      for (let p = 1; p <= 11; p++) {
        const code = at(at(r, p), vendor);
        if (code != null) a.push(p, code);
      }
    }
    return a;
  } catch (_) {
    return false;
  }
}

// GPP's tcfeuv2 section (as @iabgpp/cmpapi parses it: purposes as arrays of booleans, vendors
// as arrays of ids, restrictions as [{key: purpose, type, ids}]) in tcf's shape (GDPR applies,
// no TC string); null when it can't be read.
function gppTcf(section, vendor) {
  const s = first(section);
  const list = (name) => {
    const a = get(s, name);
    return Array.isArray(a) ? each(a) : null;
  };
  const pc = list('PurposeConsents');
  const pli = list('PurposeLegitimateInterests');
  const vc = list('VendorConsents');
  const vli = list('VendorLegitimateInterests');
  if (!pc || !pli || !vc || !vli) return null;
  const flags = (l) => bits((n) => l[n - 1] === true);
  const ours = (l) => vendor != null && l.includes(vendor);
  const a = ['', true, '', flags(pc), flags(pli), ours(vc), ours(vli)];
  const r = get(s, 'PublisherRestrictions');
  if (vendor != null && Array.isArray(r)) {
    for (const x of each(r)) {
      const ids = get(x, 'ids');
      if (Array.isArray(ids) && each(ids).includes(vendor)) a.push(get(x, 'key'), get(x, 'type'));
    }
  }
  return a;
}

// GPP's uspv1 section as a US Privacy string (1 + notice + opt-out of sale + LSPA); null when
// it can't be read.
function gppUsp(section) {
  const s = first(section);
  let u = '1';
  for (const f of ['Notice', 'OptOutSale', 'LspaCovered']) {
    const v = get(s, f);
    if (typeof v != 'string') return null;
    u += v;
  }
  return u;
}

// GPP section names of ids 7 (usnat), 8.. (the US states).
const US = 'usnat usca usva usco usut usct usfl usmt usor ustx usde usia usne usnh usnj ustn usmn usmd usin usky usri'.split(' ');

// A __gpp event (its pingData) or ping whose signalStatus is ready (else null): [gppString,
// applicableSections, tcfeuv2 (as gppTcf) or null, uspv1 (as gppUsp) or null, the applicable US
// sections as [id, SaleOptOut, SharingOptOut, TargetedAdvertisingOptOut, Gpc,
// ...KnownChildSensitiveDataConsents]]. The opt-out fields are passed as they are: the tag
// reads them.
export function gpp(d, vendor) {
  try {
    let ping = get(d, 'pingData');
    if (!isObj(ping)) ping = d;
    if (get(ping, 'signalStatus') !== 'ready') return null;
    const parsed = get(ping, 'parsedSections');
    const ids = [];
    const us = [];
    let t = null;
    let u = null;
    for (const x of each(get(ping, 'applicableSections'))) {
      // Passed as it is (the tag reads it as an integer; anything else as 0), and truncated as
      // the tag truncates it to pick the sections that go with it.
      const id = typeof x == 'number' ? Math.trunc(x) : 0;
      ids.push(x);
      // Sections 2 (tcfeuv2) and 6 (uspv1), the core's GPP_TCF_EU and GPP_USP.
      if (id == 2) t = gppTcf(get(parsed, 'tcfeuv2'), vendor);
      else if (id == 6) u = gppUsp(get(parsed, 'uspv1'));
      const name = US[id - 7];
      if (!name) continue;
      // A section is one object, or an array of its sub-sections' objects.
      for (const o of each(get(parsed, name))) {
        if (isObj(o)) {
          us.push([id, get(o, 'SaleOptOut'), get(o, 'SharingOptOut'), get(o, 'TargetedAdvertisingOptOut'),
            !!get(o, 'Gpc'), ...each(get(o, 'KnownChildSensitiveDataConsents'))]);
        }
      }
    }
    return [get(ping, 'gppString'), ids, t, u, us];
  } catch (_) {
    return false;
  }
}

// getUSPData's {version, uspString}: the string (the tag judges it); null without one.
export function usp(d) {
  try {
    const s = get(d, 'uspString');
    return typeof s == 'string' ? s : null;
  } catch (_) {
    return false;
  }
}

// adtag.on's listeners, [name, callback] in the order registered.
const listeners = [];

export function on(name, f) {
  if (typeof name != 'string' || typeof f != 'function') return false;
  listeners.push([name, f]);
  return true;
}

// Calls the listeners of `name` registered by now with `payload`. One that throws is reported
// (a page's console.error may throw too) and the others still run.
export function emit(name, payload) {
  // Index loops over a copy: no Array.prototype method or iterator a page may have replaced.
  const now = [];
  try {
    for (let i = 0; i < listeners.length; i++) if (listeners[i][0] === name) now[now.length] = listeners[i][1];
  } catch (_) { /* none */ }
  for (let i = 0; i < now.length; i++) {
    try {
      now[i].call(undefined, payload);
    } catch (_) {
      try { console.error("adtag: an adtag.on('" + name + "') callback threw"); } catch (_) { /* the page's console */ }
    }
  }
}

// Wakes one-shot callback id in a task of its own, after the browser may paint and handle
// input: the tag's work is split at natural points (after the decision, per slot, per frame) so that none of it is a
// long task on a slow phone. scheduler.yield() where the browser has it (its continuation goes
// before the page's other queued tasks, so the ad loses no time), else a timer; in a hidden
// page (whose timers run once a second) a microtask: nobody waits for its paint.
export function later(id) {
  const f = () => wake(id, null, 0);
  // Each way may be missing or replaced by the page and throw: then the next one.
  try {
    scheduler.yield().then(f, f);
  } catch (_) {
    try {
      if (document.hidden) throw 0;
      setTimeout(f);
    } catch (_) {
      try { Promise.resolve().then(f); } catch (_) { /* nothing left to wait with */ }
    }
  }
}

// The page's fetch, called once the current work is done; resolves to a Response or rejects
// (a page's broken fetch wrapper included).
function go(url, init) {
  return Promise.resolve().then(() => fetch(url, init)).then((r) => {
    if (!(r instanceof Response)) throw 0;
    return r;
  });
}

// A GET the loader started before the wasm ran (the site list, which carries nothing about the
// visitor): [url, Promise<Response>, AbortController]. get_text adopts it for that exact URL
// instead of asking again; anything else is dropped (and aborted).
let early = null;
export function adopt(a) {
  try {
    if (early) early[2].abort();
  } catch (_) { /* not ours */ }
  early = Array.isArray(a) && typeof a[0] == 'string' && a[2] instanceof AbortController ? a : null;
}

// The body as text, read from the stream and counted as it comes: past `max` bytes the read
// stops and the request is aborted, whatever Content-Length said (chunked, compressed, or a
// lie). Never holds more than `max` bytes of it.
function read(r, max, c) {
  const n = r.headers.get('content-length');
  if (n != null && /^\+?\d+$/.test(n) && +n > max) return [-3, ''];
  const b = r.body;
  if (!b) return [r.status, ''];
  const rd = b.getReader();
  const dec = new TextDecoder();
  let got = 0;
  let text = '';
  const pump = () => rd.read().then((x) => {
    if (x.done) return [r.status, text + dec.decode()];
    const v = x.value;
    if (!(v instanceof Uint8Array)) throw 0;
    got += v.byteLength;
    if (got > max) {
      c.abort();
      return [-3, ''];
    }
    text += dec.decode(v, { stream: true });
    return pump();
  });
  return pump();
}

// GET without cookies, aborted after `ms`: wake(id, body, status), or wake(id, '', -1 network |
// -2 timeout | -3 larger than `max` bytes). The timer is set before the request is made: where
// the page's setTimeout throws, no request goes out that could not be timed out (-1).
export function get_text(url, ms, max, id) {
  Promise.resolve().then(() => {
    const e = early && early[0] === url ? early : null;
    if (e) early = null;
    const c = e ? e[2] : new AbortController();
    const s = c.signal;
    const t = setTimeout(() => c.abort(), ms);
    const p = e
      ? Promise.resolve(e[1]).then((r) => {
        if (!(r instanceof Response)) throw 0;
        return r;
      })
      : go(url, { credentials: 'omit', signal: s });
    const fail = () => [s.aborted ? -2 : -1, ''];
    return p.then((r) => read(r, max, c))
      .then((a) => (a[0] == -3 || !s.aborted ? a : fail()), fail)
      .finally(() => clearTimeout(t));
  }).then((a) => wake(id, a[1], a[0]), () => wake(id, '', -1));
}

// POST a batch as text/plain with keepalive (it outlives the page), without cookies:
// wake(id, null, status) with the HTTP status, or status -1 on a network error or a refused
// request (over the browser's keepalive quota). Also the final send as the page hides:
// sendBeacon can't leave cookies out.
export function post(url, body, id) {
  go(url, {
    method: 'POST', body, keepalive: true, credentials: 'omit', priority: 'low',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
  }).then((r) => r.status, () => -1).then((s) => wake(id, null, s));
}

// The page's localStorage; throws where there is none (disabled, a sandboxed frame).
const store = () => window.localStorage;

// The stored value of `key`, or null (none, or no storage).
export function store_get(key) {
  try {
    const v = store().getItem(key);
    return typeof v == 'string' ? v : null;
  } catch (_) {
    return null;
  }
}

// Stores `value` under `key`; false when the browser refuses (quota, no storage).
export function store_set(key, value) {
  try {
    store().setItem(key, value);
    return true;
  } catch (_) {
    return false;
  }
}

// Removes `key` (nothing when there is no storage).
export function store_del(key) {
  try { store().removeItem(key); } catch (_) { /* no storage */ }
}

// Watches the page for the tag: each event is wake(kind, value, ratio) with kind 0 = an ad frame's
// intersection ratio (value: the frame), 1 = visibilitychange, 2 = pagehide, 3 = pageshow from
// the back/forward cache, 4 = a message (value: its fields, see below), 5 = the page's slots changed (an
// element added or removed). Only events the browser vouches for (isTrusted) count: a page
// script can dispatch any synthetic event. Returns the IntersectionObserver (null without one).
export function watch(window) {
  const call = (kind, value, ratio) => wake(kind, value, ratio);
  const listen = (target, name, f) => {
    try { target.addEventListener(name, (e) => { if (e.isTrusted === true) f(e); }); } catch (_) { /* none */ }
  };
  const doc = window.document;
  listen(doc, 'visibilitychange', () => call(1, null, 0));
  listen(window, 'pagehide', () => call(2, null, 0));
  listen(window, 'pageshow', (e) => { if (e.persisted === true) call(3, null, 0); });
  // A message as [isTrusted, source, data.adtag, data.token, data.__tcfapiReturn.callId, its
  // returnValue]: a slot frame's report, or a TCF platform's answer from another frame.
  listen(window, 'message', (e) => {
    if (!(e instanceof MessageEvent)) return;
    let m;
    try {
      const d = e.data;
      const r = get(d, '__tcfapiReturn');
      m = [e.isTrusted, e.source, get(d, 'adtag'), get(d, 'token'), get(r, 'callId'), get(r, 'returnValue')];
    } catch (_) { return; /* not a message the tag sent or asked for */ }
    call(4, m, 0);
  });
  // Slots that appear later (a slow page's HTML, a single-page app's new route) or leave: one
  // call per batch of changes that touched a slot.
  try {
    let queued = false;
    const touches = (nodes) => {
      for (const n of nodes) {
        if (n.nodeType === 1 && (n.hasAttribute('data-adtag-slot') || n.querySelector('[data-adtag-slot]'))) return true;
      }
      return false;
    };
    new MutationObserver((records) => {
      if (queued) return;
      for (const r of records) {
        if (touches(r.addedNodes) || touches(r.removedNodes)) {
          queued = true;
          Promise.resolve().then(() => { queued = false; call(5, null, 0); });
          return;
        }
      }
    }).observe(doc, { childList: true, subtree: true });
  } catch (_) { /* no MutationObserver: slots are found at start only */ }
  try {
    return new IntersectionObserver((entries) => {
      for (const e of entries) call(0, e.target, e.intersectionRatio);
    }, { threshold: [0, 0.01, 0.25, 0.3, 0.5, 0.75, 1] });
  } catch (_) {
    return null;
  }
}

// io.observe(el) or io.unobserve(el); a page's patched IntersectionObserver may throw.
export function observe(io, el, on) {
  try { if (io) { if (on) io.observe(el); else io.unobserve(el); } } catch (_) { /* patched */ }
}

// A destroyed slot: its ad removed, its box given back to the page, and marked so that it is
// not found again.
export function clear(slot, state) {
  try {
    slot.replaceChildren();
    for (const p of ['display', 'width', 'height', 'max-width', 'overflow']) slot.style.removeProperty(p);
    slot.setAttribute('data-adtag-state', state);
  } catch (_) { /* an odd element */ }
}

// Whether the tab is shown; a page whose visibilityState getter throws reads as hidden (no
// viewability is counted while it can't be told).
export function visible(doc) {
  try { return doc.visibilityState === 'visible'; } catch (_) { return false; }
}

// Milliseconds on a monotonic clock (performance.now), for durations; 0 where a page broke it.
export function now() {
  try { const t = performance.now(); return t > 0 ? t : 0; } catch (_) { return 0; }
}

// Runs f once the current work is done (a microtask).
export function soon(f) {
  Promise.resolve().then(f);
}

// The page's window; null off the main thread.
export function win() {
  return typeof window == 'object' ? window : null;
}

// Date.now(), for timestamps; 0 where a page broke it.
export function epoch() {
  try { return Date.now(); } catch (_) { return 0; }
}

// Lazy loading: two IntersectionObservers whose roots reach `fetch` and `render` percent of
// the viewport's height above and below it. wake(6, slot, 1|0) as a slot comes within (1) or
// leaves (0) the fetch margin, wake(7, ...) the render margin. null without IntersectionObserver.
export function lazy(fetch, render) {
  try {
    const io = (kind, pct) => new IntersectionObserver((entries) => {
      for (const e of entries) wake(kind, e.target, e.isIntersecting ? 1 : 0);
    }, { rootMargin: pct + '% 0px ' + pct + '% 0px' });
    return [io(6, fetch), io(7, render)];
  } catch (_) {
    return null;
  }
}

// Starts (on) or stops watching a slot with the lazy-loading observers.
export function lazy_observe(pair, el, on) {
  if (pair) for (const io of pair) observe(io, el, on);
}

// The width a slot has now, in CSS pixels (0 when unknown). The tag reserved the widest of its
// sizes, which may overflow a narrow container: what counts is the width the page leaves it,
// so it is measured capped at its container's (max-width: 100%), unless the page caps it itself.
// A slot the tag collapsed (no ad last time) is measured as it would be shown again.
export function width(el) {
  try {
    const s = el.style;
    const cap = getComputedStyle(el).maxWidth === 'none';
    const shut = el.getAttribute('data-adtag-state') === 'empty' && s.getPropertyValue('display') === 'none';
    if (cap) s.setProperty('max-width', '100%');
    if (shut) s.setProperty('display', 'block');
    const w = el.getBoundingClientRect().width;
    if (cap) s.removeProperty('max-width');
    if (shut) s.setProperty('display', 'none');
    return w > 0 ? w : 0;
  } catch (_) { return 0; }
}
