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

// GET without cookies, aborted after `ms`: done(status, body), or done(-1 network | -2 timeout |
// -3 larger than `max` bytes, '').
export function get_text(url, ms, max, done) {
  Promise.resolve().then(() => {
    let c;
    let p;
    const e = early;
    if (e && e[0] === url) {
      early = null;
      c = e[2];
      p = Promise.resolve(e[1]).then((r) => {
        if (!(r instanceof Response)) throw 0;
        return r;
      });
    } else {
      c = new AbortController();
      p = go(url, { credentials: 'omit', signal: c.signal });
    }
    const s = c.signal;
    const t = setTimeout(() => c.abort(), ms);
    const fail = () => [s.aborted ? -2 : -1, ''];
    return p.then((r) => read(r, max, c))
      .then((a) => (a[0] == -3 || !s.aborted ? a : fail()), fail)
      .finally(() => clearTimeout(t));
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
// the back/forward cache, 4 = a message (value: the event). Returns the IntersectionObserver
// (null without one), whose observe() watches a frame.
export function watch(window, on) {
  const listen = (target, name, f) => { try { target.addEventListener(name, f); } catch (_) { /* none */ } };
  listen(window.document, 'visibilitychange', () => on(1, null, 0));
  listen(window, 'pagehide', () => on(2, null, 0));
  listen(window, 'pageshow', (e) => { if (e.persisted === true) on(3, null, 0); });
  listen(window, 'message', (e) => { if (e instanceof MessageEvent) on(4, e, 0); });
  try {
    return new IntersectionObserver((entries) => {
      for (const e of entries) on(0, e.target, e.intersectionRatio);
    }, { threshold: [0, 0.3, 0.5, 0.75, 1] });
  } catch (_) {
    return null;
  }
}

// Runs f once the current work is done (a microtask).
export function soon(f) {
  Promise.resolve().then(f);
}

// The page's window; null off the main thread.
export function win() {
  return typeof window == 'object' ? window : null;
}
