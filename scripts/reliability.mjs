// Delivery reliability run (issue 14): not a timed test, a figure for the README.
//
//   node scripts/reliability.mjs [--seed 14] [--views 50] [--fail 0.3]
//   (needs the built tag: `npm run build`; port RELIABILITY_PORT, default 8107)
//
// One visitor views `views` pages of a site, each with 2–3 slots, spending a random time on
// each (ads become viewable or not), clicking an ad on some, then hiding the page and leaving
// for the next. The demo collector (www/server.js, in this process) fails `fail` of the posts
// at random: half answer 503 without storing, half store the events and still answer 503 (an
// answer lost on the way: the tag sends them again and the collector must count them once).
// Everything random comes from one seeded generator; the browser's own timing still varies.
//
// Recorded: what the page itself saw (adtag's page events: a page view, each rendered ad, each
// viewable and click, the session end). Delivered: what the collector stored for each page.
// Reported: delivered by the time the visitor leaves the next page view, delivered at the end
// (after one more page view), and events counted twice (the same id twice, or more events of a
// kind for a page than the page recorded).
import { createRequire } from 'module';
import fs from 'fs';
import os from 'os';
import path from 'path';

const require = createRequire(import.meta.url);
const { chromium } = require('@playwright/test');
const { start } = require('../www/server.js');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SEED = arg('seed', 14);
const VIEWS = arg('views', 50);
const FAIL = arg('fail', 0.3);
const PORT = Number(process.env.RELIABILITY_PORT) || 8107;
const SITE = `http://notkids.example:${PORT}`;
const PUB = '12345';

// mulberry32: a small seeded generator, the same sequence for the same seed.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const visitor = rng(SEED);
const network = rng(SEED ^ 0x9e3779b9);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adtag-reliability-'));
const eventsFile = path.join(dir, 'events.jsonl');
let posts = 0;
let failedPosts = 0;
const server = start({
  port: PORT,
  host: '127.0.0.1',
  eventsFile,
  quiet: true,
  fault: () => {
    posts++;
    if (network() >= FAIL) return null;
    failedPosts++;
    return { status: 503, store: network() < 0.5 };
  },
});
await new Promise((resolve, reject) => {
  server.once('listening', resolve);
  server.once('error', reject);
});

const collected = () =>
  fs.existsSync(eventsFile)
    ? fs.readFileSync(eventsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : [];

const SIZES = ['300x250', '728x90', '300x600', '320x50'];
function pageHtml(n, slots) {
  const divs = slots.map((s, i) => `<div data-adtag-slot="s${i}" data-adtag-size="${s}"></div><p style="height:${200 + i * 150}px">text</p>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script>
  window.__rec = { impressions: 0, viewable: 0, clicks: 0 };
  window.adtag = window.adtag || { cmd: [] };
  adtag.cmd.push(function () {
    adtag.on('slotRenderEnded', function (e) { if (!e.isEmpty) window.__rec.impressions++; window.__rendered = (window.__rendered || 0) + 1; });
    adtag.on('impressionViewable', function () { window.__rec.viewable++; });
    adtag.on('adClick', function () { window.__rec.clicks++; });
  });
</script>
<script async src="/adtag.js" data-publisher="${PUB}"></script></head>
<body><h1>Page ${n}</h1>${divs}</body></html>`;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    `--host-resolver-rules=MAP notkids.example 127.0.0.1, MAP landing.example 127.0.0.1`,
    `--ip-address-space-overrides=127.0.0.1:${PORT}=public`,
  ],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
const page = await context.newPage();
context.on('page', (p) => {
  // A click-through tab: closed again.
  p.waitForLoadState('domcontentloaded').catch(() => {}).then(() => p.close().catch(() => {}));
});
const wire = new Map(); // id → times seen on the wire
context.on('request', (req) => {
  if (new URL(req.url()).pathname !== '/v1/events') return;
  try {
    for (const e of JSON.parse(req.postData() || '[]')) wire.set(e.id, (wire.get(e.id) || 0) + 1);
  } catch {
    /* not ours */
  }
});
const pages = []; // per page view: {url, recorded: {type: n}}

async function view(n, leavePrevious) {
  const url = `${SITE}/r/page-${n}.html`;
  const slots = Array.from({ length: 2 + Math.floor(visitor() * 2) }, () => SIZES[Math.floor(visitor() * SIZES.length)]);
  const html = pageHtml(n, slots);
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(url);
  if (leavePrevious) leavePrevious();
  await page.waitForFunction((k) => (window.__rendered || 0) >= k, slots.length, { timeout: 10_000 }).catch(() => {});
  await page.waitForTimeout(300 + Math.floor(visitor() * 1500));
  if (visitor() < 0.5) {
    const target = Math.floor(visitor() * slots.length);
    const frame = page.frameLocator(`[data-adtag-slot="s${target}"] iframe`).locator('body');
    await frame.click({ timeout: 2000 }).catch(() => {});
    await page.waitForTimeout(150);
  }
  // Hidden first (viewability stops, session_end is recorded), then counted, then left.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const rec = await page.evaluate(() => window.__rec);
  return { url, recorded: { page_view: 1, ad_impression: rec.impressions, ad_viewable: rec.viewable, ad_click: rec.clicks, session_end: 1 } };
}

const byPage = (events, url) => events.filter((e) => e.page === url);
const total = (r) => Object.values(r).reduce((a, b) => a + b, 0);
let deliveredByNext = 0;
let previous = null;
for (let n = 1; n <= VIEWS + 1; n++) {
  const prev = previous;
  const p = await view(n, null);
  // By the time the visitor leaves this page view, is the previous one's all there?
  if (prev) {
    const got = byPage(collected(), prev.url).length;
    deliveredByNext += Math.min(got, total(prev.recorded));
  }
  if (n <= VIEWS) pages.push(p);
  previous = p;
}
await page.goto('about:blank');
await new Promise((r) => setTimeout(r, 3000));
await browser.close();
server.closeAllConnections();
server.close();

const events = collected();
const recorded = pages.reduce((a, p) => a + total(p.recorded), 0);
let delivered = 0;
let overcounted = 0;
const missing = [];
for (const p of pages) {
  const mine = byPage(events, p.url);
  for (const [type, want] of Object.entries(p.recorded)) {
    const got = mine.filter((e) => e.type === type).length;
    delivered += Math.min(got, want);
    if (got > want) overcounted += got - want;
    if (got < want) missing.push(`${p.url} ${type} ${got}/${want}`);
  }
}
const ids = events.map((e) => e.id);
const dupIds = ids.length - new Set(ids).size;
const resent = [...wire.values()].filter((v) => v > 1).length;
const pct = (a, b) => ((100 * a) / b).toFixed(2);
console.log(`seed ${SEED}, ${VIEWS} page views, collector failing ${FAIL * 100}% of posts`);
console.log(`posts ${posts}, failed ${failedPosts} (${pct(failedPosts, posts)}%)`);
const perType = {};
for (const p of pages) for (const [t, k] of Object.entries(p.recorded)) perType[t] = (perType[t] || 0) + k;
console.log(`recorded ${recorded} events (${Object.entries(perType).map(([t, k]) => `${t} ${k}`).join(', ')})`);
console.log(`delivered by the time the visitor leaves the next page view: ${deliveredByNext} (${pct(deliveredByNext, recorded)}%)`);
console.log(`delivered in the end: ${delivered} (${pct(delivered, recorded)}%)`);
console.log(`counted twice: ${dupIds + overcounted} (same id twice: ${dupIds}, more than recorded: ${overcounted})`);
console.log(`events sent more than once on the wire (de-duplicated by id): ${resent}`);
if (missing.length) console.log(`missing: ${missing.join('; ')}`);
fs.rmSync(dir, { recursive: true, force: true });
