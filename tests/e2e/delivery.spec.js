// Delivery end to end (SPEC §4; issues 9 and 14): what each events request carries, events
// that survive a failing collector and a closing page through the stored outbox in
// localStorage (`adtag_outbox_<pub>`), and the privacy rules around it: nothing stored before
// or without an allowing decision, everything stored deleted unsent by an opt-out or a
// refusing decision. Also the session and visit count the events carry.
const {
  test,
  expect,
  ORIGIN,
  PORT,
  PUBLISHER,
  recordRequests,
  collectedEvents,
  collectorSince,
  hidePage,
  storedFor,
  recordingProxy,
  tagCookies,
  testPage,
  tagScript,
  waitForSlots,
} = require('./helpers');

/** A publisher host that is not on the child-directed list: collection allowed. */
const SITE = `http://notkids.example:${PORT}`;
const KEY = `adtag_outbox_${PUBLISHER}`;
const CORS = { 'Access-Control-Allow-Origin': '*' };

const ofType = (events, type) => events.filter((e) => e.type === type);
/** Events the real collector stored for this visitor (a fresh context per test: a fresh uid). */
const stored = (uid) => collectedEvents().filter((e) => e.uid === uid);

/** Serves a page built by testPage (or given HTML) at `url` and opens it. */
async function openAt(page, url, options = {}) {
  const html = typeof options === 'string' ? options : testPage(options);
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await page.goto(url);
}

/** The stored outbox as the page sees it: null when the key is absent, else its events. */
function storedOutbox(page) {
  return page.evaluate((key) => {
    window.__probing = true; // not one of the tag's calls (storageSpy)
    try {
      const v = localStorage.getItem(key);
      return v == null ? null : v.split('\n').map((line) => JSON.parse(line));
    } finally {
      window.__probing = false;
    }
  }, KEY);
}

/**
 * Runs in every page before its scripts: records each localStorage call (op, key, time) in
 * window.__storage, and reports it to the `__storageReport` binding when there is one (see
 * storageCalls), which outlives the page.
 */
function storageSpy() {
  if (window.top !== window) return;
  window.__storage = [];
  const proto = Storage.prototype;
  for (const op of ['getItem', 'setItem', 'removeItem', 'clear', 'key']) {
    const orig = proto[op];
    proto[op] = function (...args) {
      if (!window.__probing) {
        const call = { op, key: String(args[0]), t: performance.now(), url: location.href };
        window.__storage.push(call);
        if (typeof window.__storageReport === 'function') window.__storageReport(call).catch(() => {});
      }
      return orig.apply(this, args);
    };
  }
}

/**
 * Every localStorage call of every page of the page from now on, its last moments as it is
 * left (pagehide) included: the storage spy installed with a binding that outlives each page.
 */
async function storageCalls(page) {
  const calls = [];
  await page.exposeBinding('__storageReport', (source, call) => calls.push(call));
  await page.addInitScript(storageSpy);
  return calls;
}

/** When the child-directed list arrived (page clock): the tag can't have decided before. */
function listArrivedAt(page) {
  return page.evaluate(() => {
    const e = performance.getEntriesByType('resource').find((r) => r.name.includes('/v1/child-directed-sites'));
    return e ? e.responseEnd : null;
  });
}

/** Waits until the tag's page API is there. */
function tagReady(page) {
  return page.waitForFunction(() => window.adtag && typeof window.adtag.optOut === 'function');
}

/**
 * Makes /v1/events fail (503, nothing stored) while `down()` says so, for the whole
 * context: also a page's last send as it unloads. Returns the ids each failed post held.
 */
async function failingCollector(context, down) {
  const failed = [];
  await context.route('**/v1/events', async (route) => {
    if (!down(route.request())) return route.continue();
    try {
      failed.push(...JSON.parse(route.request().postData() || '[]').map((e) => e.id));
    } catch {
      /* not ours */
    }
    return route.fulfill({ status: 503, headers: CORS, contentType: 'text/plain', body: 'down' });
  });
  return failed;
}

/** Waits until the page's tag has queued and tried to post events at least once. */
async function waitForAttempt(failed, n = 1) {
  await expect.poll(() => failed.length, { message: 'events posted (and failed)' }).toBeGreaterThanOrEqual(n);
}

// ---------------------------------------------------------------------------------------

test.describe('what an events request carries', () => {
  // The last send leaves as the page goes: no page.on('request') sees it, so the page, the tag
  // and its endpoint come through a recording proxy of the test's own (see recordingProxy).
  test('no events request carries a Cookie header, the last one as the page hides (is left) included, though the endpoint has cookies', async ({ page, context }) => {
    const proxy = await recordingProxy({ '/a.html': testPage({ slots: ['x'] }) });
    try {
      const site = `http://notkids.example:${proxy.port}`;
      // The network's own cookie on the endpoint's origin (here also the page's): sendBeacon
      // would send it with every beacon.
      await context.addCookies([{ name: 'network_session', value: 'abc', url: site }]);
      const events = () => proxy.requests.filter((r) => r.path === '/v1/events' && r.method === 'POST');
      const rec = recordRequests(context);
      await page.goto(`${site}/a.html`);
      await expect.poll(() => ofType(rec.events, 'page_view').length).toBe(1);
      const { uid } = ofType(rec.events, 'page_view')[0];
      // The control: a request of the page that sends credentials carries the cookie.
      await page.evaluate(() => fetch('/v1/child-directed-sites?control=1', { credentials: 'include' }).catch(() => {}));
      await expect
        .poll(() => proxy.requests.filter((r) => r.path === '/v1/child-directed-sites' && (r.cookie || '').includes('network_session')).length)
        .toBe(1);
      await page.waitForTimeout(500);
      const before = events().length;
      await hidePage(page);
      expect(ofType(await storedFor(uid), 'session_end'), 'the last send as the page hides, stored').toHaveLength(1);
      expect(events().length, 'the last send').toBeGreaterThan(before);
      for (const r of events()) expect(r.cookie, `the Cookie header of an events request`).toBeNull();
    } finally {
      await proxy.close();
    }
  });

  test('page_view carries visits, the frequency counted in fr12345: one per session', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openAt(page, `${SITE}/a.html`, { slots: [] });
    await expect.poll(() => ofType(rec.events, 'page_view').length).toBe(1);
    expect(ofType(rec.events, 'page_view')[0].visits).toBe(1);

    // The same session: still the first visit.
    await openAt(page, `${SITE}/b.html`, { slots: [] });
    await expect.poll(() => ofType(rec.events, 'page_view').length).toBe(2);
    expect(ofType(rec.events, 'page_view')[1].visits).toBe(1);

    // The session cookie gone (30 idle minutes): a new session, the second visit.
    await context.clearCookies({ name: `sid${PUBLISHER}` });
    await openAt(page, `${SITE}/c.html`, { slots: [] });
    await expect.poll(() => ofType(rec.events, 'page_view').length).toBe(3);
    const third = ofType(rec.events, 'page_view')[2];
    expect(third.visits).toBe(2);
    const fr = (await tagCookies(context)).find((c) => c.name === `fr${PUBLISHER}`);
    expect(fr.value).toBe('2');
    await expect.poll(() => stored(third.uid).filter((e) => e.type === 'page_view').map((e) => e.visits)).toEqual([1, 1, 2]);
  });

  test('two tabs share one session: an event joins the session another tab wrote in sid12345', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openAt(page, `${SITE}/a.html`, { slots: ['x'] });
    await waitForSlots(page, 1);
    await expect.poll(() => ofType(rec.events, 'ad_impression').length).toBe(1);
    const first = ofType(rec.events, 'page_view')[0];

    // Another tab of the site started a new session meanwhile.
    const other = 'abcdef0123456789abcdef0123456789';
    await context.addCookies([{ name: `sid${PUBLISHER}`, value: other, url: SITE }]);
    await page.evaluate(() => window.adtag.on('adClick', () => (window.__clicked = true)));
    const opened = context.waitForEvent('page');
    await page.frameLocator('[data-adtag-slot="x"] iframe').locator('body').click();
    await opened;
    await expect.poll(() => ofType(rec.events, 'ad_click').length).toBe(1);
    const click = ofType(rec.events, 'ad_click')[0];
    expect(first.sid).not.toBe(other);
    expect(click.sid, 'the ad_click belongs to the shared session').toBe(other);
    const sid = (await tagCookies(context)).find((c) => c.name === `sid${PUBLISHER}`);
    expect(sid.value, 'the cookie is not set back to the old session').toBe(other);
  });

  test('session_end after 31 idle minutes belongs to the session it ends and starts none', async ({ page, context }) => {
    await page.clock.install();
    const rec = recordRequests(context);
    await openAt(page, `${SITE}/a.html`, { slots: [] });
    await expect.poll(() => ofType(rec.events, 'page_view').length).toBe(1);
    const view = ofType(rec.events, 'page_view')[0];
    await page.clock.fastForward('31:00');
    await hidePage(page);
    const ends = ofType(await storedFor(view.uid), 'session_end');
    expect(ends).toHaveLength(1);
    const end = ends[0];
    expect(end.sid, 'session_end carries the session it ends').toBe(view.sid);
    const sid = (await tagCookies(context)).find((c) => c.name === `sid${PUBLISHER}`);
    expect(sid && sid.value, 'no new session written').toBe(view.sid);
  });
});

test.describe('nothing lost', () => {
  test('a collector down for a whole page view loses nothing once the visitor views another page of the site', async ({ page, context }) => {
    const failed = await failingCollector(context, (req) => (req.headers()['referer'] || '').endsWith('/a.html'));
    // A slow list: the decision comes late, and nothing touches localStorage before it.
    await context.route('**/v1/child-directed-sites*', async (route) => {
      await new Promise((r) => setTimeout(r, 500));
      return route.continue();
    });
    const rec = recordRequests(context);
    await page.addInitScript(storageSpy);
    await openAt(page, `${SITE}/a.html`, { slots: ['x', ['y', '728x90']] });
    await waitForSlots(page, 2);
    await waitForAttempt(failed);
    await expect.poll(async () => ((await storedOutbox(page)) || []).map((e) => e.type).sort(), { message: 'events kept in localStorage' })
      .toEqual(['ad_impression', 'ad_impression', 'page_view']);
    // Nothing touched localStorage before the decision.
    const calls = await page.evaluate(() => window.__storage);
    const decidable = await listArrivedAt(page);
    expect(decidable).toBeGreaterThan(400);
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(c.t, `${c.op}(${c.key}) before the decision`).toBeGreaterThanOrEqual(decidable);
    expect(new Set(calls.map((c) => c.key))).toEqual(new Set([KEY]));

    const uid = (await tagCookies(context)).find((c) => c.name === `v${PUBLISHER}`).value;
    const firstPage = rec.events.filter((e) => e.page.endsWith('/a.html'));
    await openAt(page, `${SITE}/b.html`, { slots: [] }); // page a hides: session_end fails too
    const types = (evs) => evs.map((e) => e.type).sort();
    await expect
      .poll(() => types(stored(uid).filter((e) => e.page.endsWith('/a.html'))), { message: 'page a\'s events at the collector', timeout: 10_000 })
      // (ad_viewable too, when page a lived long enough for its ads to be viewable.)
      .toEqual(expect.arrayContaining(['ad_impression', 'ad_impression', 'page_view', 'session_end']));
    for (const e of firstPage) expect(stored(uid).map((s) => s.id)).toContain(e.id);
    // Each counted once; once delivered, nothing stays stored.
    const ids = stored(uid).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    await expect.poll(() => storedOutbox(page), { message: 'the stored outbox once delivered' }).toBeNull();
  });

  test('a batch in flight when the page is left is not lost: its 503 comes after the page is gone', async ({ page, context }) => {
    let release;
    const held = new Promise((r) => (release = r));
    const heldIds = [];
    await context.route('**/v1/events', async (route) => {
      if (heldIds.length === 0 && (route.request().headers()['referer'] || '').endsWith('/a.html')) {
        heldIds.push(...JSON.parse(route.request().postData()).map((e) => e.id));
        await held;
        return route.fulfill({ status: 503, headers: CORS, body: 'down' }).catch(() => {});
      }
      return route.continue();
    });
    await openAt(page, `${SITE}/a.html`, { slots: ['x'] });
    await expect.poll(() => heldIds.length, { message: 'a batch in flight' }).toBeGreaterThan(0);
    const uid = (await tagCookies(context)).find((c) => c.name === `v${PUBLISHER}`).value;
    await openAt(page, `${ORIGIN}/elsewhere.html`, { tag: '', slots: [] });
    release();
    await page.waitForTimeout(300);
    // The next page view of the site sends it again.
    await openAt(page, `${SITE}/b.html`, { slots: [] });
    await expect
      .poll(() => heldIds.filter((id) => stored(uid).some((e) => e.id === id)).length, { message: 'the held batch delivered', timeout: 10_000 })
      .toBe(heldIds.length);
  });

  // Events recorded while the page is hidden go out at pagehide: no trusted hide lets a page
  // live on hidden in headless Chromium under Playwright (see hidePage), so that rule is proven
  // over WebDriver, where another tab in front hides the page (tests/wd/scenarios.js, "an ad
  // shown while the tab is hidden is counted when the page is left, still hidden").

  test('a 5xx answer is retried, a 4xx answer is not, and the refused events leave the store', async ({ page, context }) => {
    const posts = [];
    await context.route('**/v1/events', async (route) => {
      posts.push(JSON.parse(route.request().postData()).map((e) => e.id));
      if (posts.length === 1) return route.fulfill({ status: 503, headers: CORS, body: 'down' });
      if (posts.length === 2) return route.fulfill({ status: 400, headers: CORS, body: 'no' });
      return route.continue();
    });
    await openAt(page, `${SITE}/a.html`, { slots: [] });
    await expect.poll(() => posts.length, { message: 'the 503 retried' }).toBe(2);
    expect(posts[1], 'the retry holds the same events').toEqual(posts[0]);
    await page.waitForTimeout(3000); // past the next backoff (2 s)
    const refused = posts[1];
    expect(posts.slice(2).flat().filter((id) => refused.includes(id)), 'refused ids sent again').toEqual([]);
    expect(await storedOutbox(page)).toBeNull();
  });
});

test.describe('nothing kept without permission', () => {
  test('an opt-out in between: nothing from before is ever sent, and nothing stays stored', async ({ page, context }) => {
    const failed = await failingCollector(context, () => true);
    await openAt(page, `${SITE}/a.html`, { slots: ['x'] });
    await waitForSlots(page, 1);
    await waitForAttempt(failed);
    await expect.poll(async () => ((await storedOutbox(page)) || []).length).toBeGreaterThan(0);

    // The visitor opts out in another tab of the site.
    const other = await context.newPage();
    await openAt(other, `${SITE}/b.html`, { slots: [] });
    await tagReady(other);
    await other.evaluate(() => window.adtag.optOut());
    // (localStorage reaches this tab's process a moment later.)
    await expect.poll(() => storedOutbox(page), { message: 'the store after optOut() in the other tab' }).toBeNull();
    // This tab hides (is left, for a page of the same origin: the same storage): it finds
    // the opt-out cookie and stores nothing again.
    await hidePage(page);
    expect(await storedOutbox(page)).toBeNull();
    await other.close();

    // Back in later and the collector up again: none of the old events is ever sent.
    await context.unroute('**/v1/events');
    const rec = recordRequests(context);
    await openAt(page, `${SITE}/c.html`, { slots: [] });
    await tagReady(page);
    await page.evaluate(() => window.adtag.optIn());
    await expect.poll(() => ofType(rec.events, 'page_view').length, { message: 'collecting again' }).toBe(1);
    await page.waitForTimeout(500);
    const old = new Set(failed);
    expect(rec.events.filter((e) => old.has(e.id)), 'events from before the opt-out').toEqual([]);
    expect(collectedEvents().filter((e) => old.has(e.id))).toEqual([]);
  });

  test('the opt-out cookie set elsewhere (the opt-out page): the next page view deletes the store unsent', async ({ page, context }) => {
    const failed = await failingCollector(context, () => true);
    await openAt(page, `${SITE}/a.html`, { slots: [] });
    await waitForAttempt(failed);
    await expect.poll(async () => ((await storedOutbox(page)) || []).length).toBeGreaterThan(0);
    await context.addCookies([{ name: 'adtag_optout', value: '1', url: SITE }]);
    await context.unroute('**/v1/events');
    const rec = recordRequests(context);
    await openAt(page, `${SITE}/b.html`, { slots: ['x'] });
    await waitForSlots(page, 1);
    await expect.poll(() => storedOutbox(page)).toBeNull();
    await page.waitForTimeout(500);
    expect(rec.eventPosts).toEqual([]);
  });

  test('cookies cleared but not localStorage: the old identifier\'s events are deleted unsent, never sent with the new one', async ({ page, context }) => {
    const failed = await failingCollector(context, () => true);
    await openAt(page, `${SITE}/a.html`, { slots: [] });
    await waitForAttempt(failed);
    await expect.poll(async () => ((await storedOutbox(page)) || []).length).toBeGreaterThan(0);
    const oldUid = (await storedOutbox(page))[0].uid;

    await context.clearCookies();
    await context.unroute('**/v1/events');
    const rec = recordRequests(context);
    await openAt(page, `${SITE}/b.html`, { slots: [] });
    await expect.poll(() => ofType(rec.events, 'page_view').length).toBe(1);
    await page.waitForTimeout(500);
    expect(rec.events[0].uid).not.toBe(oldUid);
    expect(rec.events.filter((e) => e.uid === oldUid), 'events of the old identifier').toEqual([]);
    expect(((await storedOutbox(page)) || []).filter((e) => e.uid === oldUid)).toEqual([]);
  });

  /** An allowed page a whose events stay stored (the collector down), then a child-directed page b. */
  async function allowedThenChildDirected(page, context) {
    const failed = await failingCollector(context, () => true);
    await openAt(page, `${SITE}/a.html`, { slots: [] });
    await waitForAttempt(failed);
    await expect.poll(async () => ((await storedOutbox(page)) || []).length).toBeGreaterThan(0);

    await context.unroute('**/v1/events');
    const rec = recordRequests(context);
    const all = await storageCalls(page);
    const collector = collectorSince();
    await openAt(page, `${SITE}/b.html`, {
      tag: tagScript({ 'data-publisher': PUBLISHER, 'data-child-directed': 'true' }),
      slots: ['x'],
    });
    await waitForSlots(page, 1);
    // Hidden (left for a page of the same origin: the same storage).
    await hidePage(page);
    return { rec, all, collector };
  }

  test('a child-directed page after an allowed one never reads nor stores anything, and sends nothing', async ({ page, context }) => {
    const { rec, all, collector } = await allowedThenChildDirected(page, context);
    const calls = all.filter((c) => c.key.startsWith('adtag'));
    expect(calls.filter((c) => c.op !== 'removeItem'), 'storage reads and writes on a child-directed page').toEqual([]);
    expect(rec.eventPosts).toEqual([]);
    // (Page a's own last send, as it was left with the collector up again, may arrive now.)
    expect(collector.since().filter((e) => !e.page.endsWith('/a.html')), 'events of page b stored').toEqual([]);
  });

  // SPEC §4: "an opt-out or any refusing decision deletes them unsent" (a child-directed page
  // too; this failed while the tag left the store alone on such a page).
  test('a child-directed page deletes what an allowed page of the site left, unsent', async ({ page, context }) => {
    const { all } = await allowedThenChildDirected(page, context);
    expect(await storedOutbox(page)).toBeNull();
    expect(all.filter((c) => c.key.startsWith('adtag') && c.op === 'removeItem').length, 'the deletion').toBeGreaterThan(0);
  });

  test('a page of a child-directed site and a refusing (GPC) page store nothing', async ({ page, context }) => {
    const { KIDS } = require('./helpers');
    const all = await storageCalls(page);
    const collector = collectorSince();
    const rec = recordRequests(context);
    // Each page hidden (left for a page of its own origin: the same storage).
    await openAt(page, `${KIDS}/a.html`, { slots: ['x'] });
    await waitForSlots(page, 1);
    await hidePage(page);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);

    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
    await openAt(page, `${SITE}/gpc.html`, { slots: ['x'] });
    await waitForSlots(page, 1);
    await hidePage(page);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(all.filter((c) => c.op === 'setItem' || c.op === 'getItem'), 'storage reads and writes').toEqual([]);
    expect(rec.eventPosts).toEqual([]);
    expect(collector.since(), 'events stored').toEqual([]);
  });
});
