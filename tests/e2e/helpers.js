// Shared helpers for the end-to-end tests: a `test` whose pages fail on any uncaught page
// error, recorders for the tag's requests and console errors, ad-hoc publisher pages, and
// assertions on what a visitor sees in a slot.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { test: base, expect } = require('@playwright/test');

const PORT = Number(process.env.ADTAG_E2E_PORT) || 8089; // as in playwright.config.js
const ORIGIN = `http://127.0.0.1:${PORT}`;
/** A publisher's site, and the ad network's origin serving the tag cross-origin. */
const NEWS = `http://news.example:${PORT}`;
const AD_NETWORK = `http://ads.network.example:${PORT}`;
/** A host on the child-directed list (`kids.example` covers its subdomains). */
const KIDS = `http://www.kids.example:${PORT}`;
const TEST_PAGE_PATH = '/test-page.html';
const PUBLISHER = '12345';
/** The network's advertising cookie prefixes (SPEC, preamble): cookie names are prefix + publisher id. */
const TAG_COOKIE_PREFIXES = ['v', 'c', 'l', 't', 'spc', 'spshc', 'fr', 'ps', 'n', 'e', 'sid', 'udi', 'dp4', 'fro'];
/** The demo server's collector file during the tests (playwright.config.js sets it). */
const EVENTS_FILE = path.join(os.tmpdir(), `adtag-e2e-events-${PORT}.jsonl`);

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
});

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

/** Events the demo collector stored (all runs; filter by id or page). */
function collectedEvents() {
  if (!fs.existsSync(EVENTS_FILE)) return [];
  return fs
    .readFileSync(EVENTS_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
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
      frame: frame && {
        srcdoc: frame.getAttribute('srcdoc'),
        sandbox: frame.hasAttribute('sandbox') ? Array.from(frame.sandbox) : null,
        width: frameBox.width,
        height: frameBox.height,
      },
    };
  });
}

/**
 * The slot shows its ad: an iframe of the declared size whose srcdoc holds the creative
 * (`creativeHtml` when given), sandboxed with scripts but never same-origin nor top navigation.
 */
async function expectRendered(page, name, [width, height], creativeHtml) {
  const view = await slotView(page, name);
  expect(view.frame, `slot ${name} has an ad frame`).not.toBeNull();
  expect(view.hidden, `slot ${name} is visible`).toBe(false);
  expect([view.frame.width, view.frame.height], `slot ${name}'s frame size`).toEqual([width, height]);
  expect(view.frame.srcdoc, `slot ${name}'s srcdoc`).toContain('Demo ad');
  if (creativeHtml !== undefined) expect(view.frame.srcdoc).toContain(creativeHtml);
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

/** The slot takes no room and shows no ad. */
async function expectCollapsed(page, name) {
  const view = await slotView(page, name);
  expect(view.hidden, `slot ${name} is collapsed (${view.width}x${view.height})`).toBe(true);
  expect(view.frame, `slot ${name} has no ad frame`).toBeNull();
  return view;
}

module.exports = {
  test,
  expect,
  PORT,
  ORIGIN,
  NEWS,
  AD_NETWORK,
  KIDS,
  TEST_PAGE_PATH,
  PUBLISHER,
  TAG_COOKIE_PREFIXES,
  EVENTS_FILE,
  isAdRequest,
  recordRequests,
  consoleErrors,
  tagCookies,
  collectedEvents,
  tagScript,
  testPage,
  openTestPage,
  waitForSlots,
  slotView,
  expectRendered,
  expectSafeSandbox,
  expectCollapsed,
};
