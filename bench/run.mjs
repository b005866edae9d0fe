// `npm run bench`: adtag vs Prebid.js on the same publisher page, in Debian's Chromium.
//
//   node bench/run.mjs [--n 30] [--cpu 1] [--warmup 1]     (--render: results.md from results.json)
//   BENCH_N=30 BENCH_CPU=1 node bench/run.mjs
//
// One in-process demo server (www/server.js) serves the page, both tags and the /v1/ad
// endpoint. The page (bench/page.html) is the same for both sides; only its tag snippet
// differs. Prebid.js is bundled once with esbuild (bench/prebid-entry.js: core + TCF + USP
// consent modules + bench/adtag-bidder.js), cached in bench/results/.cache/. Page loads
// alternate A/B (order flipped every round), each in a fresh browser context with the HTTP
// cache disabled. Results: stdout, bench/results/results.md and bench/results/results.json.
//
// Needs `npm run build` first (www/adtag.js, www/pkg/); `npm run bench` does that.

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

// ---------------------------------------------------------------------------------------
// Options

function option(name, envName, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  const raw = eq ? eq.slice(name.length + 3) : i >= 0 ? process.argv[i + 1] : process.env[envName];
  if (raw == null || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`bench: --${name} / ${envName} must be a number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return v;
}
const N = Math.max(1, Math.round(option('n', 'BENCH_N', 30)));
const CPU = Math.max(1, option('cpu', 'BENCH_CPU', 1));
const WARMUP = Math.round(option('warmup', 'BENCH_WARMUP', 1));
const LOAD_TIMEOUT_MS = 15_000;
const SETTLE_MS = 400; // after the last ad frame loads: late long tasks and beacons

// ---------------------------------------------------------------------------------------
// Tag files

const ADTAG_FILES = [
  ['loader', 'www/adtag.js', '/adtag.js'],
  ['glue', 'www/pkg/adtag.js', '/pkg/adtag.js'],
  ['wasm', 'www/pkg/adtag_bg.wasm', '/pkg/adtag_bg.wasm'],
];

function sizeOf(file) {
  const bytes = fs.readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function adtagSizes() {
  for (const [, file] of ADTAG_FILES) {
    if (!fs.existsSync(path.join(ROOT, file))) {
      console.error(`bench: ${file} is missing: build the tag first (npm run build; npm run bench does it)`);
      process.exit(1);
    }
  }
  const parts = ADTAG_FILES.map(([part, file]) => ({ part, file, ...sizeOf(path.join(ROOT, file)) }));
  return { parts, raw: sum(parts.map((p) => p.raw)), gzip: sum(parts.map((p) => p.gzip)) };
}

// Bundles bench/prebid-entry.js once; the cache key covers everything that goes into it.
async function prebidBundle() {
  const esbuild = require('esbuild');
  const pbVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'prebid.js', 'package.json'), 'utf8')).version;
  const key = createHash('sha256')
    .update(pbVersion)
    .update(esbuild.version)
    .update(fs.readFileSync(path.join(BENCH, 'prebid-entry.js')))
    .update(fs.readFileSync(path.join(BENCH, 'adtag-bidder.js')))
    .digest('hex')
    .slice(0, 16);
  const out = path.join(CACHE, `prebid-${pbVersion}-${key}.js`);
  if (!fs.existsSync(out)) {
    fs.mkdirSync(CACHE, { recursive: true });
    const t = Date.now();
    const result = await esbuild.build({
      entryPoints: [path.join(BENCH, 'prebid-entry.js')],
      absWorkingDir: ROOT,
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      legalComments: 'none',
      write: false,
      logLevel: 'warning',
    });
    fs.writeFileSync(out + '.tmp', result.outputFiles[0].contents);
    fs.renameSync(out + '.tmp', out);
    console.log(`bench: bundled Prebid.js ${pbVersion} with esbuild ${esbuild.version} in ${Date.now() - t} ms → ${path.relative(ROOT, out)}`);
  }
  return { file: out, version: pbVersion, esbuild: esbuild.version, ...sizeOf(out) };
}

// ---------------------------------------------------------------------------------------
// Pages and server

function pages() {
  const template = fs.readFileSync(path.join(BENCH, 'page.html'), 'utf8');
  const inline = (file) => `<script>\n${fs.readFileSync(path.join(BENCH, file), 'utf8')}</script>`;
  const page = (snippet) =>
    template.replace('<!--CMP_STUB-->', inline('cmp-stub.js')).replace('<!--TAG_SNIPPET-->', snippet);
  return {
    '/bench/adtag.html': page('<script async src="/adtag.js" data-publisher="12345"></script>'),
    '/bench/none.html': page('<!-- no tag: the baseline -->'),
    '/bench/prebid.html': page(`${inline('prebid-setup.js')}\n  <script async src="/bench/prebid.js"></script>`),
  };
}

// www/server.js's own server, plus the benchmark's pages and the Prebid bundle, sent with the
// same headers www/server.js sends for static files (no compression, `Cache-Control: no-cache`).
async function startServer(prebidFile, eventsFile) {
  const { start } = require(path.join(ROOT, 'www', 'server.js'));
  const server = start({ port: 0, host: '127.0.0.1', eventsFile, quiet: true });
  const [demo] = server.listeners('request');
  server.removeAllListeners('request');
  const extra = pages();
  server.on('request', (req, res) => {
    const pathname = (req.url || '').split('?')[0];
    let body = null;
    let type = null;
    if (extra[pathname]) [body, type] = [Buffer.from(extra[pathname]), 'text/html; charset=utf-8'];
    else if (pathname === '/bench/prebid.js') [body, type] = [fs.readFileSync(prebidFile), 'text/javascript; charset=utf-8'];
    if (!body || (req.method !== 'GET' && req.method !== 'HEAD')) return demo(req, res);
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': body.length,
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
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

function initScript() {
  if (window !== window.top) return;
  const now = () => performance.now();
  const B = { frames: [], longtasks: [], wasm: [], errors: [] };
  Object.defineProperty(window, '__bench', { value: B });

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {
    B.errors.push('longtask observer: ' + e.message);
  }

  // wasm compile/instantiate: call → settled. instantiateStreaming compiles while the bytes
  // stream in, so its time includes the part of the download that the compile overlapped.
  const W = WebAssembly;
  for (const name of ['instantiateStreaming', 'compileStreaming', 'instantiate', 'compile']) {
    const orig = W[name];
    if (typeof orig !== 'function') continue;
    W[name] = function (...args) {
      const rec = { name, start: now(), end: null, ok: null };
      B.wasm.push(rec);
      const p = orig.apply(W, args);
      p.then(
        () => Object.assign(rec, { end: now(), ok: true }),
        () => Object.assign(rec, { end: now(), ok: false }),
      );
      return p;
    };
  }

  // Ad frames: every <iframe> inside a slot element, and inside a friendly (same-origin)
  // iframe there. A frame holds the creative when it has srcdoc or a real src; its load is
  // "the ad frame loaded". The outermost frame's insertion is "the ad frame in the DOM".
  const EXPECT = 3;
  let done;
  B.done = new Promise((resolve) => (done = resolve));
  const seen = new WeakSet();
  const isCreative = (f) => f.hasAttribute('srcdoc') || (!!f.getAttribute('src') && f.getAttribute('src') !== 'about:blank');
  const slotOf = (el) => {
    const s = el.closest && el.closest('[data-adtag-slot]');
    return s ? s.getAttribute('data-adtag-slot') : null;
  };
  function check() {
    const loaded = new Set(B.frames.filter((f) => f.load != null).map((f) => f.slot));
    if (loaded.size >= EXPECT) done(true);
  }
  function track(frame, slot, depth) {
    if (seen.has(frame)) return;
    seen.add(frame);
    const rec = { slot, depth, dom: now(), load: null, sandbox: frame.getAttribute('sandbox') };
    B.frames.push(rec);
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
    new MutationObserver(() => scan(doc, slot, depth)).observe(doc, { childList: true, subtree: true });
    scan(doc, slot, depth);
  }
  watch(document, null, 0);

  B.collect = () => ({
    frames: B.frames,
    longtasks: B.longtasks,
    wasm: B.wasm,
    errors: B.errors,
    resources: performance.getEntriesByType('resource').map((e) => ({
      name: e.name,
      startTime: e.startTime,
      responseEnd: e.responseEnd,
      initiatorType: e.initiatorType,
    })),
  });
}

// ---------------------------------------------------------------------------------------
// One page load

const TAG_CODE = {
  adtag: new Set(ADTAG_FILES.map(([, , url]) => url)),
  prebid: new Set(['/bench/prebid.js']),
  none: new Set(),
};
const TAG_SCRIPT = { adtag: '/adtag.js', prebid: '/bench/prebid.js', none: null };
const BASELINE_WAIT_MS = 1000; // the page without a tag: how long after its load event to watch
const PAGE_ASSETS = new Set(['/bench/adtag.html', '/bench/prebid.html', '/bench/none.html', '/demo.css', '/favicon.ico']);

async function loadOnce(browser, base, side) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await context.addInitScript({ content: `(${initScript.toString()})();` });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const requests = new Map(); // requestId → {url, type, bytes, status}
    cdp.on('Network.requestWillBeSent', (e) => {
      if (!requests.has(e.requestId)) requests.set(e.requestId, { url: e.request.url, type: e.type, bytes: 0, status: null, done: false });
    });
    cdp.on('Network.responseReceived', (e) => {
      const r = requests.get(e.requestId);
      if (r) r.status = e.response.status;
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = requests.get(e.requestId);
      if (r) Object.assign(r, { bytes: e.encodedDataLength, done: true });
    });
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Performance.enable');
    if (CPU > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU });
    const consoleErrors = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));

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
    const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    return summarize(side, { complete, data, metrics, requests: [...requests.values()], consoleErrors });
  } finally {
    await context.close();
  }
}

// A load that throws (navigation timeout, crash) is a sample that did not complete; the run
// goes on, and the output says how many there were.
async function loadSafely(browser, base, side) {
  try {
    return await loadOnce(browser, base, side);
  } catch (e) {
    const msg = String((e && e.message) || e).split('\n')[0];
    console.error(`bench: a ${side} load failed: ${msg}`);
    return { side, complete: false, adRequests: [], otherPaths: [], errors: [`load failed: ${msg}`] };
  }
}

function summarize(side, { complete, data, metrics, requests, consoleErrors }) {
  const pathOf = (u) => {
    try {
      return new URL(u).pathname;
    } catch {
      return u;
    }
  };
  const script = data.resources.find((r) => pathOf(r.name) === TAG_SCRIPT[side]);
  const t0 = script ? script.startTime : null;
  const rel = (t) => (t == null || t0 == null ? null : t - t0);

  // Per slot: outermost frame's insertion, creative frame's load.
  const slots = {};
  for (const [name] of SLOTS) {
    const frames = data.frames.filter((f) => f.slot === name);
    const dom = frames.length ? Math.min(...frames.map((f) => f.dom)) : null;
    const loads = frames.filter((f) => f.load != null).map((f) => f.load);
    slots[name] = { dom: rel(dom), load: rel(loads.length ? Math.min(...loads) : null), sandbox: frames.map((f) => f.sandbox) };
  }
  const vals = (k) => Object.values(slots).map((s) => s[k]);
  const allOrNull = (xs, f) => (xs.every((x) => x != null) ? f(...xs) : null);
  const minOrNull = (xs) => (xs.some((x) => x != null) ? Math.min(...xs.filter((x) => x != null)) : null);

  // Long tasks of the whole page, from navigation on: the pages are identical apart from
  // the tag snippet, and the baseline page (no tag) shows what the page costs by itself.
  // apart from the tag snippet, so the rest is the same for both sides).
  const tasks = data.longtasks;

  const wasm = data.wasm.filter((w) => w.end != null && w.ok);
  const wasmMs = wasm.length ? sum(wasm.map((w) => w.end - w.start)) : null;

  const code = requests.filter((r) => TAG_CODE[side].has(pathOf(r.url)));
  const codeRes = data.resources.filter((r) => TAG_CODE[side].has(pathOf(r.name)));
  const adRes = data.resources.filter((r) => pathOf(r.name) === '/v1/ad');
  const other = requests.filter((r) => !TAG_CODE[side].has(pathOf(r.url)) && !PAGE_ASSETS.has(pathOf(r.url)) && !r.url.startsWith('data:'));
  const adRequests = other.filter((r) => pathOf(r.url) === '/v1/ad').map((r) => {
    const q = new URL(r.url).searchParams;
    return { slot: q.get('slot'), size: q.get('size'), npa: q.get('npa'), coppa: q.get('coppa'), uid: q.has('uid') };
  });

  return {
    side,
    complete,
    tagScriptStart: t0,
    firstAdDom: minOrNull(vals('dom')),
    allAdsDom: allOrNull(vals('dom'), Math.max),
    firstAdLoad: minOrNull(vals('load')),
    allAdsLoad: allOrNull(vals('load'), Math.max),
    codeLoaded: codeRes.length ? rel(Math.max(...codeRes.map((r) => r.responseEnd))) : null,
    firstAdRequest: adRes.length ? rel(Math.min(...adRes.map((r) => r.startTime))) : null,
    longTasks: tasks.length,
    tbt: sum(tasks.map((t) => Math.max(0, t.duration - 50))),
    scriptMs: metrics.ScriptDuration != null ? metrics.ScriptDuration * 1000 : null,
    taskMs: metrics.TaskDuration != null ? metrics.TaskDuration * 1000 : null,
    wasmMs,
    wasmCalls: data.wasm.map((w) => w.name),
    codeBytesNetwork: sum(code.map((r) => r.bytes)),
    codeRequests: code.length,
    otherRequests: other.length,
    otherBytesNetwork: sum(other.map((r) => r.bytes)),
    otherPaths: other.map((r) => pathOf(r.url)),
    adRequests,
    slots,
    errors: [...data.errors, ...consoleErrors],
  };
}

// ---------------------------------------------------------------------------------------
// CPU time of one decision: needs the wasm export `bench_decide(n)` (runs the core decision
// n times and returns a checksum); timed here in JS. Skipped when the export is missing.

async function decisionCpu(browser, base) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${base}/bench/adtag.html`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.adtag && window.adtag.version, null, { timeout: LOAD_TIMEOUT_MS });
    return await page.evaluate(async () => {
      // The same module instance the loader initialised (same URL, same realm).
      const m = await import(new URL('/pkg/adtag.js', location.href).href);
      if (typeof m.bench_decide !== 'function') return { available: false };
      const time = (n) => {
        const t = performance.now();
        m.bench_decide(n);
        return performance.now() - t;
      };
      time(1000); // warm up
      let n = 1000;
      while (time(n) < 50 && n < 1e8) n *= 4;
      const runs = [];
      for (let i = 0; i < 7; i++) runs.push(time(n));
      runs.sort((a, b) => a - b);
      const ms = runs[3];
      return { available: true, n, msPerRun: ms, nsPerDecision: (ms * 1e6) / n };
    });
  } catch (e) {
    return { available: false, error: String(e && e.message || e) };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------
// Statistics and output

function sum(xs) {
  return xs.reduce((a, b) => a + b, 0);
}
function quantile(xs, q) {
  const v = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const i = (v.length - 1) * q;
  const lo = Math.floor(i);
  return v[lo] + (v[Math.min(lo + 1, v.length - 1)] - v[lo]) * (i - lo);
}
const median = (xs) => quantile(xs, 0.5);
function stats(xs) {
  return { median: median(xs), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75), min: quantile(xs, 0), max: quantile(xs, 1), n: xs.filter((x) => x != null).length };
}

const int = (v) => (v == null ? '—' : Math.round(v).toLocaleString('en-US'));
const count = (v) => (v == null ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(1));
const ms1 = (v) => (v == null ? '—' : v < 10 ? v.toFixed(2) : v.toFixed(1));
const ratio = (p, a) => {
  if (p == null || a == null) return '—';
  if (a === 0) return p === 0 ? '1×' : '∞';
  const q = p / a;
  return `${q.toFixed(q >= 10 ? 0 : q >= 2 ? 1 : 2)}×`;
};

function render(r) {
  const A = r.adtag;
  const P = r.prebid;
  const Z = r.none;
  const minus = (a, b) => (a == null || b == null ? null : Math.max(0, a - b));
  const rows = [
    ['Tag code, raw bytes (adtag: loader + glue + wasm)', int(A.size.raw), int(P.size.raw), ratio(P.size.raw, A.size.raw)],
    ['Tag code, gzip -9 bytes', int(A.size.gzip), int(P.size.gzip), ratio(P.size.gzip, A.size.gzip)],
    ['Tag code transferred (network¹)', int(A.codeBytesNetwork.median), int(P.codeBytesNetwork.median), ratio(P.codeBytesNetwork.median, A.codeBytesNetwork.median)],
    ['Tag code requests', int(A.codeRequests.median), int(P.codeRequests.median), ''],
    ['Other requests by the tag (count / bytes)', `${int(A.otherRequests.median)} / ${int(A.otherBytesNetwork.median)}`, `${int(P.otherRequests.median)} / ${int(P.otherBytesNetwork.median)}`, ''],
    ['Tag start² → all tag code downloaded, ms', ms1(A.codeLoaded.median), ms1(P.codeLoaded.median), ratio(P.codeLoaded.median, A.codeLoaded.median)],
    ['Tag start → first /v1/ad request sent, ms', ms1(A.firstAdRequest.median), ms1(P.firstAdRequest.median), ratio(P.firstAdRequest.median, A.firstAdRequest.median)],
    ['Tag start → first ad frame in DOM, ms', ms1(A.firstAdDom.median), ms1(P.firstAdDom.median), ratio(P.firstAdDom.median, A.firstAdDom.median)],
    ['Tag start → all 3 ad frames in DOM, ms', ms1(A.allAdsDom.median), ms1(P.allAdsDom.median), ratio(P.allAdsDom.median, A.allAdsDom.median)],
    ['Tag start → first ad frame loaded, ms', ms1(A.firstAdLoad.median), ms1(P.firstAdLoad.median), ratio(P.firstAdLoad.median, A.firstAdLoad.median)],
    ['Tag start → all 3 ad frames loaded, ms', ms1(A.allAdsLoad.median), ms1(P.allAdsLoad.median), ratio(P.allAdsLoad.median, A.allAdsLoad.median)],
    ['Long tasks > 50 ms, whole page³ (count)', count(A.longTasks.median), count(P.longTasks.median), ratio(P.longTasks.median, A.longTasks.median), count(Z.longTasks.median)],
    ['Total blocking time, whole page³, ms', ms1(A.tbt.median), ms1(P.tbt.median), ratio(P.tbt.median, A.tbt.median), ms1(Z.tbt.median)],
    ['Main-thread script time, whole page³, ms', ms1(A.scriptMs.median), ms1(P.scriptMs.median), ratio(P.scriptMs.median, A.scriptMs.median), ms1(Z.scriptMs.median)],
    ['Main-thread task time, whole page³, ms', ms1(A.taskMs.median), ms1(P.taskMs.median), ratio(P.taskMs.median, A.taskMs.median), ms1(Z.taskMs.median)],
    ...(() => {
      const a = minus(A.taskMs.median, Z.taskMs.median);
      const p = minus(P.taskMs.median, Z.taskMs.median);
      return [['Main-thread task time added by the tag (vs no tag), ms', ms1(a), ms1(p), ratio(p, a)]];
    })(),
    ['wasm compile + instantiate⁴, ms', ms1(A.wasmMs.median), 'n/a (no wasm)', ''],
    [
      'CPU time of one decision⁵',
      r.decision.available ? `${r.decision.nsPerDecision < 1000 ? r.decision.nsPerDecision.toFixed(0) + ' ns' : (r.decision.nsPerDecision / 1000).toFixed(2) + ' µs'}` : 'not measured (no `bench_decide` export yet)',
      'n/a',
      '',
    ],
  ];
  const table = [
    '| metric (median of ' + r.config.n + ' loads per side) | adtag | Prebid.js | Prebid / adtag | page without a tag |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${[...row, ...Array(5 - row.length).fill('')].join(' | ')} |`),
  ].join('\n');

  const adtagParts = A.size.parts.map((p) => `${p.part} ${int(p.raw)} B (${int(p.gzip)} gz)`).join(', ');
  const flags = (side) => {
    const reqs = r.samples[side].flatMap((s) => s.adRequests);
    const uniq = [...new Set(reqs.map((q) => `npa=${q.npa} coppa=${q.coppa}${q.uid ? ' uid' : ''}`))];
    return uniq.join('; ') || 'none seen';
  };
  const otherPaths = (side) => {
    const counts = {};
    for (const s of r.samples[side]) for (const p of s.otherPaths) counts[p] = (counts[p] || 0) + 1;
    return Object.entries(counts).map(([p, c]) => `${p} ×${+(c / r.samples[side].length).toFixed(1)}`).join(', ') || 'none';
  };
  const incomplete = (side) => r.samples[side].filter((s) => !s.complete).length;

  const notes = [
    `**Setup.** ${r.env.chromium} (headless, ${r.env.cpuModel}, ${r.env.cores} cores), Node ${r.env.node}, ${r.env.date}. ` +
      `${r.config.n} loads per side after ${r.config.warmup} warm-up load(s) per side, alternating A/B (order flipped every round), ` +
      `each in a fresh browser context with the HTTP cache disabled. Network: loopback to the in-process demo server (www/server.js), ` +
      `HTTP/1.1, no compression, no throttling; CPU throttling: ${r.config.cpu > 1 ? r.config.cpu + '×' : 'none'}. ` +
      `Page, tag code and /v1/ad are all served from the same origin.`,
    `**The page** (bench/page.html, both sides): the demo article, three slots (top 728x90, inline 300x250, side 300x250), ` +
      `and a minimal consent platform inlined in the page (bench/cmp-stub.js): IAB TCF v2.2 answering at once "GDPR does not apply" ` +
      `(tcloaded) and US Privacy "1YNN". Without a CMP Prebid's TCF module cancels the auction outright, so both sides get one.`,
    `**adtag** (${r.adtag.version ? 'v' + r.adtag.version + ', ' : ''}${adtagParts}): the publisher snippet ` +
      '`<script async src="/adtag.js" data-publisher="12345">`; does everything it does in production: the privacy decision ' +
      `(consent platforms, child-directed list), one /v1/ad request per slot, sandboxed \`<iframe srcdoc>\` per ad, beacons when collection is allowed. ` +
      `Ad requests seen: ${flags('adtag')}. Other requests per load: ${otherPaths('adtag')}.`,
    `**Prebid.js** ${r.prebid.version} (bundled by esbuild ${r.prebid.esbuild}, minified IIFE, Prebid's default build options: ` +
      `core + consentManagementTcf + consentManagementUsp + bench/adtag-bidder.js, a minimal bidder adapter for the same /v1/ad): ` +
      `the page queues \`setConfig({consentManagement: {gdpr: {cmpApi: 'iab', timeout: 200}, usp: {cmpApi: 'iab', timeout: 100}}})\`, ` +
      `three banner ad units, one \`requestBids({timeout: 2000})\`, and renders each winning bid with \`pbjs.renderAd\` into a friendly iframe in its slot ` +
      `(Prebid's display renderer puts the creative in an \`<iframe srcdoc>\` inside it), as in Prebid's no-ad-server example (bench/prebid-setup.js). ` +
      `No ad server, no analytics, no user sync, no user-id modules. Ad requests seen: ${flags('prebid')}. Other requests per load: ${otherPaths('prebid')}.`,
    `¹ Sum of CDP \`Network.loadingFinished\` encodedDataLength for the tag's code files (the demo server does not compress, so this is about the raw size plus headers). ` +
      `² Tag start = \`startTime\` of the tag script's PerformanceResourceTiming entry (adtag.js / prebid.js). An ad frame is "in the DOM" when the outermost iframe is inserted into its slot ` +
      `(MutationObserver), and "loaded" at the \`load\` event of the iframe that holds the creative. ` +
      `³ From navigation until ${SETTLE_MS} ms after the last ad frame loaded (page without a tag: ${BASELINE_WAIT_MS} ms after its load event; ${r.config.baselineLoads} loads, interleaved): ` +
      `CDP Performance.getMetrics ScriptDuration / TaskDuration, and PerformanceObserver 'longtask' (buffered), TBT = Σ(duration − 50 ms). The pages differ only in the tag snippet. ` +
      `⁴ WebAssembly.instantiateStreaming (or instantiate) call → settled, wrapped by an init script; streaming compiles while the wasm downloads, so this includes the overlapped download. ` +
      `⁵ The core's decision in a loop in the browser (wasm export \`bench_decide(n)\`, timed in JS).`,
  ];
  const iqr = (s) => (s.p25 == null ? '—' : `${ms1(s.p25)}–${ms1(s.p75)}`);
  notes.push(
    `Spread (p25–p75), tag start → all 3 ad frames loaded: adtag ${iqr(A.allAdsLoad)} ms, Prebid.js ${iqr(P.allAdsLoad)} ms; ` +
      `total blocking time: adtag ${iqr(A.tbt)} ms, Prebid.js ${iqr(P.tbt)} ms. Every sample is in results.json.`,
  );
  const warn = [];
  for (const side of ['adtag', 'prebid']) {
    if (incomplete(side)) warn.push(`**Warning:** ${incomplete(side)} of ${r.config.n} ${side} loads did not load all 3 ad frames within ${LOAD_TIMEOUT_MS / 1000} s.`);
    const errs = [...new Set(r.samples[side].flatMap((s) => s.errors))];
    if (errs.length) warn.push(`Console errors on the ${side} page: ${errs.slice(0, 5).map((e) => '`' + e.slice(0, 200).replace(/`/g, "'") + '`').join('; ')}`);
  }
  return `## adtag vs Prebid.js\n\n${table}\n\n${[...notes, ...warn].join('\n\n')}\n\nReproduce: \`npm run bench\` (\`BENCH_N=30\`, \`BENCH_CPU=4\` for 4× CPU throttling).\n`;
}

// ---------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  const { chromium } = require('@playwright/test');
  const adtag = adtagSizes();
  const prebid = await prebidBundle();
  fs.mkdirSync(RESULTS, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'adtag-bench-'));
  const server = await startServer(prebid.file, path.join(tmp, 'events.jsonl'));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const samples = { adtag: [], prebid: [], none: [] };
  // The page without a tag, for the main-thread figures: a third as many loads (at least 5).
  const baselineLoads = Math.max(Math.min(N, 5), Math.ceil(N / 3));
  const baselineIn = (i) => Math.floor(((i + 1) * baselineLoads) / N) > Math.floor((i * baselineLoads) / N);
  try {
    console.log(`bench: ${N} loads per side (+${WARMUP} warm-up), ${baselineLoads} of the page without a tag, ${browser.version()}, server ${base}`);
    for (let i = 0; i < WARMUP; i++) for (const side of ['adtag', 'prebid']) await loadSafely(browser, base, side);
    for (let i = 0; i < N; i++) {
      const order = i % 2 ? ['prebid', 'adtag'] : ['adtag', 'prebid'];
      for (const side of order) samples[side].push(await loadSafely(browser, base, side));
      if (baselineIn(i)) samples.none.push(await loadSafely(browser, base, 'none'));
      if ((i + 1) % 10 === 0 || i + 1 === N) process.stdout.write(`bench: ${i + 1}/${N} rounds\n`);
    }
    const decision = await decisionCpu(browser, base);
    const version = await (async () => {
      const ctx = await browser.newContext();
      try {
        const p = await ctx.newPage();
        await p.goto(`${base}/bench/adtag.html`);
        return await p.waitForFunction(() => window.adtag && window.adtag.version, null, { timeout: 5000 }).then((h) => h.jsonValue());
      } catch {
        return null;
      } finally {
        await ctx.close();
      }
    })();

    const agg = (side) => {
      const keys = ['codeLoaded', 'firstAdRequest', 'firstAdDom', 'allAdsDom', 'firstAdLoad', 'allAdsLoad', 'longTasks', 'tbt', 'scriptMs', 'taskMs', 'wasmMs', 'codeBytesNetwork', 'codeRequests', 'otherRequests', 'otherBytesNetwork', 'tagScriptStart'];
      return Object.fromEntries(keys.map((k) => [k, stats(samples[side].map((s) => s[k]))]));
    };
    const result = {
      config: { n: N, baselineLoads: samples.none.length, warmup: WARMUP, cpu: CPU, settleMs: SETTLE_MS, slots: SLOTS.map(([s, z]) => `${s} ${z}`) },
      env: {
        chromium: `Chromium ${browser.version()}`,
        cpuModel: os.cpus()[0]?.model?.trim() || 'unknown CPU',
        cores: os.cpus().length,
        node: process.version,
        date: new Date().toISOString().slice(0, 10),
      },
      adtag: { version, size: adtag, ...agg('adtag') },
      prebid: {
        version: prebid.version,
        esbuild: prebid.esbuild,
        modules: ['consentManagementTcf', 'consentManagementUsp', 'adtagBidAdapter (bench/adtag-bidder.js)'],
        bundle: path.relative(ROOT, prebid.file),
        size: { raw: prebid.raw, gzip: prebid.gzip },
        ...agg('prebid'),
      },
      none: { loads: samples.none.length, ...agg('none') },
      decision,
      samples,
    };
    const md = render(result);
    fs.writeFileSync(path.join(RESULTS, 'results.md'), md);
    fs.writeFileSync(path.join(RESULTS, 'results.json'), JSON.stringify(result, null, 2) + '\n');
    console.log('\n' + md);
    console.log(`bench: wrote ${path.relative(ROOT, path.join(RESULTS, 'results.md'))} and results.json in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    for (const side of ['adtag', 'prebid']) {
      if (!samples[side].some((s) => s.complete)) {
        console.error(`bench: no ${side} load rendered all 3 ads: the comparison is meaningless (see the errors above and in results.json)`);
        process.exitCode = 1;
      }
    }
  } finally {
    await browser.close();
    server.closeAllConnections?.();
    await new Promise((r) => server.close(r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// `--render`: rewrite results.md from results.json (after changing the table's format).
if (process.argv.includes('--render')) {
  const md = render(JSON.parse(fs.readFileSync(path.join(RESULTS, 'results.json'), 'utf8')));
  fs.writeFileSync(path.join(RESULTS, 'results.md'), md);
  console.log(md);
} else main().catch((e) => {
  console.error('bench: ' + (e && e.stack || e));
  process.exit(1);
});
