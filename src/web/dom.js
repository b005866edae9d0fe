// Coarse DOM and network helpers for the wasm: one call from Rust instead of many fine-grained
// web-sys imports (each costs a shim in the wasm and in the glue). scripts/build.sh bundles
// this file into the glue. None of these throws.

// Keeps a slot at its declared size while its ad loads.
export function reserve(slot, w, h) {
  try {
    const s = slot.style;
    s.setProperty('display', 'block');
    s.setProperty('width', w + 'px');
    s.setProperty('height', h + 'px');
    // The widest size may be wider than a phone: never wider than the slot's container.
    s.setProperty('max-width', '100%');
    s.setProperty('overflow', 'hidden');
    slot.setAttribute('data-adtag-state', 'loading');
  } catch (_) { /* an odd element */ }
}

// No ad: the slot takes no room.
export function collapse(slot) {
  try {
    slot.style.setProperty('display', 'none');
    slot.setAttribute('data-adtag-state', 'empty');
  } catch (_) { /* an odd element */ }
}

// A sandboxed <iframe srcdoc> as the slot's only child; null when it can't be made. The
// sandbox goes on before the document does, so the creative never runs without it.
export function render(doc, slot, w, h, sandbox, srcdoc) {
  try {
    const f = doc.createElement('iframe');
    if (!(f instanceof HTMLIFrameElement)) return null;
    f.setAttribute('sandbox', sandbox);
    f.width = '' + w;
    f.height = '' + h;
    f.setAttribute('title', 'Advertisement');
    f.setAttribute('scrolling', 'no');
    f.setAttribute('referrerpolicy', 'no-referrer');
    f.style.setProperty('border', '0');
    f.style.setProperty('display', 'block');
    f.srcdoc = srcdoc;
    slot.replaceChildren(f);
    slot.setAttribute('data-adtag-state', 'rendered');
    return f;
  } catch (_) {
    return null;
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

// GET without cookies, aborted after `ms`: done(status, body), or done(-1 network | -2 timeout |
// -3 declared larger than `max`, '').
export function get_text(url, ms, max, done) {
  Promise.resolve().then(() => {
    const c = new AbortController();
    const s = c.signal;
    const t = setTimeout(() => c.abort(), ms);
    const fail = () => [s.aborted ? -2 : -1, ''];
    return go(url, { credentials: 'omit', signal: s }).then((r) => {
      const n = r.headers.get('content-length');
      if (n != null && /^\+?\d+$/.test(n) && +n <= 4294967295 && +n > max) return [-3, ''];
      return r.text().then((b) => [r.status, typeof b == 'string' ? b : ''], fail);
    }, fail).finally(() => clearTimeout(t));
  }).then((a) => done(a[0], a[1]), () => done(-1, ''));
}

// POST a batch as text/plain with keepalive, without cookies: done(1, '') on a 2xx answer, else
// done(0, '') (the signature of get_text's callback: one closure type less in the wasm).
export function post(url, body, done) {
  go(url, {
    method: 'POST', body, keepalive: true, credentials: 'omit',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
  }).then((r) => r.ok, () => false).then((ok) => done(ok ? 1 : 0, ''));
}

// The last word when the page is being hidden: sendBeacon, or a keepalive POST.
export function send_final(url, body) {
  let queued = false;
  try { queued = navigator.sendBeacon(url, body); } catch (_) { /* refused */ }
  if (!queued) post(url, body, () => {});
}

// Watches the page for the tag: each event is on(kind, value, ratio) with kind 0 = an ad frame's
// intersection ratio (value: the frame), 1 = visibilitychange, 2 = pagehide, 3 = pageshow from
// the back/forward cache, 4 = a message (value: the event), 5 = the page's slots changed (an
// element added or removed). Only events the browser vouches for (isTrusted) count: a page
// script can dispatch any synthetic event. Returns the IntersectionObserver (null without one).
export function watch(window, on) {
  const call = (kind, value, ratio) => { try { on(kind, value, ratio); } catch (_) { /* the tag's own failure: never the page's */ } };
  const listen = (target, name, f) => {
    try { target.addEventListener(name, (e) => { if (e.isTrusted === true) f(e); }); } catch (_) { /* none */ }
  };
  const doc = window.document;
  listen(doc, 'visibilitychange', () => call(1, null, 0));
  listen(window, 'pagehide', () => call(2, null, 0));
  listen(window, 'pageshow', (e) => { if (e.persisted === true) call(3, null, 0); });
  listen(window, 'message', (e) => { if (e instanceof MessageEvent) call(4, e, 0); });
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
// the viewport's height above and below it. on(6, slot, 1|0) as a slot comes within (1) or
// leaves (0) the fetch margin, on(7, ...) the render margin. null without IntersectionObserver.
export function lazy(on, fetch, render) {
  try {
    const io = (kind, pct) => new IntersectionObserver((entries) => {
      for (const e of entries) { try { on(kind, e.target, e.isIntersecting ? 1 : 0); } catch (_) { /* the tag's own */ } }
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
