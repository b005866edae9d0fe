'use strict';
// The demo: a publisher site ("The Daily Demo"), a demo ad server and a collector, in one
// plain Node server with no dependencies.
//
//   node www/server.js            PORT (8080), HOST (127.0.0.1), EVENTS_FILE (./events.jsonl),
//                                 CHILD_DIRECTED_SITES (comma-separated; replaces the demo list)
//   require('./www/server.js').start({port, host, eventsFile, quiet, fault}) → http.Server
//   (fault: failure injection for the collector, see createCollector)
//
// Routes
//   GET  /v1/ad?pub=&slot=&size=WxH[,WxH…]&url=&npa=&coppa=[&uid=]   an ad as JSON, or 204
//   GET  /v1/child-directed-sites[?host=]                     the child-directed site list (only
//                                                             the entries that cover `host`)
//   POST /v1/events                                           the collector (JSON array)
//   GET  /favicon.ico                                         204
//   GET  anything else                                        a static file from www/
//
// Demo/test slot names for /v1/ad: empty → 204, garbage → a non-JSON body, slow → 10 s,
// huge → a body over 100 KiB, evil → a javascript: click URL.

const crypto = require('crypto');
const http = require('http');
const fs = require('fs');
const path = require('path');

const ROOT = __dirname;
const DEFAULT_EVENTS_FILE = path.join(__dirname, '..', 'events.jsonl');

// The WebDriver suite (tests/wd) adds a *.localhost name: the one kind of host name that every
// engine resolves to this machine without a resolver mapping.
const CHILD_DIRECTED_SITES = process.env.CHILD_DIRECTED_SITES
  ? process.env.CHILD_DIRECTED_SITES.split(',').map((s) => s.trim()).filter(Boolean)
  : ['kids.example', 'toyland.test', 'playground.example'];

const MAX_EVENTS_BODY = 64 * 1024;
const MAX_SIDE = 2000;
const SLOW_MS = 10_000;
const DEDUP_CAPACITY = 100_000;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const EVENT_TYPES = new Set(['page_view', 'ad_impression', 'ad_viewable', 'ad_click', 'session_end']);
const AD_EVENT_TYPES = new Set(['ad_impression', 'ad_viewable', 'ad_click']);

// ---------------------------------------------------------------------------------------
// Responses

function send(res, status, body = '', headers = {}) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
  res.writeHead(status, {
    'Access-Control-Allow-Origin': '*',
    'Content-Length': buf.length,
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : buf);
}

function sendJson(res, status, value, headers = {}) {
  send(res, status, JSON.stringify(value), {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
}

function sendText(res, status, text, headers = {}) {
  send(res, status, text + '\n', { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
}

// ---------------------------------------------------------------------------------------
// Caching, as a CDN in front of a deployment should answer

// Content-hashed glue and wasm (scripts/build.sh names them, the loader asks for them) never
// change under their name: a year, `immutable`, no revalidation. The loader and the frame
// document the ads load keep one URL across deployments: a few minutes, so that a second page
// view in a visit costs no round trip, and a new deployment reaches everyone soon after.
// Everything else (the pages) revalidates every time; an ETag makes that a 304.
const HASHED = /^\/pkg\/[A-Za-z0-9_]+\.[0-9a-f]{12}\.(js|wasm)$/;
const SHORT_LIVED = new Set(['/adtag.js', '/adtag-frame.html', '/console.js']);
const IMMUTABLE = 'public, max-age=31536000, immutable';
const FIVE_MINUTES = 'public, max-age=300';

function cacheControl(rel) {
  if (HASHED.test(rel)) return IMMUTABLE;
  if (SHORT_LIVED.has(rel)) return FIVE_MINUTES;
  return 'no-cache';
}

// True (and a 304 sent) when the client's copy is current.
function notModified(req, res, etag, headers) {
  const tags = (req.headers['if-none-match'] || '').split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(etag.replace(/^W\//, '')) && !tags.includes('*')) return false;
  res.writeHead(304, { 'Access-Control-Allow-Origin': '*', ETag: etag, ...headers });
  res.end();
  return true;
}

// ---------------------------------------------------------------------------------------
// Static files

// The strict-CSP demo page's policy (README "Content Security Policy"): no 'unsafe-inline', no
// 'unsafe-eval'; the tag's origin (here the page's own) for scripts, requests and frames, and
// 'wasm-unsafe-eval' to compile the tag's WebAssembly.
const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self'",
  "frame-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');
const PAGE_HEADERS = { '/csp.html': { 'Content-Security-Policy': STRICT_CSP } };

function serveStatic(req, res, pathname) {
  let rel;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return sendText(res, 400, 'bad path');
  }
  if (rel.includes('\0') || rel.includes('\\')) return sendText(res, 400, 'bad path');
  if (rel.endsWith('/')) rel += 'index.html';
  const file = path.join(ROOT, path.normalize(rel));
  if (!file.startsWith(ROOT + path.sep)) return sendText(res, 404, 'not found');
  // The server's own source is not part of the site.
  if (file === __filename) return sendText(res, 404, 'not found');

  fs.stat(file, (err, stat) => {
    if (err || !stat.isFile()) return sendText(res, 404, 'not found');
    const cache = { 'Cache-Control': cacheControl(rel), 'X-Content-Type-Options': 'nosniff' };
    const etag = `W/"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`;
    if (notModified(req, res, etag, cache)) return;
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file).toLowerCase()] || 'application/octet-stream',
      'Content-Length': stat.size,
      'Access-Control-Allow-Origin': '*',
      'X-Content-Type-Options': 'nosniff',
      ETag: etag,
      ...cache,
      ...(PAGE_HEADERS[pathname] || {}),
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
}

// ---------------------------------------------------------------------------------------
// The child-directed site list

// `?host=`: only the entries that cover that host (the host itself or a parent domain, whole
// labels), `[]` when none (SPEC §2), so the answer stays a few bytes however long the
// network's list grows. It names nothing about the visitor, so it is cacheable: an hour.
function normalizeHost(h) {
  return h.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
}
function sitesFor(host) {
  if (host == null) return CHILD_DIRECTED_SITES;
  const h = normalizeHost(host);
  return CHILD_DIRECTED_SITES.filter((d) => h === d || h.endsWith('.' + d));
}
function serveSiteList(req, res, query) {
  const body = JSON.stringify(sitesFor(query.get('host')));
  const etag = `"${crypto.createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`;
  const cache = { 'Cache-Control': 'public, max-age=3600' };
  if (notModified(req, res, etag, cache)) return;
  send(res, 200, body, { 'Content-Type': 'application/json; charset=utf-8', ETag: etag, ...cache });
}

// ---------------------------------------------------------------------------------------
// The ad server

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// Self-contained creatives: inline HTML, CSS and SVG only, nothing fetched.
const CREATIVES = [
  {
    id: 'demo-1',
    brand: 'Northwind Coffee',
    headline: 'Fresh roasted, at your door every week',
    cta: 'Try a free bag',
    bg: 'linear-gradient(135deg,#4b2c20 0%,#8a5a3b 100%)',
    fg: '#fff8ef',
    accent: '#f2b35b',
    art: (c) =>
      `<svg viewBox="0 0 64 64" aria-hidden="true"><path d="M14 26h30v14a13 13 0 0 1-13 13h-4A13 13 0 0 1 14 40z" fill="${c}"/><path d="M44 30h4a6 6 0 0 1 0 12h-5" fill="none" stroke="${c}" stroke-width="4"/><path d="M22 10c-3 4 3 6 0 10M30 8c-3 4 3 6 0 10M38 10c-3 4 3 6 0 10" fill="none" stroke="#fff8ef" stroke-width="2.5" stroke-linecap="round" opacity=".8"/></svg>`,
  },
  {
    id: 'demo-2',
    brand: 'Orbit Mobile',
    headline: 'Unlimited data. No contract. €15 a month.',
    cta: 'Switch today',
    bg: 'linear-gradient(135deg,#1d2b8f 0%,#6a3fd6 100%)',
    fg: '#ffffff',
    accent: '#3ee0c5',
    art: (c) =>
      `<svg viewBox="0 0 64 64" aria-hidden="true"><rect x="20" y="6" width="24" height="52" rx="5" fill="none" stroke="#fff" stroke-width="3.5"/><circle cx="32" cy="51" r="2.5" fill="#fff"/><circle cx="32" cy="28" r="8" fill="${c}"/><ellipse cx="32" cy="28" rx="15" ry="4.5" fill="none" stroke="${c}" stroke-width="2" transform="rotate(-20 32 28)"/></svg>`,
  },
  {
    id: 'demo-3',
    brand: 'Verdant Trails',
    headline: 'Spring sale: 30% off tents and packs',
    cta: 'Shop the sale',
    bg: 'linear-gradient(160deg,#16463a 0%,#2f8f5b 100%)',
    fg: '#f4fff6',
    accent: '#ffd447',
    art: (c) =>
      `<svg viewBox="0 0 64 64" aria-hidden="true"><circle cx="46" cy="16" r="7" fill="${c}"/><path d="M4 56 24 20l12 20 6-9 18 25z" fill="#f4fff6" opacity=".95"/><path d="m24 20 5 9-5-3-5 4z" fill="#16463a" opacity=".4"/></svg>`,
  },
  {
    id: 'demo-4',
    brand: 'Lumen Books',
    headline: 'Your next favourite read, from €4.99',
    cta: 'Browse new titles',
    bg: 'linear-gradient(135deg,#fff3c4 0%,#ffd27a 100%)',
    fg: '#3a2a05',
    accent: '#c2410c',
    art: (c) =>
      `<svg viewBox="0 0 64 64" aria-hidden="true"><path d="M8 14c9-3 17-2 24 3v36c-7-5-15-6-24-3z" fill="#fffdf5" stroke="#3a2a05" stroke-width="2.5" stroke-linejoin="round"/><path d="M56 14c-9-3-17-2-24 3v36c7-5 15-6 24-3z" fill="${c}" stroke="#3a2a05" stroke-width="2.5" stroke-linejoin="round"/><path d="M14 24h12M14 31h12M14 38h9" stroke="#3a2a05" stroke-width="2" opacity=".5"/></svg>`,
  },
];

function creativeHtml(c, width, height, flags) {
  const wide = width >= height * 2.5; // leaderboards, banners: one row
  const tall = height >= width * 1.6; // skyscrapers
  const short = wide && height < 70; // mobile banners: no room for the brand line
  const unit = Math.round(
    Math.max(8, Math.min(30, wide ? Math.min(height / 5, width / 40) : tall ? Math.min(width / 11.5, height / 28) : Math.min(width / 18, height / 11))),
  );
  const art = Math.round(wide ? height * 0.7 : tall ? Math.min(width * 0.55, height * 0.25) : Math.min(width * 0.3, height * 0.26));
  const pad = Math.round(unit * (wide ? 0.6 : 0.8));
  return `<style>
html,body{margin:0;padding:0;overflow:hidden}
.ad{box-sizing:border-box;position:relative;width:${width}px;height:${height}px;overflow:hidden;
  display:flex;flex-direction:${wide ? 'row' : 'column'};align-items:center;justify-content:${wide ? 'space-between' : 'center'};
  gap:${Math.round(unit * 0.7)}px;padding:${pad}px ${pad}px ${wide ? pad : pad + 8}px;
  background:${c.bg};color:${c.fg};font:${unit}px/1.2 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
  text-align:${wide ? 'left' : 'center'};cursor:pointer}
.art{flex:none;width:${art}px;height:${art}px}
.art svg{width:100%;height:100%;display:block}
.copy{min-width:0;${wide ? 'flex:1;' : ''}}
.brand{font-weight:700;font-size:${Math.round(unit * 0.8)}px;letter-spacing:.06em;text-transform:uppercase;opacity:.85${short ? ';display:none' : ''}}
.headline{font-weight:800;font-size:${Math.round(unit * (short ? 1.5 : wide ? 1.05 : 1.25))}px;margin-top:${Math.round(unit * 0.2)}px;
  ${wide ? 'white-space:nowrap;overflow:hidden;text-overflow:ellipsis' : ''}}
.cta{flex:none;display:inline-block;background:${c.accent};color:#111;font-weight:700;border-radius:999px;
  padding:${Math.round(unit * 0.45)}px ${Math.round(unit * 0.9)}px;font-size:${Math.round(unit * (tall ? 0.9 : 1))}px;
  white-space:${tall ? 'normal' : 'nowrap'};max-width:100%;box-sizing:border-box}
.label{position:absolute;top:3px;right:4px;font:600 9px/1 system-ui,sans-serif;letter-spacing:.04em;
  background:rgba(255,255,255,.85);color:#333;padding:2px 4px;border-radius:3px}
.flags{position:absolute;bottom:2px;left:4px;font:9px/1 ui-monospace,monospace;color:${c.fg};opacity:.75}
</style>
<div class="ad" data-demo-ad="${c.id}" role="img" aria-label="Demo ad: ${escapeHtml(c.brand)}">
  <span class="label">Demo ad</span>
  <div class="art">${c.art(c.accent)}</div>
  <div class="copy"><div class="brand">${escapeHtml(c.brand)}</div><div class="headline">${escapeHtml(c.headline)}</div></div>
  <span class="cta">${escapeHtml(c.cta)} ›</span>
  <span class="flags">npa=${flags.npa} · coppa=${flags.coppa}${flags.uid ? ' · uid' : ''}</span>
</div>`;
}

// A query flag as shown in the creative: only "0", "1" or "?" ever reaches the HTML.
const flag = (v) => (v === '0' || v === '1' ? v : '?');

function parseSize(s) {
  const m = /^(\d{1,4})x(\d{1,4})$/i.exec(s || '');
  if (!m) return null;
  const [w, h] = [Number(m[1]), Number(m[2])];
  return w >= 1 && h >= 1 && w <= MAX_SIDE && h <= MAX_SIDE ? [w, h] : null;
}

// Absolute URL on this server, from the request's Host header (kept only if it looks like one).
function selfOrigin(req) {
  const host = req.headers.host;
  if (host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return `http://${host}`;
  const a = req.socket.address();
  return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
}

function createAdServer() {
  let served = 0;
  return function handleAd(req, res, query) {
    const pub = query.get('pub');
    const slot = query.get('slot');
    // Several sizes (`size=728x90,320x50`, the tag's order of preference): the first is served.
    const size = parseSize((query.get('size') || '').split(',')[0]);
    if (!pub || !/^\d{1,18}$/.test(pub)) return sendText(res, 400, 'bad or missing pub (digits)');
    if (!size) return sendText(res, 400, 'bad or missing size (WxH)');
    if (!slot) return sendText(res, 400, 'missing slot');

    if (slot === 'empty') return send(res, 204, '', { 'Cache-Control': 'no-store' });
    if (slot === 'garbage') {
      return send(res, 200, '<html>Internal error: this is not JSON {', {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
      });
    }

    const [width, height] = size;
    const creative = CREATIVES[served++ % CREATIVES.length];
    const flags = { npa: flag(query.get('npa')), coppa: flag(query.get('coppa')), uid: query.has('uid') };
    let html = creativeHtml(creative, width, height, flags);
    if (slot === 'huge') html += `\n<!-- ${'padding '.repeat(14 * 1024)}-->`;
    const ad = {
      id: creative.id,
      html,
      width,
      height,
      clickUrl:
        slot === 'evil'
          ? 'javascript:alert(1)'
          : `${selfOrigin(req)}/landing.html?ad=${encodeURIComponent(creative.id)}`,
    };
    if (slot !== 'slow') return sendJson(res, 200, ad);
    const timer = setTimeout(() => sendJson(res, 200, ad), SLOW_MS);
    res.on('close', () => clearTimeout(timer));
  };
}

// ---------------------------------------------------------------------------------------
// The collector

const isStr = (v) => typeof v === 'string';
const isInt = (v) => Number.isSafeInteger(v);

/** Why an event is malformed (SPEC §4), or null when it is fine. */
function eventProblem(e, i) {
  const at = `event ${i}`;
  if (!e || typeof e !== 'object' || Array.isArray(e)) return `${at}: not an object`;
  if (!isStr(e.id) || e.id.length === 0 || e.id.length > 128) return `${at}: bad id`;
  if (!EVENT_TYPES.has(e.type)) return `${at}: bad type`;
  if (!isInt(e.ts) || e.ts < 0) return `${at}: bad ts`;
  if (!isStr(e.pub) || !/^\d{1,18}$/.test(e.pub)) return `${at}: bad pub`;
  for (const k of ['uid', 'sid', 'page']) if (!isStr(e[k])) return `${at}: bad ${k}`;
  if (AD_EVENT_TYPES.has(e.type)) {
    for (const k of ['slot', 'ad']) if (!isStr(e[k]) || e[k].length === 0) return `${at}: bad ${k}`;
  }
  if (e.type === 'session_end' && (!isInt(e.duration_ms) || e.duration_ms < 0)) return `${at}: bad duration_ms`;
  // The visit count of fr<pub> (SPEC §4: frequency), this visit included.
  if (e.type === 'page_view' && (!isInt(e.visits) || e.visits < 1)) return `${at}: bad visits`;
  return null;
}

// One printable line: no control characters from the wire reach the terminal.
const clean = (s, max = 120) => {
  const t = String(s).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
};

function describe(e) {
  const parts = [`[collector] ${e.type}`, `pub=${e.pub}`];
  if (AD_EVENT_TYPES.has(e.type)) parts.push(`slot=${clean(e.slot, 40)}`, `ad=${clean(e.ad, 40)}`);
  if (e.type === 'session_end') parts.push(`duration_ms=${e.duration_ms}`);
  if (e.type === 'page_view') parts.push(`visits=${e.visits}`);
  parts.push(`uid=${e.uid ? clean(e.uid.slice(0, 4)) + '…' : '-'}`, `page=${clean(e.page)}`);
  return parts.join(' ');
}

// `fault(events)` (tests and scripts/reliability.mjs only) may make a valid post fail: it
// returns null (store and answer 204 as usual) or `{status, store}`: answer `status`, after
// storing the events when `store` is true (a collector whose answer is lost: the tag sends
// them again and the de-duplication by id counts them once), or without storing them.
function createCollector({ eventsFile, quiet, fault }) {
  const seen = new Set();
  const remember = (id) => {
    seen.add(id);
    if (seen.size > DEDUP_CAPACITY) seen.delete(seen.values().next().value);
  };

  return function handleEvents(req, res) {
    const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
    if (type && type !== 'text/plain' && type !== 'application/json') {
      req.resume();
      return sendText(res, 415, 'send text/plain or application/json');
    }
    const declared = Number(req.headers['content-length']);
    const chunks = [];
    let size = 0;
    let tooLarge = declared > MAX_EVENTS_BODY;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_EVENTS_BODY) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else if (size > 16 * MAX_EVENTS_BODY) req.destroy();
    });
    req.on('error', () => {});
    req.on('end', () => {
      if (tooLarge) return sendText(res, 400, `body over ${MAX_EVENTS_BODY} bytes`);
      let events;
      try {
        events = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return sendText(res, 400, 'body is not JSON');
      }
      if (!Array.isArray(events)) return sendText(res, 400, 'body is not a JSON array');
      for (let i = 0; i < events.length; i++) {
        const problem = eventProblem(events[i], i);
        if (problem) return sendText(res, 400, problem);
      }
      const failure = fault ? fault(events) : null;
      if (failure && !failure.store) return sendText(res, failure.status, 'injected failure');
      const fresh = [];
      for (const e of events) {
        if (seen.has(e.id)) continue;
        remember(e.id);
        fresh.push(e);
      }
      if (fresh.length) {
        try {
          fs.appendFileSync(eventsFile, fresh.map((e) => JSON.stringify(e) + '\n').join(''));
        } catch (err) {
          for (const e of fresh) seen.delete(e.id);
          console.error(`[collector] cannot write ${eventsFile}: ${err.message}`);
          return sendText(res, 500, 'cannot store events');
        }
        if (!quiet) for (const e of fresh) console.log(describe(e));
      }
      if (failure) return sendText(res, failure.status, 'injected failure after storing');
      send(res, 204);
    });
  };
}

// ---------------------------------------------------------------------------------------
// The server

function start({ port = 8080, host = '127.0.0.1', eventsFile = DEFAULT_EVENTS_FILE, quiet = false, fault = null } = {}) {
  const handleAd = createAdServer();
  const handleEvents = createCollector({ eventsFile, quiet, fault });

  const server = http.createServer((req, res) => {
    let url;
    try {
      url = new URL(req.url, 'http://localhost');
    } catch {
      return sendText(res, 400, 'bad request');
    }
    const { pathname, searchParams } = url;

    if (req.method === 'OPTIONS') {
      // CORS preflight, for any path (the collector gets one for application/json).
      return send(res, 204, '', {
        'Access-Control-Allow-Methods': 'GET, HEAD, POST, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || 'Content-Type',
        'Access-Control-Max-Age': '600',
      });
    }
    if (pathname === '/v1/events') {
      if (req.method !== 'POST') return sendText(res, 405, 'POST only', { Allow: 'POST, OPTIONS' });
      return handleEvents(req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD, OPTIONS' });
    }
    if (pathname === '/v1/ad') return handleAd(req, res, searchParams);
    if (pathname === '/v1/child-directed-sites') return serveSiteList(req, res, searchParams);
    if (pathname === '/favicon.ico') return send(res, 204, '', { 'Cache-Control': 'max-age=86400' });
    return serveStatic(req, res, pathname);
  });

  server.listen(Number(port), host, () => {
    if (quiet) return;
    const { port: actual } = server.address();
    const base = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
    console.log(`The Daily Demo:     ${base}/`);
    console.log(`child-directed page: ${base}/child.html`);
    console.log(`opt-out page:        ${base}/optout.html`);
    console.log(`strict-CSP page:     ${base}/csp.html`);
    console.log(`events are appended to ${eventsFile}`);
    if (!fs.existsSync(path.join(ROOT, 'adtag.js')) || !fs.existsSync(path.join(ROOT, 'pkg'))) {
      console.log('note: the tag is not built yet (www/adtag.js, www/pkg/): run `npm run build`');
    }
  });
  return server;
}

module.exports = { start, CHILD_DIRECTED_SITES };

if (require.main === module) {
  const server = start({
    port: process.env.PORT || 8080,
    host: process.env.HOST || '127.0.0.1',
    eventsFile: process.env.EVENTS_FILE || DEFAULT_EVENTS_FILE,
  });
  server.on('error', (err) => {
    console.error(`[server] ${err.message}`);
    process.exit(1);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
