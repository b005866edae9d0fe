// `npm run bench`: adtag vs Prebid.js vs a hand-written JS tag on the same publisher page, in
// Debian's Chromium, on emulated networks, cold and warm cache; Core Web Vitals at phone and
// desktop sizes with 4× CPU throttling; and (when the tag has `adtag.refresh`) memory over
// 1,000 refresh cycles.
//
//   node bench/run.mjs [--n 10] [--profiles loopback,broadband,slow4g] [--cache cold,warm]
//                      [--cwv-n 5] [--only speed,cwv,memory,decision] [--cycles 1000]
//                      [--cpu 4|mid|low]  CWV's CPU throttling: a rate, or calibrated to a
//                                   mid-tier / low-tier phone (see calibrate())
//                      [--pieces]   time each of adtag's pieces (see initScript) instead of
//                                   attributing long tasks to its scripts
//                      [--cores own|shared]  CWV under throttling: the page's main thread on a
//                                   core of its own (the default where it can be), or sharing
//                                   every core with the rest of the browser (see ownCore())
//   node bench/run.mjs --render          results.md again from results.json
//   (BENCH_N, BENCH_PROFILES, BENCH_CACHE, BENCH_CWV_N, BENCH_ONLY, BENCH_CYCLES, BENCH_PIECES=1 likewise)
//
// The network: the bench's server (www/server.js plus the bench pages) holds every answer back
// by one round trip plus its gzipped body size at the link's speed, the link shared by all
// answers in order (a FIFO of bytes), the same way for every side. Loopback adds nothing. The
// browser's HTTP cache is on; each sample is a fresh browser context (cold), or the second
// view of the page in one context (warm), so the cache headers the server sends decide what a
// second view costs.
//
// Needs `npm run build` first (www/adtag.js, www/pkg/); `npm run bench` does that.

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const RESULTS = path.join(BENCH, 'results');
const CACHE = path.join(RESULTS, '.cache');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SLOTS = [
  ['top', '728x90'],
  ['inline', '300x250'],
  ['side', '300x250'],
];

// Lighthouse's mobile profile is "slow 4G": 150 ms RTT, 1.6 Mbit/s down.
const PROFILES = {
  loopback: { name: 'loopback', rttMs: 0, mbps: Infinity, label: 'loopback (no delay)' },
  broadband: { name: 'broadband', rttMs: 40, mbps: 10, label: 'broadband (40 ms RTT, 10 Mbit/s)' },
  slow4g: { name: 'slow4g', rttMs: 150, mbps: 1.6, label: 'slow 4G (150 ms RTT, 1.6 Mbit/s)' },
};
const VIEWPORTS = {
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true, label: 'phone 390×844' },
  desktop: { viewport: { width: 1280, height: 900 }, label: 'desktop 1280×900' },
};
const SIDES = ['adtag', 'prebid', 'hand'];
const SIDE_NAME = { adtag: 'adtag', prebid: 'Prebid.js', hand: 'hand-written JS', none: 'no tag' };

// ---------------------------------------------------------------------------------------
// Options

function arg(name, envName) {
  const i = process.argv.indexOf(`--${name}`);
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  const raw = eq ? eq.slice(name.length + 3) : i >= 0 ? process.argv[i + 1] : process.env[envName];
  return raw == null || raw === '' ? null : raw;
}
function number(name, envName, fallback) {
  const raw = arg(name, envName);
  if (raw == null) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) fatal(`--${name} / ${envName} must be a number, got ${JSON.stringify(raw)}`);
  return v;
}
function list(name, envName, allowed) {
  const raw = arg(name, envName);
  if (raw == null) return allowed;
  const v = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = v.filter((x) => !allowed.includes(x));
  if (bad.length || !v.length) fatal(`--${name} / ${envName}: choose from ${allowed.join(', ')} (got ${JSON.stringify(raw)})`);
  return v;
}
function fatal(msg) {
  console.error('bench: ' + msg);
  process.exit(2);
}
const N = Math.max(1, Math.round(number('n', 'BENCH_N', 10)));
const CWV_N = Math.max(1, Math.round(number('cwv-n', 'BENCH_CWV_N', 5)));
const CYCLES = Math.max(1, Math.round(number('cycles', 'BENCH_CYCLES', 1000)));
// A rate (4: Lighthouse's mobile preset), or the device to emulate: `mid` / `low` (the CPU
// throttling DevTools calibrates, see calibrate()).
const CPU_PRESETS = { mid: 1000, low: 264 };
const CWV_CPU_ARG = arg('cpu', 'BENCH_CPU');
const CWV_CPU_PRESET = CWV_CPU_ARG != null && Object.hasOwn(CPU_PRESETS, CWV_CPU_ARG) ? CWV_CPU_ARG : null;
const CWV_CPU = CWV_CPU_PRESET ? null : number('cpu', 'BENCH_CPU', 4);
if (CWV_CPU != null && CWV_CPU < 1) fatal(`--cpu / BENCH_CPU: a rate of 1 or more, or mid or low (got ${CWV_CPU_ARG})`);
const PROFILE_NAMES = list('profiles', 'BENCH_PROFILES', Object.keys(PROFILES));
const CACHES = list('cache', 'BENCH_CACHE', ['cold', 'warm']);
const ONLY = list('only', 'BENCH_ONLY', ['speed', 'cwv', 'memory', 'decision']);
const PIECES = process.argv.includes('--pieces') || process.env.BENCH_PIECES === '1';
const CORES = arg('cores', 'BENCH_CORES') ?? 'own';
if (CORES !== 'own' && CORES !== 'shared') fatal(`--cores / BENCH_CORES: own or shared (got ${CORES})`);
const LOAD_TIMEOUT_MS = 20_000;
const SETTLE_MS = 500; // after the last ad frame loads: late long tasks, shifts and beacons
const BASELINE_WAIT_MS = 1500; // the page without a tag: how long after its load event to watch

// ---------------------------------------------------------------------------------------
// Tag files

// The loader names the content-hashed glue and wasm it loads (scripts/build.sh).
function adtagFiles() {
  const loader = path.join(ROOT, 'www', 'adtag.js');
  if (!fs.existsSync(loader)) fatal('www/adtag.js is missing: build the tag first (npm run build; npm run bench does it)');
  const src = fs.readFileSync(loader, 'utf8');
  const glue = /pkg\/adtag\.[0-9a-f]{8,}\.js|adtag\.[0-9a-f]{8,}\.js/.exec(src);
  const wasm = /adtag_bg\.[0-9a-f]{8,}\.wasm/.exec(src);
  const files = [['loader', 'www/adtag.js', '/adtag.js']];
  const g = glue ? 'pkg/' + glue[0].replace(/^pkg\//, '') : 'pkg/adtag.js';
  files.push(['glue', 'www/' + g, '/' + g]);
  files.push(['wasm', 'www/pkg/' + (wasm ? wasm[0] : 'adtag_bg.wasm'), '/pkg/' + (wasm ? wasm[0] : 'adtag_bg.wasm')]);
  for (const [, file] of files) if (!fs.existsSync(path.join(ROOT, file))) fatal(`${file} is missing: build the tag first`);
  return files;
}

function sizeOf(file) {
  const bytes = fs.readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

async function bundle(entry, name, extraKey, options) {
  const esbuild = require('esbuild');
  const key = createHash('sha256').update(esbuild.version).update(extraKey);
  for (const f of options.keyFiles) key.update(fs.readFileSync(f));
  const out = path.join(CACHE, `${name}-${key.digest('hex').slice(0, 16)}.js`);
  if (!fs.existsSync(out)) {
    fs.mkdirSync(CACHE, { recursive: true });
    const result = await esbuild.build({
      entryPoints: [entry], absWorkingDir: ROOT, bundle: options.bundle, minify: true, format: 'iife',
      platform: 'browser', target: 'es2020', legalComments: 'none', write: false, logLevel: 'warning',
    });
    fs.writeFileSync(out + '.tmp', result.outputFiles[0].contents);
    fs.renameSync(out + '.tmp', out);
    console.log(`bench: built ${path.relative(ROOT, out)}`);
  }
  return { file: out, ...sizeOf(out), esbuild: esbuild.version };
}

// Prebid core from npm + TCF and US Privacy consent modules + bench/adtag-bidder.js.
async function prebidBundle() {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'prebid.js', 'package.json'), 'utf8')).version;
  const b = await bundle(path.join(BENCH, 'prebid-entry.js'), `prebid-${version}`, version, {
    bundle: true, keyFiles: [path.join(BENCH, 'prebid-entry.js'), path.join(BENCH, 'adtag-bidder.js')],
  });
  return { ...b, version };
}
const handBundle = () =>
  bundle(path.join(BENCH, 'handwritten.js'), 'handwritten', '', { bundle: false, keyFiles: [path.join(BENCH, 'handwritten.js')] });

// ---------------------------------------------------------------------------------------
// Pages and server

function pages(prebidUrl) {
  const template = fs.readFileSync(path.join(BENCH, 'page.html'), 'utf8');
  const inline = (file) => `<script>\n${fs.readFileSync(path.join(BENCH, file), 'utf8')}</script>`;
  const page = (snippet) => template.replace('<!--CMP_STUB-->', inline('cmp-stub.js')).replace('<!--TAG_SNIPPET-->', snippet);
  return {
    '/bench/adtag.html': page('<script async src="/adtag.js" data-publisher="12345"></script>'),
    '/bench/none.html': page('<!-- no tag: the baseline -->'),
    '/bench/prebid.html': page(`${inline('prebid-setup.js')}\n  <script async src="${prebidUrl}"></script>`),
    '/bench/hand.html': page('<script async src="/bench/hand.js" data-publisher="12345"></script>'),
  };
}

// The emulated link: every answer waits one round trip plus its place in a FIFO of gzipped
// bytes at the link's speed. `net.profile` is switched between samples (loads run one at a time).
const net = { profile: PROFILES.loopback, linkFreeAt: 0 };
const gzCache = new Map();
function gzSize(body) {
  if (!body.length) return 0;
  const key = createHash('sha1').update(body).digest('hex');
  if (!gzCache.has(key)) gzCache.set(key, gzipSync(body, { level: 9 }).length);
  return gzCache.get(key);
}
function shape(res) {
  const p = net.profile;
  if (!p.rttMs && p.mbps === Infinity) return;
  const chunks = [];
  const { writeHead, end } = res;
  let head = null;
  res.writeHead = (...args) => {
    head = args;
    return res;
  };
  res.write = (chunk, enc, cb) => {
    if (chunk != null) chunks.push(Buffer.from(chunk, typeof enc === 'string' ? enc : undefined));
    if (typeof enc === 'function') enc();
    else if (typeof cb === 'function') cb();
    return true;
  };
  res.end = (chunk, enc, cb) => {
    if (chunk != null && typeof chunk !== 'function') chunks.push(Buffer.from(chunk, typeof enc === 'string' ? enc : undefined));
    const body = Buffer.concat(chunks);
    const now = Date.now();
    const start = Math.max(now, net.linkFreeAt);
    const done = start + (gzSize(body) * 8) / (p.mbps * 1000);
    net.linkFreeAt = done;
    setTimeout(() => {
      if (res.destroyed) return;
      if (head) writeHead.apply(res, head);
      end.call(res, body);
    }, done - now + p.rttMs);
    return res;
  };
}

function etagOf(buf) {
  return '"' + createHash('sha1').update(buf).digest('base64url').slice(0, 16) + '"';
}

async function startServer(prebid, hand, prebidUrl, eventsFile) {
  const { start } = require(path.join(ROOT, 'www', 'server.js'));
  const server = start({ port: Number(process.env.BENCH_PORT || 0), host: '127.0.0.1', eventsFile, quiet: true });
  const [demo] = server.listeners('request');
  server.removeAllListeners('request');
  const extra = pages(prebidUrl);
  server.on('request', (req, res) => {
    shape(res);
    const pathname = (req.url || '').split('?')[0];
    let body = null;
    let type = 'text/javascript; charset=utf-8';
    let cache = 'no-cache';
    if (extra[pathname]) [body, type] = [Buffer.from(extra[pathname]), 'text/html; charset=utf-8'];
    // A versioned Prebid build, as a CDN serves it (jsDelivr: a year, immutable).
    else if (pathname === prebidUrl) [body, cache] = [fs.readFileSync(prebid.file), 'public, max-age=31536000, immutable'];
    // The hand-written tag at one URL, short-lived like adtag's loader.
    else if (pathname === '/bench/hand.js') [body, cache] = [fs.readFileSync(hand.file), 'public, max-age=300'];
    if (!body || (req.method !== 'GET' && req.method !== 'HEAD')) return demo(req, res);
    const etag = etagOf(body);
    const headers = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': cache, ETag: etag, 'X-Content-Type-Options': 'nosniff' };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      return res.end();
    }
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}

// ---------------------------------------------------------------------------------------
// In the page: runs before any of the page's scripts, in the top frame only.

function initScript(opts) {
  if (window !== window.top) return;
  const now = () => performance.now();
  const B = { frames: [], longtasks: [], loafs: [], shifts: [], lcp: null, fcp: null, wasm: [], instances: [], errors: [], pieces: [] };
  Object.defineProperty(window, '__bench', { value: B });
  const observe = (type, f) => {
    try {
      new PerformanceObserver((l) => l.getEntries().forEach(f)).observe({ type, buffered: true });
    } catch (e) {
      B.errors.push(type + ' observer: ' + e.message);
    }
  };
  observe('longtask', (e) => B.longtasks.push({ start: e.startTime, duration: e.duration }));
  observe('layout-shift', (e) => { if (!e.hadRecentInput) B.shifts.push({ t: e.startTime, value: e.value }); });
  observe('largest-contentful-paint', (e) => (B.lcp = { t: e.startTime, size: e.size, el: e.element ? e.element.tagName : null }));
  observe('paint', (e) => { if (e.name === 'first-contentful-paint') B.fcp = e.startTime; });
  if ((PerformanceObserver.supportedEntryTypes || []).includes('long-animation-frame')) {
    observe('long-animation-frame', (e) => B.loafs.push({
      start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
      scripts: (e.scripts || []).map((s) => ({ url: s.sourceURL, start: s.startTime, duration: s.duration, invoker: s.invoker })),
    }));
  }

  // --pieces: the pieces a tag runs after scheduler.yield() (adtag: every piece of its start
  // and of each slot, and the loader's steps), each timed on its own: a long task says only
  // that something passed 50 ms, these say how far each piece is from it, on a machine of any
  // speed. A piece is timed until the microtasks it queued have run (the loader's steps are
  // promise chains that a continuation only resolves): ten microtask hops after the callback.
  // The tag's callbacks then run inside this wrapper, which long-animation-frame attribution
  // names instead of the tag's files: the long-task columns are for runs without it.
  const S = window.scheduler;
  if (opts.pieces && S && typeof S.yield === 'function') {
    const y = S.yield.bind(S);
    const timed = (f) => (typeof f !== 'function' ? f : function (v) {
      const t0 = now();
      let hops = 10;
      const hop = () => (--hops ? queueMicrotask(hop) : B.pieces.push([t0, now() - t0]));
      try { return f.call(this, v); } finally { queueMicrotask(hop); }
    });
    S.yield = function () {
      const p = y();
      const then = p.then.bind(p);
      p.then = (a, b) => then(timed(a), timed(b));
      return p;
    };
  }

  const W = WebAssembly;
  for (const name of ['instantiateStreaming', 'compileStreaming', 'instantiate', 'compile']) {
    const orig = W[name];
    if (typeof orig !== 'function') continue;
    W[name] = function (...args) {
      const rec = { name, start: now(), end: null, ok: null };
      B.wasm.push(rec);
      const p = orig.apply(W, args);
      p.then(
        (r) => {
          Object.assign(rec, { end: now(), ok: true });
          if (r && r.instance) B.instances.push(r.instance);
          else if (r instanceof W.Instance) B.instances.push(r);
        },
        () => Object.assign(rec, { end: now(), ok: false }),
      );
      return p;
    };
  }

  // Ad frames: every <iframe> inside a slot, and inside a friendly iframe there (Prebid's).
  let expect = 3;
  let done;
  B.done = new Promise((resolve) => (done = resolve));
  B.expect = (n) => {
    expect = n;
    B.done = new Promise((resolve) => (done = resolve));
    check();
    return B.done;
  };
  const seen = new WeakSet();
  const isCreative = (f) => f.hasAttribute('srcdoc') || (!!f.getAttribute('src') && f.getAttribute('src') !== 'about:blank');
  const slotOf = (el) => {
    const s = el.closest && el.closest('[data-adtag-slot]');
    return s ? s.getAttribute('data-adtag-slot') : null;
  };
  // Done when every slot has its ad, or was left empty by the tag (adtag asks no ad for a
  // slot that no size fits, the 728x90 on a phone: that slot's outcome is known at once).
  function check() {
    const empty = document.querySelectorAll('[data-adtag-slot][data-adtag-state="empty"]').length;
    if (B.frames.filter((f) => f.load != null).length + empty >= expect) done(true);
  }
  // adtag's frame document (adtag-frame.html) is a cross-origin relay: its own load event comes
  // before the ad is even shown (the tag sends the creative once it has loaded). The creative's
  // load is the relay's {adtag: "loaded"} message to this window, from that frame.
  const relays = [];
  const isRelay = (f) => /\/adtag-frame\.html([?#]|$)/.test(f.getAttribute('src') || '');
  addEventListener('message', (e) => {
    const d = e.data;
    if (!d || d.adtag !== 'loaded') return;
    for (const [frame, rec] of relays) {
      if (rec.load == null && frame.contentWindow === e.source) {
        rec.load = now();
        check();
      }
    }
  });
  function track(frame, slot, depth) {
    if (seen.has(frame)) return;
    seen.add(frame);
    const rec = { slot, depth, dom: now(), load: null };
    B.frames.push(rec);
    if (isRelay(frame)) return void relays.push([frame, rec]);
    frame.addEventListener('load', () => {
      if (rec.load == null && isCreative(frame)) {
        rec.load = now();
        check();
      }
    });
    let doc = null;
    try {
      doc = frame.contentDocument;
    } catch (e) { /* cross-origin */ }
    if (doc && !isCreative(frame)) watch(doc, slot, depth + 1);
  }
  function scan(root, slot, depth) {
    const frames = root.querySelectorAll ? root.querySelectorAll('iframe') : [];
    for (let i = 0; i < frames.length; i++) {
      const s = slot || slotOf(frames[i]);
      if (s) track(frames[i], s, depth);
    }
  }
  function watch(doc, slot, depth) {
    new MutationObserver(() => {
      scan(doc, slot, depth);
      check();
    }).observe(doc, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-adtag-state'] });
    scan(doc, slot, depth);
  }
  watch(document, null, 0);

  B.collect = () => ({
    frames: B.frames, longtasks: B.longtasks, loafs: B.loafs, shifts: B.shifts, lcp: B.lcp, fcp: B.fcp, pieces: B.pieces,
    wasm: B.wasm.map(({ name, start, end, ok }) => ({ name, start, end, ok })), errors: B.errors,
    resources: performance.getEntriesByType('resource').map((e) => ({
      name: e.name, startTime: e.startTime, responseEnd: e.responseEnd, transferSize: e.transferSize, initiatorType: e.initiatorType,
    })),
  });
}

// ---------------------------------------------------------------------------------------
// One page load

const pathOf = (u) => {
  try {
    return new URL(u).pathname;
  } catch {
    return u;
  }
};

async function newContext(browser, viewportName) {
  const v = VIEWPORTS[viewportName];
  const context = await browser.newContext({ viewport: v.viewport, deviceScaleFactor: v.deviceScaleFactor, isMobile: v.isMobile, hasTouch: v.hasTouch });
  await context.addInitScript({ content: `(${initScript.toString()})(${JSON.stringify({ pieces: PIECES })});` });
  return context;
}

// Loads `side` once and waits for its ads (or a fixed time without a tag). Returns the
// in-page data and the requests the browser made (from the network or its cache).
async function view(page, cdp, base, side) {
  const requests = [];
  const onReq = (e) => requests.push({ id: e.requestId, url: e.request.url, bytes: 0, cached: false });
  const onCached = (e) => {
    const r = requests.find((x) => x.id === e.requestId);
    if (r) r.cached = true;
  };
  const onResp = (e) => {
    const r = requests.find((x) => x.id === e.requestId);
    if (r) Object.assign(r, { status: e.response.status, cached: r.cached || e.response.fromDiskCache || e.response.fromPrefetchCache });
  };
  const onDone = (e) => {
    const r = requests.find((x) => x.id === e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  };
  cdp.on('Network.requestWillBeSent', onReq);
  cdp.on('Network.requestServedFromCache', onCached);
  cdp.on('Network.responseReceived', onResp);
  cdp.on('Network.loadingFinished', onDone);
  try {
    await page.goto(`${base}/bench/${side}.html`, { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS });
    let complete = true;
    if (side === 'none') await page.waitForTimeout(BASELINE_WAIT_MS);
    else {
      complete = await page.evaluate(
        (ms) => Promise.race([window.__bench.done, new Promise((r) => setTimeout(() => r(false), ms))]),
        LOAD_TIMEOUT_MS,
      );
      await page.waitForTimeout(SETTLE_MS);
    }
    const data = await page.evaluate(() => window.__bench.collect());
    return { complete, data, requests };
  } finally {
    cdp.off('Network.requestWillBeSent', onReq);
    cdp.off('Network.requestServedFromCache', onCached);
    cdp.off('Network.responseReceived', onResp);
    cdp.off('Network.loadingFinished', onDone);
  }
}

// One sample: a fresh context (cold cache), or a first view then the measured second view in
// the same context (warm cache: "a second page view in the same visit").
async function sample(browser, base, { side, profile, cache, viewport = 'desktop', cpu = 1, tagFiles }) {
  const context = await newContext(browser, viewport);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    net.profile = PROFILES.loopback;
    if (cache === 'warm') await view(page, cdp, base, side);
    net.profile = PROFILES[profile];
    net.linkFreeAt = 0;
    if (cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
    if (cpu > 1 && cache === 'cold') await ownCore(cdp);
    const v = await view(page, cdp, base, side);
    net.profile = PROFILES.loopback;
    return summarize(side, v, tagFiles, errors);
  } catch (e) {
    const msg = String((e && e.message) || e).split('\n')[0];
    console.error(`bench: a ${side} load failed: ${msg}`);
    return { side, complete: false, errors: [`load failed: ${msg}`] };
  } finally {
    net.profile = PROFILES.loopback;
    sharedCores();
    await context.close();
  }
}

// --cores own (the default): a throttled page's main thread gets a core of its own, and the
// rest (the browser process, its GPU and network processes, the ad frames' renderers, this
// benchmark and its server) the other cores. Chromium's CPU throttling lets the page's main
// thread run 50 µs of every 200 µs of wall time (at 4×) and suspends it for the rest, so a
// moment another process takes from its window costs the page four; on a 2-core machine the
// ad frames' own processes, loading their documents unthrottled, then show up as the page's
// long tasks. A phone has 8 cores: its browser's other processes don't take the page's.
// Linux only (taskset); elsewhere, and with one core or --cores shared, every process shares
// every core.
const OWN_CORE = CORES === 'own' && process.platform === 'linux' && os.cpus().length > 1 && (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// This process and every process it started (the browser and its children), from /proc.
function ownProcesses() {
  const children = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) || []), Number(name)]);
  }
  const out = [process.pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) || []));
  return out;
}

// Every thread of process `pid` on `cpus` (a list taskset reads), or only thread `pid`.
function affinity(pid, cpus, { thread = false } = {}) {
  try {
    execFileSync('taskset', [...(thread ? [] : ['-a']), '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  } catch { /* gone meanwhile */ }
}

// The renderer process of the page `cdp` is attached to (not yet navigated: the navigation to
// the same site stays in it), from the browser's own trace metadata.
async function rendererPid(cdp) {
  const events = [];
  const onData = (d) => events.push(...d.value);
  cdp.on('Tracing.dataCollected', onData);
  try {
    const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['disabled-by-default-devtools.timeline', '__metadata'] }, transferMode: 'ReportEvents' });
    await cdp.send('Tracing.end');
    await done;
  } finally {
    cdp.off('Tracing.dataCollected', onData);
  }
  const started = events.find((e) => e.name === 'TracingStartedInBrowser');
  const frame = started && started.args && started.args.data && (started.args.data.frames || [])[0];
  return frame && frame.processId;
}

// Core 0 for the page's main thread (a process's first thread, its id the process's) and the
// thread that throttles it; the page's other threads (compositor, I/O, the pool that compiles
// wasm in the background) with everything else, as on a phone, where they run beside it.
let pinned = false;
async function ownCore(cdp) {
  if (!OWN_CORE) return;
  pinned = true;
  const pid = await rendererPid(cdp);
  if (!pid) fatal('--cores own: could not tell which process renders the page (try --cores shared)');
  const rest = `1-${os.cpus().length - 1}`;
  for (const p of ownProcesses()) {
    if (p !== pid) {
      affinity(p, rest);
      continue;
    }
    for (const tid of fs.readdirSync(`/proc/${pid}/task`).map(Number)) {
      let name = '';
      try {
        name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8');
      } catch { /* gone */ }
      affinity(tid, tid === pid || name.startsWith('CPUThrottling') ? '0' : rest, { thread: true });
    }
  }
}

function sharedCores() {
  if (!pinned) return;
  pinned = false;
  const all = `0-${os.cpus().length - 1}`;
  for (const p of ownProcesses()) affinity(p, all);
}

// CLS as Chromium reports it: the largest session window (shifts < 1 s apart, ≤ 5 s long).
function cls(shifts) {
  let best = 0;
  let cur = 0;
  let first = -Infinity;
  let last = -Infinity;
  for (const s of shifts) {
    if (s.t - last > 1000 || s.t - first > 5000) {
      cur = 0;
      first = s.t;
    }
    cur += s.value;
    last = s.t;
    best = Math.max(best, cur);
  }
  return best;
}

function summarize(side, { complete, data, requests }, tagFiles, errors) {
  const tagUrls = tagFiles[side];
  const isTag = (u) => tagUrls.has(pathOf(u));
  const loads = data.frames.filter((f) => f.load != null).map((f) => f.load);
  const script = data.resources.find((r) => isTag(r.name));
  const fcp = data.fcp ?? 0;
  const tasks = data.longtasks;
  const tagLoafs = data.loafs.filter((l) => l.scripts.some((s) => isTag(s.url)));
  const runs = data.loafs.flatMap((l) => l.scripts.filter((s) => isTag(s.url) && s.start != null));
  const within = (t, at) => at >= t.start && at <= t.start + t.duration;
  const overlap = (t, s) => s.start < t.start + t.duration && s.start + s.duration > t.start;
  const tagTasks = tasks
    .filter((t) => runs.some((s) => overlap(t, s)))
    .map((t) => ({
      start: Math.round(t.start), duration: Math.round(t.duration),
      frame: data.frames.some((f) => within(t, f.dom)),
      scripts: runs.filter((s) => overlap(t, s)).map((s) => `${s.invoker} ${Math.round(s.duration)} ms`),
    }));
  const network = requests.filter((r) => !r.cached && !r.url.startsWith('data:'));
  const tagReqs = (rs) => rs.filter((r) => isTag(r.url) || pathOf(r.url) === '/v1/child-directed-sites');
  return {
    side,
    complete,
    tagStart: script ? script.startTime : null,
    firstAdLoad: loads.length ? Math.min(...loads) : null,
    allAdsLoad: complete && loads.length ? Math.max(...loads) : null,
    firstAdRequest: (() => {
      const ads = data.resources.filter((r) => pathOf(r.name) === '/v1/ad');
      return ads.length ? Math.min(...ads.map((r) => r.startTime)) : null;
    })(),
    cls: cls(data.shifts),
    lcp: data.lcp ? data.lcp.t : null,
    lcpElement: data.lcp ? data.lcp.el : null,
    longTasks: tasks.length,
    // TBT as Lighthouse counts it from FCP on (here: until the end of the sample).
    tbt: sum(tasks.filter((t) => t.start >= fcp).map((t) => Math.max(0, t.duration - 50))),
    maxTask: tasks.length ? Math.max(...tasks.map((t) => t.duration)) : 0,
    tagLongFrames: tagLoafs.filter((l) => l.blocking > 0).length,
    // Long tasks (> 50 ms) in which a script of the tag's files ran: the tag's own long tasks.
    tagLongTasks: tagTasks.length,
    // Of those, the tasks in which an ad frame was put into the page (the bench's
    // MutationObserver saw it in that task's microtasks): the browser's making of a child frame,
    // which no script can split, and which every tag that shows its ads in frames pays.
    tagFrameTasks: tagTasks.filter((t) => t.frame).length,
    tagTasks,
    // Each scheduler.yield() continuation's duration, ms, and whether it made an ad frame.
    pieces: PIECES && (data.pieces || []).map(([t0, d]) => [Math.round(d * 10) / 10, data.frames.some((f) => within({ start: t0, duration: d }, f.dom)) ? 1 : 0]),
    // Which of the tag's callbacks ran in those frames (results.json only).
    tagFrames: tagLoafs.filter((l) => l.blocking > 0).map((l) => ({
      start: Math.round(l.start), duration: Math.round(l.duration), blocking: Math.round(l.blocking),
      scripts: l.scripts.filter((s) => isTag(s.url)).map((s) => `${s.invoker} ${Math.round(s.duration)} ms`),
    })),
    tagBlocking: sum(tagLoafs.map((l) => l.blocking)),
    tagScriptMs: sum(data.loafs.flatMap((l) => l.scripts.filter((s) => isTag(s.url)).map((s) => s.duration))),
    wasmMs: (() => {
      const w = data.wasm.filter((x) => x.ok);
      return w.length ? sum(w.map((x) => x.end - x.start)) : null;
    })(),
    requests: network.length,
    bytes: sum(network.map((r) => r.bytes)),
    tagRoundTrips: tagReqs(network).length,
    tagFromCache: tagReqs(requests.filter((r) => r.cached)).length,
    paths: network.map((r) => pathOf(r.url)),
    errors: [...data.errors, ...errors],
  };
}

// ---------------------------------------------------------------------------------------
// Memory (issue 11): 1,000 refresh cycles of the 3 slots in one page.

async function memory(browser, base, tagFiles) {
  const context = await newContext(browser, 'desktop');
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await page.goto(`${base}/bench/adtag.html`, { waitUntil: 'load' });
    const first = await page.evaluate((ms) => Promise.race([window.__bench.done, new Promise((r) => setTimeout(() => r(false), ms))]), LOAD_TIMEOUT_MS);
    const has = await page.evaluate(() => !!window.adtag && typeof window.adtag.refresh === 'function');
    if (!has) return { available: false, reason: 'adtag.refresh() is not there yet (issue 11)' };
    if (!first) return { available: false, reason: 'the first 3 ads did not load' };
    const measure = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      const dom = await cdp.send('Memory.getDOMCounters').catch(() => ({}));
      const wasm = await page.evaluate(() => {
        let bytes = 0;
        for (const i of window.__bench.instances) {
          for (const v of Object.values(i.exports)) if (v instanceof WebAssembly.Memory) bytes += v.buffer.byteLength;
        }
        return bytes;
      });
      return { jsHeap: heap.usedSize, wasm, nodes: dom.nodes ?? null, listeners: dom.jsEventListeners ?? null };
    };
    const before = await measure();
    const t = Date.now();
    const result = await page.evaluate(async ({ cycles, ms }) => {
      // A refreshed ad reuses its slot's frame (no new frame load): count slotRenderEnded.
      let ended = 0;
      window.adtag.on('slotRenderEnded', () => { ended++; });
      let stuck = 0;
      for (let i = 0; i < cycles; i++) {
        const target = ended + 3;
        window.adtag.refresh();
        const t0 = performance.now();
        while (ended < target && performance.now() - t0 < ms) await new Promise((r) => setTimeout(r, 2));
        if (ended < target) stuck++;
      }
      return { stuck, frames: document.querySelectorAll('iframe').length };
    }, { cycles: CYCLES, ms: 3000 });
    const after = await measure();
    return { available: true, cycles: CYCLES, seconds: (Date.now() - t) / 1000, before, after, ...result };
  } catch (e) {
    return { available: false, reason: String((e && e.message) || e).split('\n')[0] };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------
// What "4× throttling" means on this machine

// Lighthouse's BenchmarkIndex (its page-functions' computeBenchmarkIndex; DevTools runs it for
// `ms` in all): string building (with garbage collection) and array copying (without), in
// iterations per 100 ms, averaged. Run in the page, as plain source.
const BENCHMARK_INDEX = `(function (ms) {
  var half = ms / 2;
  function strings() {
    var t0 = Date.now(), n = 0;
    while (Date.now() - t0 < half) {
      var s = '';
      for (var j = 0; j < 10000; j++) s += 'a';
      if (s.length === 1) throw new Error('kept from being optimized away');
      n++;
    }
    return Math.round(n / 10 / ((Date.now() - t0) / 1000));
  }
  function arrays() {
    var a = [], b = [];
    for (var i = 0; i < 100000; i++) a[i] = b[i] = i;
    var t0 = Date.now(), n = 0;
    while (n % 10 !== 0 || Date.now() - t0 < half) {
      var from = n % 2 ? b : a, to = n % 2 ? a : b;
      for (var k = 0; k < from.length; k++) to[k] = from[k];
      n++;
    }
    return Math.round(n / 10 / ((Date.now() - t0) / 1000));
  }
  return (strings() + arrays()) / 2;
})`;

// The machine's score at each CPU throttling rate asked (median of 3 runs of 500 ms), on a
// blank page in a context of its own.
async function cpuScores(browser, rates) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await page.goto('about:blank');
    await ownCore(cdp); // scored as the pages are loaded
    await page.evaluate(`${BENCHMARK_INDEX}(250)`); // V8 warmed up
    const score = async (rate) => {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate });
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await page.evaluate(`${BENCHMARK_INDEX}(500)`));
      return runs.sort((a, b) => a - b)[1];
    };
    const out = [];
    for (const r of rates) out.push(await score(r));
    return out;
  } finally {
    sharedCores();
    await context.close();
  }
}

// The throttling rate at which this machine scores `target` (DevTools' calibrated presets:
// 1000 "mid-tier mobile", a Pixel 5; 264 "low-tier mobile", a Moto G4 Power 2022). The
// score is not proportional to the rate, so the rate is bisected, as DevTools does, until
// the score is within 10 of the target (8 steps at most). Null when the machine unthrottled
// scores below it.
async function calibrate(browser, target) {
  const [lo] = await cpuScores(browser, [1]);
  if (lo < target) return null;
  let loRate = 1;
  let hiRate = Math.max(2, (lo / target) * 1.5);
  // An upper bound that scores below the target (raised while it does not).
  for (let i = 0; i < 4 && (await cpuScores(browser, [hiRate]))[0] >= target; i++) [loRate, hiRate] = [hiRate, hiRate * 2];
  let rate = loRate;
  for (let i = 0; i < 8; i++) {
    rate = Math.round(((loRate + hiRate) / 2) * 100) / 100;
    const [score] = await cpuScores(browser, [rate]);
    if (Math.abs(score - target) < 10) break;
    if (score < target) hiRate = rate;
    else loRate = rate;
  }
  return rate;
}

// CPU time of one decision (wasm export `bench_decide(n)`), timed in JS.

async function decisionCpu(browser, base, tagFiles) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${base}/bench/none.html`, { waitUntil: 'load' });
    const [, glue, wasm] = tagFiles.adtagList;
    return await page.evaluate(async ({ glue, wasm }) => {
      const m = await import(glue);
      await m.default({ module_or_path: wasm });
      if (typeof m.bench_decide !== 'function') return { available: false };
      const time = (n) => {
        const t = performance.now();
        m.bench_decide(n);
        return performance.now() - t;
      };
      time(1000);
      let n = 1000;
      while (time(n) < 50 && n < 1e8) n *= 4;
      const runs = [];
      for (let i = 0; i < 7; i++) runs.push(time(n));
      runs.sort((a, b) => a - b);
      return { available: true, n, nsPerDecision: (runs[3] * 1e6) / n };
    }, { glue: glue[2], wasm: wasm[2] });
  } catch (e) {
    return { available: false, error: String((e && e.message) || e) };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------
// Statistics and output

function quantile(xs, q) {
  const v = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const i = (v.length - 1) * q;
  const lo = Math.floor(i);
  return v[lo] + (v[Math.min(lo + 1, v.length - 1)] - v[lo]) * (i - lo);
}
const median = (xs) => quantile(xs, 0.5);
const KEYS = ['tagStart', 'firstAdRequest', 'firstAdLoad', 'allAdsLoad', 'cls', 'lcp', 'longTasks', 'tbt', 'maxTask', 'tagLongTasks', 'tagLongFrames', 'tagBlocking', 'tagScriptMs', 'wasmMs', 'requests', 'bytes', 'tagRoundTrips', 'tagFromCache'];
function aggregate(samples) {
  const out = { n: samples.length, incomplete: samples.filter((s) => !s.complete).length };
  for (const k of KEYS) out[k] = median(samples.map((s) => s[k]));
  // Counted over all loads, not a median: "no long task from the tag" is about every load.
  out.tagLongTasksAll = sum(samples.map((s) => s.tagLongTasks || 0));
  out.tagFrameTasksAll = sum(samples.map((s) => s.tagFrameTasks || 0));
  // Every piece of every load (not a median of medians): their spread, frames apart.
  const pieces = samples.flatMap((s) => s.pieces || []);
  const spread = (ds) => ({ n: ds.length, p50: quantile(ds, 0.5), p90: quantile(ds, 0.9), max: ds.length ? Math.max(...ds) : null, over50: ds.filter((d) => d > 50).length });
  out.pieces = PIECES && { work: spread(pieces.filter((p) => !p[1]).map((p) => p[0])), frames: spread(pieces.filter((p) => p[1]).map((p) => p[0])) };
  out.allAdsP25 = quantile(samples.map((s) => s.allAdsLoad), 0.25);
  out.allAdsP75 = quantile(samples.map((s) => s.allAdsLoad), 0.75);
  out.errors = [...new Set(samples.flatMap((s) => s.errors || []))].slice(0, 5);
  out.paths = samples[0] ? samples[0].paths : [];
  return out;
}

const int = (v) => (v == null ? '—' : Math.round(v).toLocaleString('en-US'));
const ms = (v) => (v == null ? '—' : Math.round(v).toLocaleString('en-US'));
const num = (v, d = 2) => (v == null ? '—' : v.toFixed(d));
const ratio = (a, b) => (a == null || b == null || b === 0 ? '—' : (a / b).toFixed(2));

// The physical floor on a profile: page → tag → ad, three round trips, and the page's and the
// three ad answers' bytes at the link's speed (a tag of zero bytes).
function floorMs(p, floorBytes) {
  if (p.mbps === Infinity) return null;
  return 3 * p.rttMs + (floorBytes * 8) / (p.mbps * 1000);
}

function render(r) {
  const out = [];
  const sz = r.sizes;
  out.push(`## Performance: adtag, Prebid.js and a hand-written tag\n`);
  out.push(`Tag code, gzip -9: adtag ${int(sz.adtag.gzip)} B (${sz.adtag.parts.map((p) => `${p.part} ${int(p.gzip)}`).join(' + ')}), ` +
    `Prebid.js ${r.prebid.version} ${int(sz.prebid.gzip)} B, hand-written JS tag ${int(sz.hand.gzip)} B.\n`);
  if (r.speed) {
    out.push(`### Time to ads (navigation → all 3 ad frames loaded, median of ${r.config.n} per cell, desktop, no CPU throttling)\n`);
    out.push('| network | cache | adtag ms | Prebid.js ms | hand-written ms | adtag / Prebid | adtag / hand-written | floor ms (page → tag → ad) | adtag round trips for its files + list / from cache |');
    out.push('|---|---|---:|---:|---:|---:|---:|---:|---|');
    for (const row of r.speed) {
      const [a, p, h] = SIDES.map((s) => row[s]);
      out.push(`| ${PROFILES[row.profile].label} | ${row.cache} | ${ms(a.allAdsLoad)} | ${ms(p.allAdsLoad)} | ${ms(h.allAdsLoad)} | ${ratio(a.allAdsLoad, p.allAdsLoad)} | ${ratio(a.allAdsLoad, h.allAdsLoad)} | ` +
        `${row.cache === 'cold' ? ms(floorMs(PROFILES[row.profile], r.floorBytes)) : '—'} | ${int(a.tagRoundTrips)} / ${int(a.tagFromCache)} |`);
    }
    out.push('');
    out.push('| network | cache | tag script requested at (adtag / Prebid / hand) ms | first /v1/ad sent at ms | bytes over the network (adtag / Prebid / hand) |');
    out.push('|---|---|---|---|---|');
    for (const row of r.speed) {
      const f = (k, fmt) => SIDES.map((s) => fmt(row[s][k])).join(' / ');
      out.push(`| ${row.profile} | ${row.cache} | ${f('tagStart', ms)} | ${f('firstAdRequest', ms)} | ${f('bytes', int)} |`);
    }
    out.push('');
  }
  if (r.cwv) {
    out.push(`### Core Web Vitals (${r.config.cwvCpu}× CPU throttling${r.config.cwvCpuPreset ? ` (calibrated: ${r.config.cwvCpuPreset}-tier mobile)` : ''}, loopback, median of ${r.config.cwvN} per cell)\n`);
    if (r.config.cwvOwnCore != null) {
      out.push(r.config.cwvOwnCore
        ? 'The page\'s main thread had a core of its own, the page\'s other threads, the browser\'s other processes (the ad frames\' among them), this benchmark and its server the others, as on a phone\'s 8 cores (`--cores shared`: every process on every core).\n'
        : 'Every process shared every core (`--cores shared`, or a machine where `taskset` or a second core is missing): the page\'s main thread, throttled, lost time to the browser\'s other processes, the ad frames\' among them.\n');
    }
    const sc = r.config.cpuScore;
    if (sc) {
      out.push(`This machine's CPU in Lighthouse's BenchmarkIndex: ${Math.round(sc.host)} unthrottled, ${Math.round(sc.throttled)} at ${r.config.cwvCpu}×. ` +
        'DevTools\' calibrated CPU throttling emulates a mid-tier phone (a Pixel 5) at 1000 and a low-tier one (a Moto G4 Power 2022) at 264: `--cpu mid`, `--cpu low`.\n');
    }
    out.push('| viewport | page | CLS | LCP ms | long tasks | TBT ms | longest task ms | long tasks with the tag\'s script, all loads | … in which it made an ad frame | long frames with the tag\'s script | their blocking ms | tag script ms | ads loaded ms |');
    out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of r.cwv) {
      for (const side of ['none', ...SIDES]) {
        const s = row[side];
        out.push(`| ${VIEWPORTS[row.viewport].label} | ${SIDE_NAME[side]} | ${num(s.cls, 3)} | ${ms(s.lcp)} | ${num(s.longTasks, 1)} | ${ms(s.tbt)} | ${ms(s.maxTask)} | ` +
          `${side === 'none' ? '—' : `${s.tagLongTasksAll ?? '—'} in ${s.n}`} | ${side === 'none' ? '—' : s.tagFrameTasksAll} | ${side === 'none' ? '—' : num(s.tagLongFrames, 1)} | ${side === 'none' ? '—' : ms(s.tagBlocking)} | ${side === 'none' ? '—' : ms(s.tagScriptMs)} | ${side === 'none' ? '—' : ms(s.allAdsLoad)} |`);
      }
    }
    out.push('');
    if (!r.cwv.some((row) => row.adtag.pieces)) {
      out.push('Each of adtag\'s pieces timed on its own: `npm run bench -- --only cwv --pieces`.\n');
    } else {
      out.push('**--pieces**: the tag\'s callbacks ran inside the bench\'s timing wrapper, so the columns above that attribute long tasks to the tag\'s script undercount; take those from a run without it.\n');
      out.push('adtag\'s pieces (each `scheduler.yield()` continuation, timed on its own until the microtasks it queued have run, over every load: the loader\'s steps and the tag\'s start, signals, consent, decision, measurement, requests and frames; not the handlers of the network\'s answers, the list\'s and each ad\'s, which run when they arrive):\n');
      out.push('| viewport | pieces | p50 ms | p90 ms | max ms | over 50 ms |');
      out.push('|---|---|---:|---:|---:|---:|');
      for (const row of r.cwv) {
        const p = row.adtag.pieces;
        for (const [what, d] of [['the tag\'s own work', p.work], ['making an ad frame', p.frames]]) {
          out.push(`| ${VIEWPORTS[row.viewport].label} | ${what} (${d.n}) | ${num(d.p50, 1)} | ${num(d.p90, 1)} | ${num(d.max, 1)} | ${d.over50} |`);
        }
      }
      out.push('');
    }
  }
  if (r.memory) {
    const m = r.memory;
    out.push('### Memory over refreshes (issue 11)\n');
    if (!m.available) out.push(`Not measured: ${m.reason}.\n`);
    else {
      const mb = (b) => (b / 1048576).toFixed(2);
      out.push(`${m.cycles} cycles of \`adtag.refresh()\` (3 slots) in ${m.seconds.toFixed(0)} s, ${m.stuck} cycles without 3 new ad loads within 3 s: ` +
        `wasm memory ${mb(m.before.wasm)} → ${mb(m.after.wasm)} MB, JS heap (after GC) ${mb(m.before.jsHeap)} → ${mb(m.after.jsHeap)} MB, ` +
        `DOM nodes ${m.before.nodes} → ${m.after.nodes}, JS event listeners ${m.before.listeners} → ${m.after.listeners}, iframes at the end ${m.frames}.\n`);
    }
  }
  if (r.decision && r.decision.available) out.push(`CPU time of one privacy decision (wasm \`bench_decide\`): ${r.decision.nsPerDecision.toFixed(0)} ns.\n`);
  out.push(`**How.** ${r.env.chromium} headless on ${r.env.cpuModel} (${r.env.cores} cores), Node ${r.env.node}, ${r.env.date}. ` +
    'One page for every side (bench/page.html: the demo article, three slots 728x90 / 300x250 / 300x250, a CMP stub answering TCF "GDPR does not apply" and US Privacy "1YNN"); only the tag snippet differs. ' +
    'The network is emulated in the bench\'s server, the same for every side: each answer waits one round trip plus its gzipped size at the link speed, the link shared by all answers in order; no TCP/TLS handshake is modelled (one more round trip per new connection on a real network, for every side). ' +
    'Cold: a fresh browser context. Warm: the second view of the page in the same context; every file is served with the headers a deployment would send ' +
    '(adtag: loader `max-age=300` + ETag, glue and wasm content-hashed `immutable`, the site list `max-age=3600` + ETag; Prebid.js as a versioned CDN file, `immutable`; the hand-written tag `max-age=300`; pages `no-cache` + ETag, ads `no-store`). ' +
    'Prebid.js: core + TCF + US Privacy consent modules + a minimal bidder for the same /v1/ad (bench/adtag-bidder.js), rendered with `pbjs.renderAd` as in its no-ad-server example. ' +
    'Hand-written: bench/handwritten.js, the same decision inputs and requests without wasm (no viewability, no live consent). ' +
    'Floor: three round trips (page → tag → ad) plus the page\'s and the ads\' bytes at the link speed, i.e. a tag of zero bytes that needs no list. ' +
    'CWV: CLS is the largest session window of layout-shift entries; TBT sums long tasks after FCP; the tag\'s share is from long-animation-frame script attribution (long tasks during which a script from the tag\'s files ran, summed over every load, and those of them in which the tag put an ad frame into the page, as the page\'s MutationObserver saw in that task; frames with such a script, their blocking time, and the time in those scripts). An ad is loaded when the frame holding its creative fires load (adtag: its relay frame\'s {adtag: "loaded"} message, sent when the creative\'s own frame has loaded); "ads loaded" counts a slot the tag left empty because no size fits (adtag, the 728x90 on a phone) as done.\n');
  for (const side of SIDES) {
    const inc = (r.speed || []).map((row) => row[side].incomplete).reduce((a, b) => a + b, 0);
    if (inc) out.push(`**Warning:** ${inc} ${SIDE_NAME[side]} samples did not load all 3 ads within ${LOAD_TIMEOUT_MS / 1000} s.\n`);
    const errs = [...new Set((r.speed || []).flatMap((row) => row[side].errors))];
    if (errs.length) out.push(`Console errors (${SIDE_NAME[side]}): ${errs.slice(0, 3).map((e) => '`' + e.slice(0, 160).replace(/`/g, "'") + '`').join('; ')}\n`);
  }
  out.push('Reproduce: `npm run bench` (`-- --profiles slow4g --cache cold --n 10`, `--only cwv`, `--only memory`).\n');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const { chromium } = require('@playwright/test');
  const adtagList = adtagFiles();
  const adtagSize = (() => {
    const parts = adtagList.map(([part, file]) => ({ part, file, ...sizeOf(path.join(ROOT, file)) }));
    return { parts, raw: sum(parts.map((p) => p.raw)), gzip: sum(parts.map((p) => p.gzip)) };
  })();
  const prebid = await prebidBundle();
  const hand = await handBundle();
  const prebidUrl = `/bench/prebid-${prebid.version}.${path.basename(prebid.file).split('-').pop()}`;
  const tagFiles = {
    adtag: new Set(adtagList.map(([, , url]) => url)),
    prebid: new Set([prebidUrl]),
    hand: new Set(['/bench/hand.js']),
    none: new Set(),
    adtagList,
  };
  fs.mkdirSync(RESULTS, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adtag-bench-'));
  const server = await startServer(prebid, hand, prebidUrl, path.join(tmp, 'events.jsonl'));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // The floor's bytes: the page and three ad answers, gzipped.
  const floorBytes = await (async () => {
    const html = Buffer.from(pages(prebidUrl)['/bench/none.html']);
    let b = gzSize(html);
    for (const [slot, size] of SLOTS) {
      const r = await fetch(`${base}/v1/ad?pub=12345&slot=${slot}&size=${size}&url=x&npa=0&coppa=0`);
      b += gzSize(Buffer.from(await r.arrayBuffer()));
    }
    return b;
  })();
  const result = {
    config: { n: N, cwvN: CWV_N, cwvCpu: CWV_CPU, profiles: PROFILE_NAMES, caches: CACHES, only: ONLY },
    env: {
      chromium: `Chromium ${browser.version()}`,
      cpuModel: os.cpus()[0]?.model?.trim() || 'unknown CPU',
      cores: os.cpus().length,
      node: process.version,
      date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    },
    sizes: { adtag: adtagSize, prebid: { raw: prebid.raw, gzip: prebid.gzip }, hand: { raw: hand.raw, gzip: hand.gzip } },
    prebid: { version: prebid.version },
    floorBytes,
    samples: {},
  };
  try {
    console.log(`bench: ${browser.version()}, server ${base}; adtag ${adtagSize.gzip} B gz, Prebid.js ${prebid.gzip} B gz, hand-written ${hand.gzip} B gz`);
    // A warm-up load per side (first compile of everything in the browser process).
    for (const side of SIDES) await sample(browser, base, { side, profile: 'loopback', cache: 'cold', tagFiles });
    if (ONLY.includes('speed')) {
      result.speed = [];
      for (const profile of PROFILE_NAMES) {
        for (const cache of CACHES) {
          const got = { adtag: [], prebid: [], hand: [] };
          for (let i = 0; i < N; i++) {
            const order = i % 2 ? [...SIDES].reverse() : SIDES;
            for (const side of order) got[side].push(await sample(browser, base, { side, profile, cache, tagFiles }));
          }
          const row = { profile, cache };
          for (const side of SIDES) row[side] = aggregate(got[side]);
          result.speed.push(row);
          result.samples[`${profile}-${cache}`] = got;
          console.log(`bench: ${profile} ${cache}: adtag ${ms(row.adtag.allAdsLoad)} ms, Prebid.js ${ms(row.prebid.allAdsLoad)} ms, hand-written ${ms(row.hand.allAdsLoad)} ms`);
        }
      }
    }
    if (ONLY.includes('cwv')) {
      result.cwv = [];
      // What the throttling emulates on this machine, in Lighthouse's BenchmarkIndex.
      const cpu = CWV_CPU_PRESET ? await calibrate(browser, CPU_PRESETS[CWV_CPU_PRESET]) : CWV_CPU;
      if (cpu == null) fatal(`this machine is slower than the "${CWV_CPU_PRESET}" device unthrottled; no rate emulates it`);
      const [host, throttled] = await cpuScores(browser, [1, cpu]);
      Object.assign(result.config, { cwvCpu: cpu, cwvCpuPreset: CWV_CPU_PRESET, cpuScore: { host, throttled }, cwvOwnCore: OWN_CORE });
      console.log(`bench: CWV at ${cpu}× CPU throttling${CWV_CPU_PRESET ? ` (calibrated: "${CWV_CPU_PRESET}-tier mobile")` : ''}, ${OWN_CORE ? 'the page\'s main thread on a core of its own' : 'every process on every core'}: ` +
        `BenchmarkIndex ${Math.round(host)} unthrottled, ${Math.round(throttled)} throttled (DevTools' mid-tier mobile 1000, low-tier 264)`);
      for (const viewport of Object.keys(VIEWPORTS)) {
        const got = { none: [], adtag: [], prebid: [], hand: [] };
        for (let i = 0; i < CWV_N; i++) {
          for (const side of ['none', ...SIDES]) got[side].push(await sample(browser, base, { side, profile: 'loopback', cache: 'cold', viewport, cpu, tagFiles }));
        }
        const row = { viewport };
        for (const side of Object.keys(got)) row[side] = aggregate(got[side]);
        result.cwv.push(row);
        result.samples[`cwv-${viewport}`] = got;
        const pw = row.adtag.pieces && row.adtag.pieces.work;
        const pf = row.adtag.pieces && row.adtag.pieces.frames;
        if (pw) console.log(`bench: CWV ${viewport}: adtag's pieces p50 / p90 / max: its own work ${num(pw.p50, 1)} / ${num(pw.p90, 1)} / ${num(pw.max, 1)} ms (${pw.n}), making a frame ${num(pf.p50, 1)} / ${num(pf.p90, 1)} / ${num(pf.max, 1)} ms (${pf.n})`);
        console.log(`bench: CWV ${viewport}: CLS none ${num(row.none.cls, 3)} adtag ${num(row.adtag.cls, 3)} Prebid ${num(row.prebid.cls, 3)} hand ${num(row.hand.cls, 3)}; ` +
          `long tasks adtag ${row.adtag.longTasks} (with the tag's script: ${row.adtag.tagLongTasksAll} in ${row.adtag.n} loads, ${row.adtag.tagFrameTasksAll} of them making an ad frame)`);
      }
    }
    if (ONLY.includes('memory')) {
      result.memory = await memory(browser, base, tagFiles);
      console.log(`bench: memory: ${result.memory.available ? 'measured' : 'skipped (' + result.memory.reason + ')'}`);
    }
    if (ONLY.includes('decision')) result.decision = await decisionCpu(browser, base, tagFiles);
    const md = render(result);
    fs.writeFileSync(path.join(RESULTS, 'results.md'), md);
    fs.writeFileSync(path.join(RESULTS, 'results.json'), JSON.stringify(result, null, 1) + '\n');
    console.log('\n' + md);
    console.log(`bench: wrote bench/results/results.md and results.json in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    for (const row of result.speed || []) {
      for (const side of SIDES) {
        if (row[side].incomplete === row[side].n) {
          console.error(`bench: no ${side} load rendered all 3 ads on ${row.profile}/${row.cache}: the comparison is meaningless`);
          process.exitCode = 1;
        }
      }
    }
  } finally {
    await browser.close();
    server.closeAllConnections?.();
    await new Promise((r) => server.close(r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv.includes('--render')) {
  const md = render(JSON.parse(fs.readFileSync(path.join(RESULTS, 'results.json'), 'utf8')));
  fs.writeFileSync(path.join(RESULTS, 'results.md'), md);
  console.log(md);
} else {
  main().catch((e) => {
    console.error('bench: ' + ((e && e.stack) || e));
    process.exit(1);
  });
}
