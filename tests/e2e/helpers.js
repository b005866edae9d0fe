// Shared helpers for the end-to-end tests: a `test` whose pages fail on any uncaught page
// error, with fixtures for what many tests need (`rec`: the tag's requests; `collector`: what
// the demo collector stored during this test; `hidePage`: the page hidden the one way the
// browser vouches for in headless Chromium, by leaving it; `allowedPage`: a page where
// collection is allowed; `storageLog`: every cookie and storage call the page made), ad-hoc
// publisher pages, a recording proxy, and assertions on what a visitor sees in a slot.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { test: base, expect } = require('@playwright/test');

// playwright.config.js picks the port and the collector's file for each run (or takes
// ADTAG_E2E_PORT / ADTAG_E2E_EVENTS_FILE) and passes both to the workers in the environment.
const PORT = Number(process.env.ADTAG_E2E_PORT) || 8089;
const ORIGIN = `http://127.0.0.1:${PORT}`;
/** A publisher's site, and the ad network's origin serving the tag cross-origin. */
const NEWS = `http://news.example:${PORT}`;
const AD_NETWORK = `http://ads.network.example:${PORT}`;
/** A host on the child-directed list (`kids.example` covers its subdomains). */
const KIDS = `http://www.kids.example:${PORT}`;
/** Not on the child-directed list (the list has kids.example: "notkids" must not match). */
const NOTKIDS = `http://notkids.example:${PORT}`;
const TEST_PAGE_PATH = '/test-page.html';
const PUBLISHER = '12345';
/** The network's advertising cookie prefixes (SPEC, preamble): cookie names are prefix + publisher id. */
const TAG_COOKIE_PREFIXES = ['v', 'c', 'l', 't', 'spc', 'spshc', 'fr', 'ps', 'n', 'e', 'sid', 'udi', 'dp4', 'fro'];
/** The demo server's collector file during this run (playwright.config.js sets it). */
const EVENTS_FILE = process.env.ADTAG_E2E_EVENTS_FILE || path.join(os.tmpdir(), `adtag-e2e-events-${PORT}.jsonl`);
/** Well past the tag's batching delay (300 ms): how long "nothing happened" is watched. */
const QUIET_MS = 800;

// Runs in every page before its own scripts, as a publisher's own pre-tag snippet would:
// queue a listener that records each slotRenderEnded into window.__adtagSlotEvents.
function slotRecorder() {
  if (window.top !== window) return; // not in the ad frames
  window.__adtagSlotEvents = [];
  window.adtag = window.adtag || { cmd: [] };
  window.adtag.cmd.push(function () {
    window.adtag.on('slotRenderEnded', function (e) {
      window.__adtagSlotEvents.push({ slot: e.slot, isEmpty: e.isEmpty, size: e.size == null ? e.size : Array.from(e.size) });
    });
  });
}

const test = base.extend({
  // Set false (test.use) for pages that must meet the tag with no window.adtag defined.
  recordSlots: [true, { option: true }],
  page: async ({ page, recordSlots }, use) => {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e && e.stack ? e.stack : e)));
    if (recordSlots) await page.addInitScript(slotRecorder);
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
  /** The tag's requests from every page of the test's browser context (see recordRequests). */
  rec: async ({ context }, use) => {
    await use(recordRequests(context));
  },
  /** What the demo collector stored since this test began (see collectorSince). */
  collector: async ({}, use) => {
    await use(collectorSince());
  },
  /** `hidePage(p = page, options)`: the page is hidden by leaving it (see hidePage). */
  hidePage: async ({ page }, use) => {
    await use((p = page, options) => hidePage(p, options));
  },
  /**
   * `allowedPage(options)`: opens a test page (slots `x` by default) on a host where every
   * signal allows collection, waits for its slots and its page_view; resolves to
   * `{url, pageView}` (the page_view as the tag sent it: its uid, sid, page).
   */
  allowedPage: async ({ page, rec }, use) => {
    await use(async (options = {}) => {
      const opts = { slots: ['x'], ...options };
      const url = await openTestPage(page, opts, NOTKIDS);
      await waitForSlots(page, slotCount(opts));
      const pageView = await waitForEvent(rec, 'page_view');
      return { url, pageView };
    });
  },
  /**
   * Every document.cookie write and every storage call any page of the context makes, from
   * before its first script to its end (an init script; see storageSpy). `entries(page)`
   * reads what the page logged so far.
   */
  storageLog: async ({ context }, use) => {
    // Each top document also reports its entries as they happen, so that what a page did
    // as it was left (pagehide) is still there once it is gone.
    const reported = new Map();
    await context.exposeBinding('__adtagStorageReport', (source, doc, entry) => {
      if (!reported.has(doc)) reported.set(doc, []);
      reported.get(doc).push(entry);
    });
    await context.addInitScript(storageSpy);
    await use({
      /**
       * `entries(page)`: the log of the page's current document; `entries(left)`, with what
       * hidePage resolved to: the whole log of the document it left, its last moments included.
       */
      entries: async (target) => {
        if (target && typeof target.evaluate === 'function') return target.evaluate(() => (window.__adtagStorageLog || []).slice());
        expect(target && target.doc, 'a document left by hidePage, with a storage log').toBeTruthy();
        return (reported.get(target.doc) || []).slice();
      },
    });
  },
});

/** How many slots a testPage has. */
function slotCount(options) {
  const inBody = ((options.body || '').match(/data-adtag-slot=/g) || []).length;
  return (options.slots || []).length + inBody;
}

// ---------------------------------------------------------------------------------------
// Recorders

/** Is this URL an ad request (for this slot, when given)? */
function isAdRequest(url, slot) {
  const u = typeof url === 'string' ? new URL(url) : url;
  return u.pathname === '/v1/ad' && (slot === undefined || u.searchParams.get('slot') === slot);
}

/**
 * Records the tag's requests from a page (or a whole context): `ads` (each `{url, origin,
 * params}`, params the parsed query), `events` (every event of every POST to /v1/events,
 * flattened; `eventPosts` keeps each raw body), `lists` (child-directed list URLs). Also
 * `creative(slot)`: the `html` of the last 200 answer to that slot's ad request (reliable with
 * `{bodies: true}`).
 */
function recordRequests(target, options = {}) {
  const rec = { ads: [], events: [], eventPosts: [], lists: [], bodies: new Map() };
  target.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname === '/v1/ad') {
      rec.ads.push({ url: req.url(), origin: url.origin, params: Object.fromEntries(url.searchParams) });
    } else if (url.pathname === '/v1/events' && req.method() === 'POST') {
      const raw = req.postData() || '';
      rec.eventPosts.push({ url: req.url(), raw });
      try {
        const body = JSON.parse(raw);
        if (Array.isArray(body)) rec.events.push(...body);
      } catch {
        /* kept in eventPosts */
      }
    } else if (url.pathname === '/v1/child-directed-sites') {
      rec.lists.push(req.url());
    }
  });
  target.on('response', (resp) => {
    const url = new URL(resp.url());
    if (isAdRequest(url) && resp.status() === 200 && !rec.routed) {
      rec.bodies.set(url.searchParams.get('slot'), resp.text().catch(() => null));
    }
  });
  // The tag reads its answers as a stream, and DevTools then can't always hand a body out
  // afterwards ("No data found for resource"): with `{bodies: true}` the ad answers are taken
  // on their way to the page instead (await rec.ready before navigating).
  if (options.bodies) {
    rec.routed = true;
    rec.ready = target.route((url) => isAdRequest(url), async (route) => {
      // Fetched from here, where the test host names don't resolve: to this machine, by name.
      const u = new URL(route.request().url());
      const resp = await route.fetch({ url: `http://127.0.0.1:${u.port}${u.pathname}${u.search}`, headers: { ...route.request().headers(), host: u.host } });
      const body = await resp.text();
      if (resp.status() === 200) rec.bodies.set(new URL(route.request().url()).searchParams.get('slot'), body);
      await route.fulfill({ response: resp, body });
    });
  }
  rec.creative = async (slot) => {
    const body = await rec.bodies.get(slot);
    expect(body, `an ad response for slot ${slot}`).toBeTruthy();
    return JSON.parse(body).html;
  };
  return rec;
}

/** The text of every console.error in the page, as it happens. */
function consoleErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return errors;
}

/** The tag's advertising cookies (`<prefix><publisher>`) in a browser context. */
async function tagCookies(context, publisher = PUBLISHER) {
  const names = new Set(TAG_COOKIE_PREFIXES.map((p) => p + publisher));
  return (await context.cookies()).filter((c) => names.has(c.name));
}

/** Every event the demo collector stored during this run (filter by id or uid). */
function collectedEvents() {
  return readEvents(0);
}

function readEvents(fromByte) {
  if (!fs.existsSync(EVENTS_FILE)) return [];
  return fs
    .readFileSync(EVENTS_FILE)
    .subarray(fromByte)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/**
 * The collector as one test sees it: `since()` every event stored since the test began (one
 * test at a time per run: anything stored meanwhile came from this test's pages, or from an
 * earlier test's page still sending, which is a defect too); `forUid(uid)` and `byIds(ids)`
 * narrow that down to what the test itself sent.
 */
function collectorSince() {
  const start = fs.existsSync(EVENTS_FILE) ? fs.statSync(EVENTS_FILE).size : 0;
  const since = () => readEvents(start);
  return {
    since,
    forUid: (uid) => since().filter((e) => e.uid === uid),
    byIds: (ids) => {
      const set = new Set(ids);
      return since().filter((e) => set.has(e.id));
    },
  };
}

/** Events of this type (and slot) in a list. */
const ofType = (events, type, slot) => events.filter((e) => e.type === type && (slot === undefined || e.slot === slot));

/** Waits until the recorded events hold one matching `type` (and `slot`); returns the first. */
async function waitForEvent(rec, type, slot, timeout = 5000) {
  await expect
    .poll(() => ofType(rec.events, type, slot).length, { message: `a ${type}${slot ? ` for ${slot}` : ''} event`, timeout })
    .toBeGreaterThan(0);
  return ofType(rec.events, type, slot)[0];
}

// ---------------------------------------------------------------------------------------
// The page's life

/**
 * The page is hidden the one way headless Chromium does it with events the browser vouches
 * for (`isTrusted`; the tag ignores any other): it is left. Bringing another tab to the front,
 * window.open, a minimized window, lifecycle states, a headful browser without a window
 * manager: all leave `visibilityState` "visible". Navigating away fires a trusted
 * `visibilitychange` (hidden) and `pagehide`, and the tag makes its final send; that send
 * leaves as the document goes, so neither page.on('request') nor page.route sees it: read it
 * at the collector (`collector.forUid(uid)`, `storedFor(uid)`). Goes to `options.to`
 * (default: /landing.html on the page's own origin, where its storage can still be read), and
 * resolves once the collector had time to store the final send (see leavePage) to the page's
 * clock just before leaving (`before`), after (`after`), its time origin, and `doc`: the
 * left document's storage log id (see the storageLog fixture), if it had one.
 */
async function hidePage(page, options = {}) {
  const here = await page.evaluate(() => ({
    before: Date.now(),
    timeOrigin: performance.timeOrigin,
    doc: window.__adtagStorageDoc || null,
  }));
  const to = options.to || new URL('/landing.html', page.url()).href;
  await leavePage(page, to);
  return { ...here, after: Date.now() };
}

/** What the collector stored for this uid since the run began, once it holds a `type` event. */
async function storedFor(uid, type = 'session_end') {
  await expect
    .poll(() => ofType(collectedEvents().filter((e) => e.uid === uid), type).length, { message: `a ${type} for ${uid} at the collector` })
    .toBeGreaterThan(0);
  return collectedEvents().filter((e) => e.uid === uid);
}

/**
 * Leaves the page for the advertiser's landing page and lets the collector settle. The one
 * procedure for "leaving": the test that proves session_end arrives on pagehide (measure.spec)
 * uses it too, and finds the event stored by the time it returns, so an absence seen after it
 * is an absence, not a race with the final send.
 */
async function leavePage(page, to = `${ORIGIN}/landing.html`) {
  await page.goto(to);
  await page.waitForLoadState('load');
  await page.waitForTimeout(1000);
}

// ---------------------------------------------------------------------------------------
// Every cookie write and storage call

/**
 * Runs in every frame before its scripts: wraps the document.cookie setter, cookieStore,
 * Storage's methods (localStorage, sessionStorage) and indexedDB.open, and logs each call to
 * window.__adtagStorageLog as `{op, name, value, deletes, raw}`. The page's own scripts in a
 * test page write nothing, so whatever appears here came from the tag. Frames log too; only
 * the top document's log is read.
 */
function storageSpy() {
  const log = (window.__adtagStorageLog = []);
  const top = window.top === window;
  const doc = top ? (window.__adtagStorageDoc = Math.random().toString(36).slice(2)) : null;
  const push = (entry) => {
    const e = { ts: Date.now(), ...entry };
    log.push(e);
    // The storageLog fixture's copy, which outlives the document.
    if (top && typeof window.__adtagStorageReport === 'function') window.__adtagStorageReport(doc, e).catch(() => {});
  };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (cookie && cookie.set) {
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true,
      enumerable: cookie.enumerable,
      get() {
        return cookie.get.call(this);
      },
      set(raw) {
        const text = String(raw);
        const [pair, ...attrs] = text.split(';');
        const eq = pair.indexOf('=');
        const name = (eq < 0 ? '' : pair.slice(0, eq)).trim();
        const value = (eq < 0 ? pair : pair.slice(eq + 1)).trim();
        const deletes = attrs.some((a) => {
          const [k, v = ''] = a.split('=').map((x) => x.trim());
          if (/^max-age$/i.test(k)) return Number(v) <= 0;
          if (/^expires$/i.test(k)) return Date.parse(v) <= Date.now();
          return false;
        });
        push({ op: 'cookie-write', name, value, deletes, raw: text });
        return cookie.set.call(this, raw);
      },
    });
  }
  for (const m of ['getItem', 'setItem', 'removeItem', 'clear', 'key']) {
    const real = Storage.prototype[m];
    Storage.prototype[m] = function (...args) {
      push({ op: `storage-${m}`, name: args.length ? String(args[0]) : '', value: args.length > 1 ? String(args[1]) : '' });
      return real.apply(this, args);
    };
  }
  if (window.indexedDB) {
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (...args) {
      push({ op: 'indexeddb-open', name: String(args[0]) });
      return open.apply(this, args);
    };
  }
  if (window.cookieStore) {
    for (const m of ['set', 'delete']) {
      const real = CookieStore.prototype[m];
      CookieStore.prototype[m] = function (...args) {
        const a = args[0];
        push({ op: `cookiestore-${m}`, name: typeof a === 'object' && a ? String(a.name) : String(a) });
        return real.apply(this, args);
      };
    }
  }
}

/**
 * What the storage log (the `storageLog` fixture) may hold on a page that must not collect:
 * nothing but a removal of stored events (SPEC §4: a refusing decision deletes them unsent).
 */
function forbiddenWhenRefused(entries) {
  return entries.filter((e) => e.op !== 'storage-removeItem');
}

/**
 * The cookie writes and storage calls a collecting page may make: the tag's own cookies
 * (v, sid, fr + publisher id) set, never deleted (a cookie written then deleted is a write
 * the visitor never allowed either), and reads, writes or removals of its one storage key.
 */
function forbiddenWhenAllowed(entries) {
  const own = new Set(['v', 'sid', 'fr'].map((p) => p + PUBLISHER));
  return entries.filter((e) => {
    if (e.op === 'cookie-write') return !own.has(e.name) || e.deletes || !e.value;
    if (e.op.startsWith('storage-')) return !e.name.includes(PUBLISHER) || e.op === 'storage-clear' || e.op === 'storage-key';
    return true;
  });
}

/** Every request of a page or context, as `{url, method}`, in order. */
function recordAllRequests(target) {
  const list = [];
  target.on('request', (r) => list.push({ url: r.url(), method: r.method() }));
  return list;
}

/**
 * The requests SPEC §2 does not allow before the decision: anything but GETs of static
 * files (the page, the tag's own files) without identifiers, the site list, and ad requests
 * that are non-personalized (npa=1) and carry no uid.
 */
function notAllowedBeforeDecision(requests) {
  return requests.filter((r) => {
    const u = new URL(r.url);
    if (u.protocol === 'data:' || u.protocol === 'about:' || u.protocol === 'blob:') return false;
    if (r.method !== 'GET') return true;
    if (u.pathname === '/v1/child-directed-sites') return false;
    if (u.pathname === '/v1/ad') return u.searchParams.get('npa') !== '1' || u.searchParams.has('uid');
    if (u.pathname.startsWith('/v1/')) return true;
    return /(^|[?&])(uid|sid)=/.test(u.search);
  });
}

// ---------------------------------------------------------------------------------------
// Ad-hoc publisher pages

/** The publisher's script tag; attribute value `true` writes a bare attribute. */
function tagScript(attrs = { 'data-publisher': PUBLISHER }, src = '/adtag.js') {
  const list = Object.entries(attrs)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${v}"`))
    .join('');
  return `<script async src="${src}"${list}></script>`;
}

/** A publisher page. `slots`: names, or `[name, size]` pairs (size 300x250 by default). */
function testPage({ head = '', tag = tagScript(), slots = [], body = '' } = {}) {
  const divs = slots
    .map((s) => (Array.isArray(s) ? s : [s, '300x250']))
    .map(([name, size]) => `<div data-adtag-slot="${name}" data-adtag-size="${size}"></div>`)
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>adtag test page</title><link rel="icon" href="data:,">
${head}
${tag}
</head><body>
<h1>Test page</h1>
${divs}
${body}
</body></html>`;
}

/**
 * Serves a page built by testPage (or given HTML) at `${origin}/test-page.html` and opens it.
 * The demo server serves everything else on that origin (the tag, the endpoints).
 */
async function openTestPage(page, options = {}, origin = NEWS) {
  const html = typeof options === 'string' ? options : testPage(options);
  const url = origin + TEST_PAGE_PATH;
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(url);
  return url;
}

// ---------------------------------------------------------------------------------------
// What a visitor sees in a slot

/** Waits until the tag reported n slotRenderEnded events; returns all of them. */
async function waitForSlots(page, n) {
  await page.waitForFunction((n) => (window.__adtagSlotEvents || []).length >= n, n);
  return page.evaluate(() => window.__adtagSlotEvents.slice());
}

const slotSelector = (name) => `[data-adtag-slot="${name}"]`;

/** The slot's box and its ad frame (null when there is none). */
function slotView(page, name) {
  return page.locator(slotSelector(name)).evaluate((el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const frame = el.querySelector('iframe');
    const frameBox = frame && frame.getBoundingClientRect();
    return {
      width: box.width,
      height: box.height,
      hidden: style.display === 'none' || style.visibility === 'hidden' || box.height === 0 || box.width === 0,
      state: el.getAttribute('data-adtag-state'),
      frame: frame && {
        visible: getComputedStyle(frame).visibility !== 'hidden' && frameBox.width > 0 && frameBox.height > 0,
        srcdoc: frame.getAttribute('srcdoc'),
        sandbox: frame.hasAttribute('sandbox') ? Array.from(frame.sandbox) : null,
        width: frameBox.width,
        height: frameBox.height,
      },
    };
  });
}

/**
 * The markup of the slot's ad frame and of every frame inside it, as the browser holds it
 * (not the srcdoc attribute: a tag may deliver the creative through a frame document of its
 * own). Empty when the slot has no frame.
 */
async function frameContents(page, name) {
  const handle = await page.locator(`${slotSelector(name)} iframe`).first().elementHandle({ timeout: 1000 }).catch(() => null);
  const frame = handle && (await handle.contentFrame());
  if (!frame) return '';
  const texts = [];
  const walk = async (f) => {
    texts.push(await f.evaluate(() => document.documentElement.outerHTML).catch(() => ''));
    for (const child of f.childFrames()) await walk(child);
  };
  await walk(frame);
  return texts.join('\n');
}

/**
 * The slot shows its ad: an iframe of the declared size that shows a demo creative (the one
 * whose markup is `creativeHtml`, when given: matched by its `data-demo-ad` id), sandboxed with
 * scripts but never same-origin nor top navigation.
 */
async function expectRendered(page, name, [width, height], creativeHtml) {
  const view = await slotView(page, name);
  expect(view.frame, `slot ${name} has an ad frame`).not.toBeNull();
  expect(view.hidden, `slot ${name} is visible`).toBe(false);
  expect([view.frame.width, view.frame.height], `slot ${name}'s frame size`).toEqual([width, height]);
  await expect.poll(() => frameContents(page, name), { message: `slot ${name} shows a demo ad` }).toContain('Demo ad');
  if (creativeHtml !== undefined) {
    const id = /data-demo-ad="([^"]+)"/.exec(creativeHtml);
    expect(id, 'the creative carries its data-demo-ad id').not.toBeNull();
    expect(await frameContents(page, name)).toContain(id[0]);
  }
  expectSafeSandbox(view.frame.sandbox, name);
  return view;
}

function expectSafeSandbox(tokens, name) {
  expect(tokens, `slot ${name}'s frame has a sandbox attribute`).not.toBeNull();
  expect(tokens).toContain('allow-scripts');
  expect(tokens).not.toContain('allow-same-origin');
  // Neither allow-top-navigation nor its -by-user-activation / -to-custom-protocols variants.
  expect(tokens.filter((t) => t.startsWith('allow-top-navigation'))).toEqual([]);
}

/**
 * The slot shows no ad: no ad frame, state "empty". And its box, when `box` is given:
 * "kept" (the default rule for a slot in or above the view: nothing the visitor sees moves;
 * `size` checks its size too), or "collapsed" (no room taken: a slot out of view below, or
 * any slot with collapseEmptySlots "now").
 */
async function expectCollapsed(page, name, { box, size } = {}) {
  await expect.poll(async () => (await slotView(page, name)).state, { message: `slot ${name}'s state` }).toBe('empty');
  if (box === 'collapsed') {
    await expect.poll(async () => (await slotView(page, name)).hidden, { message: `slot ${name} is collapsed` }).toBe(true);
  }
  const view = await slotView(page, name);
  expect(view.frame, `slot ${name} has no ad frame`).toBeNull();
  expect(await frameContents(page, name), `slot ${name} shows no ad`).not.toContain('data-demo-ad');
  if (box === 'kept') {
    expect(view.hidden, `slot ${name} keeps its box (${view.width}x${view.height})`).toBe(false);
    if (size) expect([view.width, view.height], `slot ${name}'s box`).toEqual(size);
  }
  return view;
}

// ---------------------------------------------------------------------------------------
// A recording proxy

/**
 * A server of the test's own on 127.0.0.1 (any port: the host resolver rules map the test
 * host names to it) that serves `pages` (path -> HTML) and passes every other request to the
 * demo server, recording each as `{path, method, cookie}` in `requests`, the Cookie header
 * as it arrived (null when none). What no page.on('request') sees, it sees: the tag's final
 * send as the page goes. Page and tag both come from it: a loopback page asking a loopback
 * server, which Local Network Access allows. `close()` when done.
 */
async function recordingProxy(pages = {}) {
  const http = require('http');
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push({ path: url.pathname, method: req.method, cookie: req.headers.cookie == null ? null : req.headers.cookie });
    if (req.method === 'GET' && pages[url.pathname] != null) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(pages[url.pathname]);
    }
    const up = http.request({ host: '127.0.0.1', port: PORT, path: req.url, method: req.method, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { port: server.address().port, pages, requests, close };
}

module.exports = {
  test,
  expect,
  PORT,
  ORIGIN,
  NEWS,
  AD_NETWORK,
  KIDS,
  NOTKIDS,
  QUIET_MS,
  TEST_PAGE_PATH,
  PUBLISHER,
  TAG_COOKIE_PREFIXES,
  EVENTS_FILE,
  isAdRequest,
  recordRequests,
  consoleErrors,
  tagCookies,
  collectedEvents,
  collectorSince,
  ofType,
  waitForEvent,
  hidePage,
  storedFor,
  leavePage,
  recordingProxy,
  storageSpy,
  forbiddenWhenRefused,
  forbiddenWhenAllowed,
  recordAllRequests,
  notAllowedBeforeDecision,
  frameContents,
  tagScript,
  testPage,
  openTestPage,
  waitForSlots,
  slotView,
  expectRendered,
  expectSafeSandbox,
  expectCollapsed,
};
