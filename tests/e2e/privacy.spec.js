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
  PORT,
  PUBLISHER,
  TAG_COOKIE_PREFIXES,
  recordRequests,
  tagCookies,
  tagScript,
  openTestPage,
  waitForSlots,
  expectRendered,
} = require('./helpers');

// ---------------------------------------------------------------------------------------
// Local helpers

/** Not on the child-directed list (the list has kids.example: "notkids" must not match). */
const NOTKIDS = `http://notkids.example:${PORT}`;
const TOYLAND = `http://toyland.test:${PORT}`;
const SLOTS = [['a', '300x250'], ['b', '728x90']];
const SIZES = { a: [300, 250], b: [728, 90] };
const LIST = '**/v1/child-directed-sites*';

/** The tab goes to the background (what a tag must treat as "page hidden": final flush). */
async function hidePage(page) {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/**
 * Lets the page live past the tag's batching delay (300 ms) while visible, then hides it,
 * which makes a collecting tag send everything it has (session_end included) at once.
 * The bounded waits only serve to prove absence; the control test shows the same
 * procedure does catch the events of a collecting tag.
 */
async function liveThenHide(page) {
  await page.waitForTimeout(400);
  await hidePage(page);
  await page.waitForTimeout(500);
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
 * life including being hidden, no request to /v1/events, no tag cookie, no storage.
 */
async function expectNoCollection(page, context, rec, { coppa, reasons }) {
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

  await liveThenHide(page);
  expect(rec.eventPosts, 'requests to /v1/events').toEqual([]);
  expect(await tagCookies(context), 'tag cookies after the page was hidden').toEqual([]);
  const storage = await page.evaluate(() => [localStorage.length, sessionStorage.length]);
  expect(storage, 'localStorage and sessionStorage entries').toEqual([0, 0]);
}

const gpcOn = () =>
  Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });

// ---------------------------------------------------------------------------------------

test.describe('the control: a page where everything allows collection', () => {
  test('notkids.example (not on the list): events are sent, v12345 is set, the ad request has npa=0, coppa=0 and the uid', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openAndRender(page, {}, NOTKIDS);
    const decision = await page.evaluate(() => window.adtag.decision());
    expect(decision).toMatchObject({ collect: true, cookies: true, personalized: true, childDirected: false, reasons: [] });

    const v = (await tagCookies(context)).find((c) => c.name === `v${PUBLISHER}`);
    expect(v, 'the v12345 cookie').toBeTruthy();
    expect(v.value).toMatch(/^[0-9a-f]{32}$/);
    for (const ad of rec.ads) {
      expect(ad.params).toMatchObject({ npa: '0', coppa: '0', uid: v.value });
    }
    // The very same procedure the negative tests use catches the events.
    await liveThenHide(page);
    expect(rec.eventPosts.length).toBeGreaterThan(0);
    const types = rec.events.map((e) => e.type);
    for (const t of ['page_view', 'ad_impression', 'session_end']) expect(types).toContain(t);
  });
});

test.describe('each signal alone: the ad is shown, nothing is collected (SPEC §2)', () => {
  test('opt-out cookie adtag_optout=1 → opt-out-cookie', async ({ page, context }) => {
    await context.addCookies([{ name: 'adtag_optout', value: '1', url: NEWS }]);
    const rec = recordRequests(context);
    await openAndRender(page);
    await expectNoCollection(page, context, rec, { coppa: '0', reasons: ['opt-out-cookie'] });
  });

  test('a custom opt-out cookie name (data-opt-out-cookie="myopt") is honoured', async ({ page, context }) => {
    await context.addCookies([{ name: 'myopt', value: '1', url: NEWS }]);
    const rec = recordRequests(context);
    await openAndRender(page, { tag: tagScript({ 'data-publisher': PUBLISHER, 'data-opt-out-cookie': 'myopt' }) });
    await expectNoCollection(page, context, rec, { coppa: '0', reasons: ['opt-out-cookie'] });
  });

  test('data-child-directed on the script tag → coppa=1, child-directed-flag', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openAndRender(page, { tag: tagScript({ 'data-publisher': PUBLISHER, 'data-child-directed': true }) });
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-flag'] });
  });

  test('window.adtag.config.childDirected = true → coppa=1, child-directed-flag', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openAndRender(page, {
      head: '<script>window.adtag = window.adtag || { cmd: [] }; window.adtag.config = { childDirected: true };</script>',
    });
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-flag'] });
  });

  test('<meta name="adtag-child-directed" content="true"> → coppa=1, child-directed-flag', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openAndRender(page, { head: '<meta name="adtag-child-directed" content="true">' });
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-flag'] });
  });

  test('a subdomain of a listed site (www.kids.example) → coppa=1, child-directed-list', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openAndRender(page, {}, KIDS);
    expect(rec.lists.length, 'the list was asked for').toBeGreaterThan(0);
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-list'] });
  });

  test('a listed site itself (toyland.test) → coppa=1, child-directed-list', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openAndRender(page, {}, TOYLAND);
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-list'] });
  });

  test('Global Privacy Control (navigator.globalPrivacyControl === true) → gpc', async ({ page, context }) => {
    await context.addInitScript(gpcOn);
    const rec = recordRequests(context);
    await openAndRender(page);
    expect(await page.evaluate(() => navigator.globalPrivacyControl)).toBe(true);
    await expectNoCollection(page, context, rec, { coppa: '0', reasons: ['gpc'] });
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
    test(`${f.name} → coppa=1, child-directed-list-unavailable, the ad still shown`, async ({ page, context }) => {
      await page.route(LIST, f.handle);
      const rec = recordRequests(context);
      await openAndRender(page, {}, NOTKIDS);
      await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-list-unavailable'] });
    });
  }
});

test.describe('combinations (SPEC §2)', () => {
  test('opted out on a page flagged child-directed → both reasons, coppa=1', async ({ page, context }) => {
    await context.addCookies([{ name: 'adtag_optout', value: '1', url: NEWS }]);
    const rec = recordRequests(context);
    await openAndRender(page, { tag: tagScript({ 'data-publisher': PUBLISHER, 'data-child-directed': 'true' }) });
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['opt-out-cookie', 'child-directed-flag'] });
  });

  test('GPC on a listed host → child-directed-list and gpc, coppa=1', async ({ page, context }) => {
    await context.addInitScript(gpcOn);
    const rec = recordRequests(context);
    await openAndRender(page, {}, KIDS);
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-list', 'gpc'] });
  });

  test('meta tag while the list fails → child-directed-flag and child-directed-list-unavailable', async ({ page, context }) => {
    await page.route(LIST, (route) => route.fulfill({ status: 503, body: '' }));
    const rec = recordRequests(context);
    await openAndRender(page, { head: '<meta name="adtag-child-directed" content="true">' }, NOTKIDS);
    await expectNoCollection(page, context, rec, { coppa: '1', reasons: ['child-directed-flag', 'child-directed-list-unavailable'] });
  });

  test('opted out with an identifier left from before: it is neither read nor sent, nor changed', async ({ page, context }) => {
    const uid = '0123456789abcdef0123456789abcdef';
    await context.addCookies([
      { name: 'adtag_optout', value: '1', url: NOTKIDS },
      { name: `v${PUBLISHER}`, value: uid, url: NOTKIDS },
    ]);
    const urls = [];
    context.on('request', (req) => urls.push(req.url() + ' ' + (req.postData() || '')));
    const rec = recordRequests(context);
    await openAndRender(page, {}, NOTKIDS);
    for (const ad of rec.ads) {
      expect(ad.params).toMatchObject({ npa: '1', coppa: '0' });
      expect(ad.params).not.toHaveProperty('uid');
    }
    await liveThenHide(page);
    expect(rec.eventPosts).toEqual([]);
    expect(urls.filter((u) => u.includes(uid)), 'requests carrying the old identifier').toEqual([]);
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

  test('optOut() deletes all 14 tag cookies, sets adtag_optout=1 for a year, leaves the publisher cookies; optIn() removes it', async ({ page, context }) => {
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

  test('on www.news.example, tag cookies set for the whole domain (.news.example) are deleted too', async ({ page, context }) => {
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
