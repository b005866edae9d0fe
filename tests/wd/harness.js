'use strict';
// What the WebDriver scenarios stand on: the demo server as the ad network, a publisher's pages
// on another origin, the collector's event log, and a small context per scenario with the
// checks a visitor (or a regulator) would make: a slot's state, a frame's sandbox, the cookies
// in the browser, the events that reached the collector.
//
// Origins (every engine resolves these without a resolver mapping):
//   http://127.0.0.1:AD_PORT      the ad network: `node www/server.js` (tag, /v1/ad, collector)
//   http://localhost:PAGE_PORT    a publisher's site: the tag is cross-origin to it
//   http://kids.localhost:PAGE_PORT  a child-directed site: on the list the ad network serves
const assert = require('assert/strict');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { sleep } = require('./webdriver');

const ROOT = path.join(__dirname, '..', '..');
const AD_PORT = Number(process.env.ADTAG_WD_AD_PORT) || 8110;
const PAGE_PORT = Number(process.env.ADTAG_WD_PAGE_PORT) || 8111;
const AD_NETWORK = `http://127.0.0.1:${AD_PORT}`;
const NEWS = `http://localhost:${PAGE_PORT}`;
const KIDS_HOST = 'kids.localhost';
const KIDS = `http://${KIDS_HOST}:${PAGE_PORT}`;
const EVENTS_FILE = path.join(os.tmpdir(), `adtag-wd-events-${AD_PORT}.jsonl`);
const PUBLISHER = '12345';
const TAG_COOKIE_PREFIXES = ['v', 'c', 'l', 't', 'spc', 'spshc', 'fr', 'ps', 'n', 'e', 'sid', 'udi', 'dp4', 'fro'];
const TAG_COOKIES = new Set(TAG_COOKIE_PREFIXES.map((p) => p + PUBLISHER));
/** Past the tag's batching delay, so that "nothing was sent" means something. */
const QUIET_MS = 1000;

// ---------------------------------------------------------------------------------------
// Servers

/** `node www/server.js` as the ad network, its child-directed list extended by kids.localhost. */
async function startAdNetwork() {
  fs.rmSync(EVENTS_FILE, { force: true });
  const proc = spawn(process.execPath, [path.join(ROOT, 'www', 'server.js')], {
    env: {
      ...process.env,
      PORT: String(AD_PORT),
      HOST: '127.0.0.1',
      EVENTS_FILE,
      CHILD_DIRECTED_SITES: `kids.example,toyland.test,playground.example,${KIDS_HOST}`,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; ; i++) {
    const ok = await new Promise((resolve) => {
      http.get(`${AD_NETWORK}/v1/child-directed-sites`, (res) => resolve(res.statusCode === 200)).on('error', () => resolve(false));
    });
    if (ok) break;
    if (i > 100 || proc.exitCode !== null) throw new Error(`the demo server did not start on ${AD_NETWORK}`);
    await sleep(100);
  }
  if (!fs.existsSync(path.join(ROOT, 'www', 'adtag.js'))) throw new Error('www/adtag.js missing: run `npm run build` first');
  return proc;
}

/** The publisher's site: pages registered by the scenarios, on loopback (IPv4 and IPv6). */
function startPublisher() {
  const pages = new Map();
  const handler = (req, res) => {
    const url = new URL(req.url, 'http://x');
    const html = url.pathname === '/blank.html' ? '<!doctype html><title>blank</title><link rel="icon" href="data:,">' : pages.get(url.pathname);
    if (html === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(html);
  };
  const servers = ['127.0.0.1', '::1'].map((host) => {
    const s = http.createServer(handler);
    s.on('error', () => {}); // a machine without IPv6 loopback: 127.0.0.1 serves
    s.listen(PAGE_PORT, host);
    return s;
  });
  return { pages, close: () => servers.forEach((s) => s.close()) };
}

// ---------------------------------------------------------------------------------------
// Pages

/** The publisher's script tag, from the ad network; `true` writes a bare attribute. */
function tagScript(attrs = {}) {
  const all = { 'data-publisher': PUBLISHER, ...attrs };
  const list = Object.entries(all)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${v}"`))
    .join('');
  return `<script async src="${AD_NETWORK}/adtag.js"${list}></script>`;
}

/** A publisher page: `slots` as names or [name, size]; the first slot is at the top, in view. */
function pageHtml({ head = '', attrs = {}, slots = ['top'], body = '' } = {}) {
  const divs = slots
    .map((s) => (Array.isArray(s) ? s : [s, '300x250']))
    .map(([name, size]) => `<div data-adtag-slot="${name}" data-adtag-size="${size}"></div>`)
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>adtag WebDriver page</title><link rel="icon" href="data:,">
<style>body{margin:0;font:16px sans-serif}</style>
${head}
${tagScript(attrs)}
</head><body>
${divs}
<p>Test page.</p>
${body}
</body></html>`;
}

// ---------------------------------------------------------------------------------------
// The collector's log

function readEvents() {
  if (!fs.existsSync(EVENTS_FILE)) return [];
  return fs
    .readFileSync(EVENTS_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

async function poll(what, fn, timeoutMs = 8000, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new assert.AssertionError({ message: `timed out after ${timeoutMs} ms waiting for ${what}` });
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------
// One scenario's context

class Context {
  constructor({ session, publisher, engine, name, log }) {
    Object.assign(this, { s: session, publisher, engine, log });
    this.slug = `${engine}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 80);
    this.n = 0;
  }

  /** Registers a page; returns its URL on `origin` (the publisher's by default). */
  page(options = {}, origin = NEWS) {
    const p = `/p/${this.slug}-${++this.n}.html`;
    this.publisher.pages.set(p, typeof options === 'string' ? options : pageHtml(options));
    return origin + p;
  }

  /** Opens a new page; returns its URL. */
  async open(options, origin) {
    const url = this.page(options, origin);
    await this.s.navigate(url);
    return url;
  }

  /** Leaves the page (it is hidden, then unloaded): the tag's last chance to send. */
  leave() {
    return this.s.navigate('about:blank');
  }

  /** The slot's state once the tag settled it (`rendered` or `empty`), and what it shows. */
  async slot(name) {
    return poll(`slot ${name} to be settled`, () =>
      this.s.execute((name) => {
        const el = document.querySelector(`[data-adtag-slot="${name}"]`);
        const state = el && el.getAttribute('data-adtag-state');
        if (state !== 'rendered' && state !== 'empty') return null;
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        const frame = el.querySelector('iframe');
        const fbox = frame && frame.getBoundingClientRect();
        return {
          state,
          width: box.width,
          height: box.height,
          hidden: style.display === 'none' || style.visibility === 'hidden' || box.width === 0 || box.height === 0,
          frame: frame && {
            sandbox: frame.hasAttribute('sandbox') ? Array.from(frame.sandbox) : null,
            width: fbox.width,
            height: fbox.height,
          },
        };
      }, name),
    );
  }

  /** The page's `adtag.decision()` once the tag is ready. */
  decision() {
    return poll('adtag.decision()', () =>
      this.s.execute(() => (window.adtag && typeof window.adtag.decision === 'function' ? window.adtag.decision() || null : null)),
    );
  }

  /** The tag's advertising cookies in the browser, for the current page's origin. */
  async tagCookies() {
    return (await this.s.cookies()).filter((c) => TAG_COOKIES.has(c.name));
  }

  /** A mark in the collector's log: `since(mark)` is everything it stored after. */
  mark() {
    return readEvents().length;
  }
  since(mark) {
    return readEvents().slice(mark);
  }

  /** Waits until the collector has an event of `type` from `page`; returns it. */
  event(type, page, timeoutMs = 8000) {
    return poll(`a ${type} event from ${page} at the collector`, () =>
      readEvents().find((e) => e.type === type && e.page.startsWith(page)),
      timeoutMs,
    );
  }

  /**
   * Nothing reaches the collector and no tag cookie is set, watched past the batching
   * delay and through leaving the page.
   */
  async expectNothingCollected(mark) {
    await sleep(QUIET_MS);
    const names = (await this.tagCookies()).map((c) => c.name);
    assert.deepEqual(names, [], 'no tag cookies');
    await this.leave();
    await sleep(500);
    assert.deepEqual(this.since(mark).map((e) => `${e.type} ${e.page}`), [], 'zero events at the collector');
  }

  /**
   * A visitor's click in the middle of the ad frame `css`: trusted, made by the browser's own
   * input path. geckodriver delivers a click made from the top document nowhere when the
   * frame is cross-origin (Firefox runs it in another process: Fission), so in Firefox the click
   * is made from inside the frame, at the centre of its viewport (measured: tests/wd README).
   */
  async clickFrame(css) {
    const frame = await this.s.find(css);
    if (this.engine !== 'firefox') return this.s.click(frame);
    const [w, h] = await this.s.execute((css) => {
      const r = document.querySelector(css).getBoundingClientRect();
      return [r.width, r.height];
    }, css);
    await this.s.switchToFrame(frame);
    try {
      await this.s.clickAt(w / 2, h / 2);
    } finally {
      await this.s.parentFrame();
    }
  }

  /** Closes windows the scenario opened (a click-through's tab) and comes back to the first. */
  async closeOtherWindows(main) {
    for (const h of await this.s.windowHandles()) {
      if (h === main) continue;
      await this.s.switchToWindow(h);
      await this.s.closeWindow();
    }
    await this.s.switchToWindow(main);
  }
}

/** A browser as a first-time visitor: no cookies, no storage, on every origin the suite uses. */
async function forget(session) {
  for (const url of [`${NEWS}/blank.html`, `${KIDS}/blank.html`, `${AD_NETWORK}/landing.html`]) {
    await session.navigate(url);
    await session.deleteCookies();
    await session.execute(() => localStorage.clear());
  }
  await session.navigate('about:blank');
}

/** The sandbox a slot's frame must have: scripts, never same-origin nor top navigation. */
function assertSafeSandbox(tokens, what) {
  assert.ok(Array.isArray(tokens), `${what} has a sandbox attribute`);
  assert.ok(tokens.includes('allow-scripts'), `${what}'s sandbox allows scripts (${tokens})`);
  assert.ok(!tokens.includes('allow-same-origin'), `${what}'s sandbox has no allow-same-origin (${tokens})`);
  assert.deepEqual(tokens.filter((t) => t.startsWith('allow-top-navigation')), [], `${what}'s sandbox: no top navigation`);
}

module.exports = {
  AD_PORT,
  PAGE_PORT,
  AD_NETWORK,
  NEWS,
  KIDS,
  KIDS_HOST,
  EVENTS_FILE,
  PUBLISHER,
  TAG_COOKIES,
  QUIET_MS,
  startAdNetwork,
  startPublisher,
  pageHtml,
  readEvents,
  poll,
  Context,
  forget,
  assertSafeSandbox,
};
