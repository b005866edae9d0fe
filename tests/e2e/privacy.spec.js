// The privacy decision, end to end (SPEC §2; issue 3): for each signal alone and a few
// combinations, a visitor still sees the ad, and the ad network learns nothing: no event
// beacon, no tag cookie, no identifier, npa=1 (and coppa=1 when child-directed) on the ad
// request. A control page where collection IS allowed proves these checks can fail.
const {
  test,
  expect,
  ORIGIN,
  NEWS,
  KIDS,
  NOTKIDS,
  PORT,
  PUBLISHER,
  TAG_COOKIE_PREFIXES,
  recordRequests,
  tagCookies,
  tagScript,
  testPage,
  openTestPage,
  waitForSlots,
  expectRendered,
  hidePage,
  storedFor,
  collectorSince,
  recordingProxy,
  ofType,
  waitForEvent,
  forbiddenWhenRefused,
  forbiddenWhenAllowed,
  recordAllRequests,
  notAllowedBeforeDecision,
} = require('./helpers');

// ---------------------------------------------------------------------------------------
// Local helpers

const TOYLAND = `http://toyland.test:${PORT}`;
const SLOTS = [['a', '300x250'], ['b', '728x90']];
const SIZES = { a: [300, 250], b: [728, 90] };
const LIST = '**/v1/child-directed-sites*';

/**
 * Lets the page live past the tag's batching delay (300 ms) while visible, then hides it
 * (by leaving it for a page of the same origin: see hidePage), which makes a collecting tag
 * send everything it has (session_end included) as it goes; resolves to what hidePage did.
 * The bounded waits only serve to prove absence; the control test shows the same
 * procedure does catch the events of a collecting tag.
 */
async function liveThenHide(page) {
  await page.waitForTimeout(400);
  return hidePage(page);
}

/** Opens `html` options at `origin`, waits for every slot, checks what the visitor sees. */
async function openAndRender(page, options = {}, origin = NEWS) {
  await openTestPage(page, { slots: SLOTS, ...options }, origin);
  const ended = await waitForSlots(page, SLOTS.length);
  expect(ended.map((e) => e.isEmpty), 'every slot got an ad').toEqual(SLOTS.map(() => false));
  for (const [name, size] of Object.entries(SIZES)) await expectRendered(page, name, size);
}

/**
 * Everything a page that must not collect has to show: ads requested with npa=1, the
 * expected coppa and no uid; the decision and its reasons; then, over the page's whole
 * life including being hidden, no request to /v1/events, no tag cookie, no cookie write of
 * any name and no storage call (the storage log, when given).
 */
async function expectNoCollection(page, context, rec, { coppa, reasons }, storageLog) {
  expect(rec.ads.map((a) => a.params.slot).sort(), 'one ad request per slot').toEqual(Object.keys(SIZES));
  for (const ad of rec.ads) {
    expect(ad.params.npa, `npa on ${ad.url}`).toBe('1');
    expect(ad.params.coppa, `coppa on ${ad.url}`).toBe(coppa);
    expect(ad.params, `no uid on ${ad.url}`).not.toHaveProperty('uid');
  }
  const decision = await page.evaluate(() => window.adtag.decision());
  expect(decision).toMatchObject({ collect: false, cookies: false, personalized: false, childDirected: coppa === '1' });
  expect(decision.reasons).toEqual(reasons);
  expect(await tagCookies(context), 'tag cookies after load').toEqual([]);

  const collector = collectorSince();
  const left = await liveThenHide(page);
  expect(rec.eventPosts, 'requests to /v1/events').toEqual([]);
  // The send as the page goes is seen at the collector only.
  expect(collector.since(), 'events stored by the collector').toEqual([]);
  expect(await tagCookies(context), 'tag cookies after the page was hidden').toEqual([]);
  // The page left for one of the same origin: the same storage.
  const storage = await page.evaluate(() => [localStorage.length, sessionStorage.length]);
  expect(storage, 'localStorage and sessionStorage entries').toEqual([0, 0]);
  if (storageLog) expect(forbiddenWhenRefused(await storageLog.entries(left)), 'cookie writes and storage calls').toEqual([]);
}

const gpcOn = () =>
  Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
const gpcThrows = () =>
  Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
    get: () => {
      throw new Error('a privacy extension hides the signal');
    },
    configurable: true,
  });

// ---------------------------------------------------------------------------------------

test.describe('the control: a page where everything allows collection', () => {
  test('notkids.example (not on the list): events are sent, v12345 is set, the ad request has npa=0, coppa=0 and the uid; the tag writes only its own cookies, and deletes none', async ({ page, context, storageLog }) => {
    const rec = recordRequests(context);
    await openAndRender(page, {}, NOTKIDS);
    const decision = await page.evaluate(() => window.adtag.decision());
    expect(decision).toMatchObject({ collect: true, cookies: true, personalized: true, childDirected: false, reasons: [] });

    const v = (await tagCookies(context)).find((c) => c.name === `v${PUBLISHER}`);
    expect(v, 'the v12345 cookie').toBeTruthy();
    expect(v.value).toMatch(/^[0-9a-f]{32}$/);
    expect(rec.ads, 'one ad request per slot').toHaveLength(SLOTS.length);
    for (const ad of rec.ads) {
      expect(ad.params).toMatchObject({ npa: '0', coppa: '0', uid: v.value });
    }
    // The very same procedure the negative tests use catches the events.
    const left = await liveThenHide(page);
    expect(rec.eventPosts.length).toBeGreaterThan(0);
    const types = (await storedFor(v.value)).map((e) => e.type);
    for (const t of ['page_view', 'ad_impression', 'session_end']) expect(types).toContain(t);
    // The same storage log the negative tests read sees the tag's cookie writes here.
    const log = await storageLog.entries(left);
    expect(log.filter((e) => e.op === 'cookie-write').map((e) => e.name), 'cookie writes').toContain(`v${PUBLISHER}`);
    expect(forbiddenWhenRefused(log).length, 'writes a refusing page would be failed for').toBeGreaterThan(0);
    expect(forbiddenWhenAllowed(log), 'cookie writes and storage calls beyond the tag cookies').toEqual([]);
  });
});

test.describe('each signal alone: the ad is shown, nothing is collected (SPEC §2)', () => {
  test('opt-out cookie adtag_optout=1 → opt-out-cookie', async ({ page, context, storageLog }) => {
    await context.addCookies([{ name: 'adtag_optout', value: '1', url: NEWS }]);
    const rec = recordRequests(context);
    await openAndRender(page);
    await expectNoCollection(page, context, rec, { coppa: '0', reasons: ['opt-out-cookie'] }, storageLog);
  });

  test('a custom opt-out cookie name (data-opt-out-cookie="myopt") is honoured', async ({ page, context, storageLog }) => {
    await context.addCookies([{ name: 'myopt', value: '1', url: NEWS }]);
    const rec = recordRequests(context);
    await openAndRender(page, { tag: tagScript({ 'data-publisher': PUBLISHER, 'data-opt-out-cookie': 'myopt' }) });
    await expectNoCollection(page, context, rec, { coppa: '0', reasons: ['opt-out-cookie'] }, storageLog);
  });

  test('data-child-directed on the script tag → coppa=1, child-directed-flag', async ({ page, context, storageLog }) => {
    const rec = recordRequests(context);
    await openAndRender(page, { tag: tagScript({ 'data-publisher': PUBLISHER, 'data-child-directed': true }) });
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-flag'] }, storageLog);
  });

  test('window.adtag.config.childDirected = true → coppa=1, child-directed-flag', async ({ page, context, storageLog }) => {
    const rec = recordRequests(context);
    await openAndRender(page, {
      head: '<script>window.adtag = window.adtag || { cmd: [] }; window.adtag.config = { childDirected: true };</script>',
    });
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-flag'] }, storageLog);
  });

  test('<meta name="adtag-child-directed" content="true"> → coppa=1, child-directed-flag', async ({ page, context, storageLog }) => {
    const rec = recordRequests(context);
    await openAndRender(page, { head: '<meta name="adtag-child-directed" content="true">' });
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-flag'] }, storageLog);
  });

  test('a subdomain of a listed site (www.kids.example) → coppa=1, child-directed-list', async ({ page, context, storageLog }) => {
    const rec = recordRequests(context);
    await openAndRender(page, {}, KIDS);
    expect(rec.lists.length, 'the list was asked for').toBeGreaterThan(0);
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-list'] }, storageLog);
  });

  test('a listed site itself (toyland.test) → coppa=1, child-directed-list', async ({ page, context, storageLog }) => {
    const rec = recordRequests(context);
    await openAndRender(page, {}, TOYLAND);
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-list'] }, storageLog);
  });

  test('Global Privacy Control (navigator.globalPrivacyControl === true) → gpc', async ({ page, context, storageLog }) => {
    await context.addInitScript(gpcOn);
    const rec = recordRequests(context);
    await openAndRender(page);
    expect(await page.evaluate(() => navigator.globalPrivacyControl)).toBe(true);
    await expectNoCollection(page, context, rec, { coppa: '0', reasons: ['gpc'] }, storageLog);
  });

  test('a globalPrivacyControl getter that throws → gpc (the signal is unknown, and unknown means no)', async ({ page, context, storageLog }) => {
    await context.addInitScript(gpcThrows);
    const rec = recordRequests(context);
    await openAndRender(page);
    expect(await page.evaluate(() => { try { return navigator.globalPrivacyControl; } catch { return 'threw'; } })).toBe('threw');
    await expectNoCollection(page, context, rec, { coppa: '0', reasons: ['gpc'] }, storageLog);
  });
});

test.describe('the child-directed list cannot be had: unknown counts as child-directed (SPEC §2)', () => {
  const failures = [
    { name: 'a 500 answer', handle: (route) => route.fulfill({ status: 500, contentType: 'text/plain', body: 'Internal Server Error' }) },
    { name: 'a garbage body', handle: (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '<html>oops [' }) },
    { name: 'JSON of the wrong shape', handle: (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"sites":["kids.example"]}' }) },
    { name: 'a request that never answers', handle: () => {} },
  ];
  for (const f of failures) {
    test(`${f.name} → coppa=1, child-directed-list-unavailable, the ad still shown`, async ({ page, context, storageLog }) => {
      await page.route(LIST, f.handle);
      const rec = recordRequests(context);
      await openAndRender(page, {}, NOTKIDS);
      await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-list-unavailable'] }, storageLog);
    });
  }
});

test.describe('combinations (SPEC §2)', () => {
  test('opted out on a page flagged child-directed → both reasons, coppa=1', async ({ page, context, storageLog }) => {
    await context.addCookies([{ name: 'adtag_optout', value: '1', url: NEWS }]);
    const rec = recordRequests(context);
    await openAndRender(page, { tag: tagScript({ 'data-publisher': PUBLISHER, 'data-child-directed': 'true' }) });
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['opt-out-cookie', 'child-directed-flag'] }, storageLog);
  });

  test('GPC on a listed host → child-directed-list and gpc, coppa=1', async ({ page, context, storageLog }) => {
    await context.addInitScript(gpcOn);
    const rec = recordRequests(context);
    await openAndRender(page, {}, KIDS);
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-list', 'gpc'] }, storageLog);
  });

  test('meta tag while the list fails → child-directed-flag and child-directed-list-unavailable', async ({ page, context, storageLog }) => {
    await page.route(LIST, (route) => route.fulfill({ status: 503, body: '' }));
    const rec = recordRequests(context);
    await openAndRender(page, { head: '<meta name="adtag-child-directed" content="true">' }, NOTKIDS);
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-flag', 'child-directed-list-unavailable'] }, storageLog);
  });

  test('opted out with an identifier left from before: it is neither read nor sent, nor changed', async ({ page, context, storageLog }) => {
    const uid = '0123456789abcdef0123456789abcdef';
    await context.addCookies([
      { name: 'adtag_optout', value: '1', url: NOTKIDS },
      { name: `v${PUBLISHER}`, value: uid, url: NOTKIDS },
    ]);
    const urls = [];
    context.on('request', (req) => urls.push(req.url() + ' ' + (req.postData() || '')));
    const rec = recordRequests(context);
    await openAndRender(page, {}, NOTKIDS);
    expect(rec.ads, 'one ad request per slot').toHaveLength(SLOTS.length);
    for (const ad of rec.ads) {
      expect(ad.params).toMatchObject({ npa: '1', coppa: '0' });
      expect(ad.params).not.toHaveProperty('uid');
    }
    const collector = collectorSince();
    await liveThenHide(page);
    expect(rec.eventPosts).toEqual([]);
    expect(urls.filter((u) => u.includes(uid)), 'requests carrying the old identifier').toEqual([]);
    // The send as the page goes is seen at the collector only.
    expect(collector.since(), 'events stored by the collector').toEqual([]);
    const left = await tagCookies(context);
    expect(left.map((c) => [c.name, c.value])).toEqual([[`v${PUBLISHER}`, uid]]);
  });
});

test.describe('adtag.optOut() and adtag.optIn() on the opt-out page (SPEC §2)', () => {
  // The publisher's own cookies, some of them looking like the tag's: none may be touched.
  const PUBLISHER_COOKIES = [
    ['pubsession', '1'],
    ['sid', 'publisher-session'],
    [`v${PUBLISHER}6`, 'another-id'],
    ['v99999', 'other-publisher'],
  ];

  test('optOut() deletes all 14 tag cookies, sets adtag_optout=1 for a year, leaves the publisher cookies; optIn() removes it', async ({ page, context, storageLog }) => {
    const hex = 'abcdefabcdefabcdefabcdefabcdef12';
    await context.addCookies([
      ...TAG_COOKIE_PREFIXES.map((p) => ({ name: p + PUBLISHER, value: p === 'v' ? hex : p === 'fr' ? '3' : p === 'sid' ? `${hex}.${Date.now()}` : 'x', url: ORIGIN })),
      ...PUBLISHER_COOKIES.map(([name, value]) => ({ name, value, url: ORIGIN })),
    ]);
    await page.goto('/optout.html');
    // The visitor was being measured until now (collection allowed on this page).
    await page.waitForFunction(() => window.adtag && typeof window.adtag.decision === 'function' && window.adtag.decision().collect);
    expect((await tagCookies(context)).length, 'tag cookies before').toBe(TAG_COOKIE_PREFIXES.length);

    await page.evaluate(() => window.adtag.optOut());

    expect(await tagCookies(context), 'tag cookies after optOut()').toEqual([]);
    const cookies = await context.cookies();
    const optout = cookies.find((c) => c.name === 'adtag_optout');
    expect(optout).toMatchObject({ value: '1', path: '/', sameSite: 'Lax' });
    const days = (optout.expires * 1000 - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(367);
    for (const [name, value] of PUBLISHER_COOKIES) {
      expect(cookies.find((c) => c.name === name), `publisher cookie ${name}`).toMatchObject({ value });
    }
    const decision = await page.evaluate(() => window.adtag.decision());
    expect(decision.collect).toBe(false);
    expect(decision.reasons).toContain('opt-out-cookie');
    await expect(page.locator('#optout-state')).toHaveAttribute('data-opted-out', 'true');

    await page.evaluate(() => window.adtag.optIn());
    const after = await context.cookies();
    expect(after.filter((c) => c.name === 'adtag_optout'), 'opt-out cookie after optIn()').toEqual([]);
    expect((await page.evaluate(() => window.adtag.decision())).reasons).not.toContain('opt-out-cookie');
    for (const [name, value] of PUBLISHER_COOKIES) {
      expect(after.find((c) => c.name === name), `publisher cookie ${name}`).toMatchObject({ value });
    }
  });

  test('on www.news.example, tag cookies set for the whole domain (.news.example) are deleted too', async ({ page, context, storageLog }) => {
    const site = `http://www.news.example:${PORT}`;
    await context.addCookies([
      ...['v', 'sid', 'fr', 'c'].map((p) => ({ name: p + PUBLISHER, value: 'x', domain: '.news.example', path: '/' })),
      ...['v', 'fr'].map((p) => ({ name: p + PUBLISHER, value: 'y', url: site })),
      { name: 'pubsession', value: '1', domain: '.news.example', path: '/' },
    ]);
    await page.goto(`${site}/optout.html`);
    // The visitor was being measured until now (collection allowed on this page).
    await page.waitForFunction(() => window.adtag && typeof window.adtag.decision === 'function' && window.adtag.decision().collect);
    await page.evaluate(() => window.adtag.optOut());
    expect(await tagCookies(context)).toEqual([]);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'pubsession')).toMatchObject({ value: '1', domain: '.news.example' });
    expect(cookies.find((c) => c.name === 'adtag_optout')).toMatchObject({ value: '1' });
  });
});

test.describe('the in-between state: the site list on its way (SPEC §2)', () => {
  test('while the list has not arrived: no event, no cookie write of any name, no storage call, only allowed requests; once it arrives (host not listed), collection starts', async ({ page, context, rec, storageLog }) => {
    const requests = recordAllRequests(context);
    let release;
    const held = new Promise((resolve) => (release = resolve));
    let askedAt = 0;
    await page.route(LIST, async (route) => {
      askedAt = Date.now();
      await held;
      await route.continue().catch(() => {}); // the tag may have given up meanwhile
    });
    await openTestPage(page, { slots: SLOTS }, NOTKIDS);
    await expect.poll(() => askedAt, { message: 'the tag asked for the site list' }).toBeGreaterThan(0);
    // Well inside the tag's list timeout (1.5 s): the list is pending, not failed.
    await page.waitForTimeout(300);

    expect(rec.eventPosts, 'requests to /v1/events while the list is pending').toEqual([]);
    expect(await storageLog.entries(page), 'cookie writes and storage calls while the list is pending').toEqual([]);
    expect(await tagCookies(context), 'tag cookies while the list is pending').toEqual([]);
    expect(notAllowedBeforeDecision(requests), 'requests the decision has not allowed yet').toEqual([]);
    expect(await page.evaluate(() => window.adtag.decision().collect), 'collect while the list is pending').toBe(false);
    expect(Date.now() - askedAt, 'still within the list timeout when checked').toBeLessThan(1500);

    release();
    const pageView = await waitForEvent(rec, 'page_view');
    const v = (await tagCookies(context)).find((c) => c.name === `v${PUBLISHER}`);
    expect(v, 'the v12345 cookie, once allowed').toBeTruthy();
    expect(pageView.uid).toBe(v.value);
    expect(forbiddenWhenAllowed(await storageLog.entries(page)), 'cookie writes and storage calls beyond the tag cookies').toEqual([]);
  });

  test('while the list has not arrived on a listed host: nothing; once it arrives, still nothing (child-directed-list)', async ({ page, context, rec, storageLog }) => {
    let release;
    const held = new Promise((resolve) => (release = resolve));
    let asked = false;
    await page.route(LIST, async (route) => {
      asked = true;
      await held;
      await route.continue().catch(() => {});
    });
    await openTestPage(page, { slots: SLOTS }, KIDS);
    await expect.poll(() => asked, { message: 'the tag asked for the site list' }).toBe(true);
    await page.waitForTimeout(500);
    expect(await storageLog.entries(page), 'cookie writes and storage calls while the list is pending').toEqual([]);
    release();
    await waitForSlots(page, SLOTS.length);
    await expect.poll(() => page.evaluate(() => window.adtag.decision().reasons)).toEqual(['child-directed-list']);
    const collector = collectorSince();
    const left = await liveThenHide(page);
    expect(rec.eventPosts, 'requests to /v1/events').toEqual([]);
    expect(collector.since(), 'events stored by the collector').toEqual([]);
    // A refusing decision deletes the events an earlier page of the site may have stored
    // (SPEC §4): one removeItem of the publisher's outbox key, the only call allowed.
    const calls = await storageLog.entries(left);
    expect(calls.filter((c) => !(c.op === 'storage-removeItem' && c.name === `adtag_outbox_${PUBLISHER}`)), 'cookie writes and storage calls').toEqual([]);
  });
});

test.describe('what each request carries (README: no request of the tag carries cookies)', () => {
  // The page on www.news.example, the tag and its endpoint on news.example: same site, so a
  // Lax cookie of the endpoint's origin would go along with any request that lets it.
  const PAGE = `http://www.news.example:${PORT}`;
  const ENDPOINT = NEWS;
  const PLANTED = 'adnet_planted';

  /** Opens the page with the network's own cookie planted; returns a log of `{path, cookie}`. */
  async function openWithPlantedCookie(page, context) {
    await context.addCookies([{ name: PLANTED, value: 'x', url: ENDPOINT, sameSite: 'Lax' }]);
    const seen = [];
    context.on('request', (req) => {
      const u = new URL(req.url());
      if (u.origin !== ENDPOINT) return;
      const entry = { path: u.pathname, method: req.method(), cookie: null, control: u.searchParams.has('control') };
      seen.push(entry);
      req
        .allHeaders()
        .then((h) => (entry.cookie = h.cookie || ''))
        .catch(() => (entry.cookie = '?'));
    });
    await openTestPage(page, { tag: tagScript({ 'data-publisher': PUBLISHER }, `${ENDPOINT}/adtag.js`), slots: ['x'] }, PAGE);
    return seen;
  }

  const withCookie = (seen) => seen.filter((r) => r.cookie && r.cookie.includes(PLANTED));

  test('the ad request, the site list and the events POSTs while the page lives carry no Cookie header (a request that allows cookies does)', async ({ page, context, rec }) => {
    const seen = await openWithPlantedCookie(page, context);
    await waitForSlots(page, 1);
    await waitForEvent(rec, 'ad_impression', 'x');
    // The control: a request from the page that sends credentials carries the planted cookie.
    await page.evaluate((u) => fetch(u + '/v1/child-directed-sites?control=1', { credentials: 'include' }).catch(() => {}), ENDPOINT);
    await expect.poll(() => withCookie(seen).filter((r) => r.control).length, { message: 'the control request carried the cookie' }).toBe(1);

    // The tag's own requests: its endpoints. (The publisher's <script src> is the page's
    // request, not the tag's: a browser sends cookies with it as with any script.)
    const tags = seen.filter((r) => !r.control && r.path.startsWith('/v1/'));
    await expect.poll(() => tags.every((r) => r.cookie !== null), { message: 'all headers read' }).toBe(true);
    const paths = new Set(tags.map((r) => r.path));
    for (const p of ['/v1/ad', '/v1/child-directed-sites', '/v1/events']) expect(paths, `a request to ${p}`).toContain(p);
    expect(withCookie(tags).map((r) => `${r.method} ${r.path}`), "the tag's requests that carried the endpoint's cookie").toEqual([]);
  });

  // The final send leaves as the page goes: no page.on('request') sees it, so the page, the
  // tag and its endpoint come through a recording proxy of the test's own (see recordingProxy).
  test('the final send as the page is hidden (left) carries no Cookie header either', async ({ page, context }) => {
    const proxy = await recordingProxy();
    try {
      // As above: the page on www.news.example, the tag and its endpoint on news.example.
      const endpoint = `http://news.example:${proxy.port}`;
      const pageUrl = `http://www.news.example:${proxy.port}/test-page.html`;
      proxy.pages['/test-page.html'] = testPage({ tag: tagScript({ 'data-publisher': PUBLISHER }, `${endpoint}/adtag.js`), slots: ['x'] });
      await context.addCookies([{ name: PLANTED, value: 'x', url: endpoint, sameSite: 'Lax' }]);
      const events = () => proxy.requests.filter((r) => r.path === '/v1/events' && r.method === 'POST');
      const planted = (list) => list.filter((r) => (r.cookie || '').includes(PLANTED));
      await page.goto(pageUrl);
      await waitForSlots(page, 1);
      await expect.poll(() => events().length, { message: 'the first batch' }).toBeGreaterThan(0);
      // The control: a request of the page that sends credentials carries the planted cookie.
      await page.evaluate((u) => fetch(u + '/v1/child-directed-sites?control=1', { credentials: 'include' }).catch(() => {}), endpoint);
      await expect.poll(() => planted(proxy.requests.filter((r) => r.path === '/v1/child-directed-sites')).length, { message: 'the control request carried the cookie' }).toBe(1);
      await page.waitForTimeout(500); // the first batch delivered while the page lived
      const before = events().length;
      const collector = collectorSince();
      await hidePage(page);
      const finals = events().slice(before);
      expect(finals.length, 'the final send').toBeGreaterThan(0);
      expect(ofType(collector.since(), 'session_end'), 'the final send stored').toHaveLength(1);
      expect(planted(finals), 'final sends that carried the endpoint cookie').toEqual([]);
      expect(planted(events()), 'events requests that carried the endpoint cookie').toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

test.describe('opting out, wherever the visitor does it (SPEC §2)', () => {
  test('optOut() in one tab stops collection in the other open tab of the same site', async ({ page, context, rec }) => {
    const a = page;
    await openTestPage(a, { slots: ['x'] }, NOTKIDS);
    await waitForSlots(a, 1);
    const b = await context.newPage();
    await openTestPage(b, { slots: ['y'] }, NOTKIDS);
    // (Counted by id: a tab may also send what the other kept in storage, SPEC §4.)
    const distinct = (type) => new Set(ofType(rec.events, type).map((e) => e.id)).size;
    await expect.poll(() => distinct('page_view')).toBe(2);
    await expect.poll(() => distinct('ad_impression')).toBe(2);
    // Both ads are in view: once both are viewable, neither tab has anything left to record
    // until it is hidden, so what tab B does after the opt-out is its own choice, not a race
    // with an event it was recording at that very moment (another process writes its cookies).
    await waitForEvent(rec, 'ad_viewable', 'x');
    await waitForEvent(rec, 'ad_viewable', 'y');
    await a.waitForTimeout(500); // everything queued so far delivered
    // ... and nothing left in the stored outbox either (a tab may be sending what the other kept).
    await expect.poll(() => a.evaluate((key) => localStorage.getItem(key), `adtag_outbox_${PUBLISHER}`), { message: 'the stored outbox once delivered' }).toBeNull();

    const optedOutAt = await a.evaluate(() => {
      window.adtag.optOut();
      return Date.now();
    });
    // The page's cookie writes reach the browser's cookie store a moment later (another
    // process): polled, briefly. A cookie tab B wrote again would stay, and fail this.
    await expect.poll(() => tagCookies(context), { message: 'tag cookies right after optOut()', timeout: 2000 }).toEqual([]);
    // Tab B, still open, is hidden by the visitor (who leaves it): it must neither send nor
    // re-set cookies. Its send as it goes is seen at the collector only.
    const collector = collectorSince();
    await hidePage(b);
    expect(rec.events.filter((e) => e.ts >= optedOutAt), 'events after the opt-out (tab B)').toEqual([]);
    expect(collector.since(), 'events stored after the opt-out (tab B)').toEqual([]);
    expect((await tagCookies(context)).map((c) => c.name), 'tag cookies re-created by tab B').toEqual([]);
  });

  test('the tag in a sandboxed iframe (no allow-same-origin: document.cookie throws) cannot see the opt-out: it fails closed', async ({ page, context, rec }) => {
    await context.addCookies([{ name: 'adtag_optout', value: '1', url: NOTKIDS }]);
    const frameUrl = `${NOTKIDS}/frame-under-test.html`;
    const frameHtml = testPage({ tag: tagScript({ 'data-publisher': PUBLISHER }, `${NOTKIDS}/adtag.js`), slots: ['inner'] });
    await page.route(frameUrl, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: frameHtml }));
    await openTestPage(page, { body: `<iframe sandbox="allow-scripts" src="${frameUrl}" width="400" height="300"></iframe>` }, NOTKIDS);
    const frame = page.frame({ url: frameUrl });
    await expect.poll(() => rec.ads.length, { message: 'the framed tag requested its ad' }).toBe(1);
    await page.waitForTimeout(800);
    const d = await frame.evaluate(() => window.adtag.decision());
    expect(d.collect, 'collect while the opt-out cookie is unreadable').toBe(false);
    expect(rec.ads[0].params, 'uid on the ad request').not.toHaveProperty('uid');
    expect(rec.eventPosts, 'events from an opted-out visitor').toEqual([]);
  });

  test('the opt-out page says truthfully what it covers (this site), and keeps that promise on this site', async ({ page, rec }) => {
    // The opt-out cookie is first-party: it can't reach other sites, so the page must not say so.
    await page.goto(`${NEWS}/optout.html`);
    const main = page.locator('main');
    await expect(main).not.toContainText('every other site');
    await expect(main).toContainText('on this site');
    await page.waitForFunction(() => window.adtag && typeof window.adtag.optOut === 'function' && window.adtag.version);
    const optedOutAt = await page.evaluate(() => {
      window.adtag.optOut();
      return Date.now();
    });
    const url = await openTestPage(page, { slots: ['x'] }, NEWS);
    await waitForSlots(page, 1);
    await page.waitForTimeout(600);
    // (The opt-out page itself was measured until the click: its own page_view may be out.)
    const after = rec.events.filter((e) => e.ts >= optedOutAt || e.page === url);
    expect(after, 'events on this site after opting out').toEqual([]);
  });
});
