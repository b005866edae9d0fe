// The tag's foundation, end to end (SPEC §1 and §3), as a visitor and a publisher see it.
const {
  test,
  expect,
  ORIGIN,
  NEWS,
  AD_NETWORK,
  KIDS,
  NOTKIDS,
  PUBLISHER,
  TAG_COOKIE_PREFIXES,
  isAdRequest,
  leavePage,
  ofType,
  recordRequests,
  consoleErrors,
  tagCookies,
  tagScript,
  openTestPage,
  waitForSlots,
  slotView,
  frameContents,
  expectRendered,
  expectCollapsed,
} = require('./helpers');

const DEMO_SLOTS = { top: [728, 90], side: [300, 250], inline: [300, 250] };

test.describe('ads (SPEC §3)', () => {
  test('the demo page shows an ad in a sandboxed frame in each slot; the empty slot, below the view, collapses', async ({ page }) => {
    const rec = recordRequests(page, { bodies: true });
    await rec.ready;
    await page.goto('/index.html');
    const ended = await waitForSlots(page, 4);

    for (const [slot, size] of Object.entries(DEMO_SLOTS)) {
      await expectRendered(page, slot, size, await rec.creative(slot));
    }
    await expectCollapsed(page, 'empty', { box: 'collapsed' });
    expect(ended).toHaveLength(4);
    expect(ended.find((e) => e.slot === 'empty')).toEqual({ slot: 'empty', isEmpty: true, size: null });
    for (const [slot, size] of Object.entries(DEMO_SLOTS)) {
      expect(ended.find((e) => e.slot === slot)).toEqual({ slot, isEmpty: false, size });
    }
  });

  test('each ad request names the publisher, the slot, its size and the page; on this allowed page npa=0, coppa=0 and the uid', async ({ page, context }) => {
    const rec = recordRequests(page);
    await page.goto('/index.html');
    await waitForSlots(page, 4);
    // 127.0.0.1 is on no list and nothing refuses: collection is allowed, the ads personalized.
    expect(await page.evaluate(() => window.adtag.decision())).toMatchObject({ collect: true, childDirected: false });
    const uid = (await tagCookies(context)).find((c) => c.name === `v${PUBLISHER}`);
    expect(uid, 'the v12345 cookie').toBeTruthy();
    const bySlot = Object.fromEntries(rec.ads.map((a) => [a.params.slot, a]));
    expect(Object.keys(bySlot).sort()).toEqual(['empty', 'inline', 'side', 'top']);
    expect(rec.ads).toHaveLength(4);
    for (const [slot, [w, h]] of Object.entries({ ...DEMO_SLOTS, empty: [300, 250] })) {
      const ad = bySlot[slot];
      expect(ad.origin).toBe(ORIGIN);
      expect(ad.params).toMatchObject({ pub: PUBLISHER, slot, size: `${w}x${h}`, url: `${ORIGIN}/index.html` });
      expect(ad.params).toMatchObject({ npa: '0', coppa: '0', uid: uid.value });
    }
  });

  test('a non-JSON answer, a server error, an oversized answer and a javascript: click URL empty only their own slot: its box kept in view, collapsed below it', async ({ page }) => {
    await page.route(
      (url) => isAdRequest(url, 'broken'),
      (route) => route.fulfill({ status: 500, contentType: 'text/plain', body: 'Internal Server Error' }),
    );
    await openTestPage(page, { slots: ['first', 'garbage', 'broken', 'huge', 'evil', ['last', '728x90']] });
    await waitForSlots(page, 6);

    await expectRendered(page, 'first', [300, 250]);
    await expectRendered(page, 'last', [728, 90]);
    // An ad whose click would run script on the page's behalf is not shown at all. Each
    // slot 250 px high under a heading, in a 720 px view: garbage and broken are (partly)
    // in view and keep their box (nothing the visitor sees moves); huge and evil, below the
    // view, collapse (collapseEmptySlots "auto", the default).
    for (const slot of ['garbage', 'broken']) await expectCollapsed(page, slot, { box: 'kept', size: [300, 250] });
    const brokenTop = await page.locator('[data-adtag-slot="broken"]').evaluate((el) => el.getBoundingClientRect().top < innerHeight);
    expect(brokenTop, 'the lower of the kept slots is in view').toBe(true);
    for (const slot of ['huge', 'evil']) await expectCollapsed(page, slot, { box: 'collapsed' });
    await expectRendered(page, 'last', [728, 90]);
  });

  test('a slot keeps its declared size while its ad is pending, and neighbours do not wait for it', async ({ page }) => {
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route(
      (url) => isAdRequest(url, 'held'),
      async (route) => {
        await held;
        await route.continue();
      },
    );
    const requested = page.waitForRequest((req) => isAdRequest(req.url(), 'held'));
    await openTestPage(page, { slots: [['held', '300x250'], ['other', '728x90']] });
    await requested;

    const [first] = await waitForSlots(page, 1);
    expect(first.slot).toBe('other');
    await expectRendered(page, 'other', [728, 90]);
    // Its frame may be there already (prepared with the request, hidden), but no ad is shown.
    const pending = await slotView(page, 'held');
    expect([pending.width, pending.height, pending.state]).toEqual([300, 250, 'loading']);
    expect(pending.frame === null || !pending.frame.visible, 'a frame shown while the ad is pending').toBe(true);
    expect(await frameContents(page, 'held'), 'the pending slot shows no ad').not.toContain('data-demo-ad');

    release();
    await waitForSlots(page, 2);
    const done = await expectRendered(page, 'held', [300, 250]);
    expect([done.width, done.height]).toEqual([300, 250]);
  });

  test('an ad that does not arrive in time leaves its slot empty (its box kept: in view); the others render meanwhile', async ({ page }) => {
    await openTestPage(page, { slots: ['slow', ['other', '728x90']] });
    const [first, second] = await waitForSlots(page, 2);
    expect(first).toEqual({ slot: 'other', isEmpty: false, size: [728, 90] });
    expect(second).toEqual({ slot: 'slow', isEmpty: true, size: null });
    await expectRendered(page, 'other', [728, 90]);
    await expectCollapsed(page, 'slow', { box: 'kept', size: [300, 250] });
  });

  test('collapseEmptySlots: "now" collapses an empty slot in view at once; "never" keeps an empty slot\'s box below the view', async ({ page }) => {
    // The demo server has no ad for the slot named "empty".
    await openTestPage(page, { tag: tagScript({ 'data-publisher': PUBLISHER, 'data-collapse-empty-slots': 'now' }), slots: ['empty', 'x'] });
    await waitForSlots(page, 2);
    await expectCollapsed(page, 'empty', { box: 'collapsed' });
    await expectRendered(page, 'x', [300, 250]);

    const body = '<div style="height:1600px">text</div><div data-adtag-slot="empty" data-adtag-size="300x250"></div><div style="height:1600px"></div>';
    const head = '<script>window.adtag = window.adtag || { cmd: [] }; window.adtag.config = { collapseEmptySlots: "never" };</script>';
    await openTestPage(page, { head, body });
    await waitForSlots(page, 1);
    await page.waitForTimeout(500); // "auto" would have collapsed it by now (out of view, below)
    await expectCollapsed(page, 'empty', { box: 'kept', size: [300, 250] });
  });

  test('a click on an ad opens the advertiser in a new tab and leaves the page where it is', async ({ page, context }) => {
    await page.goto('/index.html');
    await waitForSlots(page, 4);
    // The ad is on screen before the visitor clicks it (a loaded machine may still be parsing it).
    await expectRendered(page, 'side', [300, 250]);
    const opened = context.waitForEvent('page');
    await page.locator('[data-adtag-slot="side"] iframe').click();
    const landing = await opened;
    await landing.waitForLoadState();
    expect(landing.url()).toMatch(new RegExp(`^${ORIGIN}/landing\\.html\\?ad=demo-\\d+$`));
    await expect(landing.getByRole('heading')).toHaveText('You reached the advertiser');
    // The advertiser gets no handle back on the publisher's page (no reverse tabnabbing).
    expect(await landing.evaluate(() => window.opener === null), 'window.opener on the landing tab').toBe(true);
    expect(page.url()).toBe(`${ORIGIN}/index.html`);
  });

  test('loaded cross-origin from the ad network, the tag renders ads and asks its own origin for them', async ({ page }) => {
    const rec = recordRequests(page, { bodies: true });
    await rec.ready;
    const url = await openTestPage(page, {
      tag: tagScript({ 'data-publisher': PUBLISHER }, `${AD_NETWORK}/adtag.js`),
      slots: ['a', ['b', '728x90']],
    });
    await waitForSlots(page, 2);

    await expectRendered(page, 'a', [300, 250], await rec.creative('a'));
    await expectRendered(page, 'b', [728, 90], await rec.creative('b'));
    // Everything the tag asks for goes to the origin it was loaded from, not the page's.
    expect(rec.ads.map((a) => a.origin)).toEqual([AD_NETWORK, AD_NETWORK]);
    expect(rec.lists.map((u) => new URL(u).origin)).toEqual([AD_NETWORK]);
    expect(rec.ads.map((a) => a.params.url)).toEqual([url, url]);
  });
});

test.describe('configuration (SPEC §1)', () => {
  test('data-endpoint sends the tag\'s requests to that endpoint, not to the script\'s origin', async ({ page }) => {
    const rec = recordRequests(page);
    await openTestPage(page, { tag: tagScript({ 'data-publisher': PUBLISHER, 'data-endpoint': AD_NETWORK }), slots: ['a'] });
    await waitForSlots(page, 1);
    await expectRendered(page, 'a', [300, 250]);
    expect(rec.ads.map((a) => a.origin)).toEqual([AD_NETWORK]);
    expect(rec.lists.map((u) => new URL(u).origin)).toEqual([AD_NETWORK]);
  });

  test('window.adtag.config wins over the script attributes', async ({ page }) => {
    const rec = recordRequests(page);
    await openTestPage(page, {
      head: `<script>
        window.adtag = window.adtag || { cmd: [] };
        adtag.config = { publisher: '67890', endpoint: '${AD_NETWORK}' };
      </script>`,
      tag: tagScript({ 'data-publisher': PUBLISHER, 'data-endpoint': NEWS }),
      slots: ['a'],
    });
    await waitForSlots(page, 1);
    await expectRendered(page, 'a', [300, 250]);
    expect(rec.ads.map((a) => [a.origin, a.params.pub])).toEqual([[AD_NETWORK, '67890']]);
  });
});

test.describe('while collection is not allowed (SPEC §2, §3)', () => {
  // Each situation: how to get there, and whether the page is child-directed.
  const situations = [
    { name: 'opted out (cookie)', url: `${ORIGIN}/index.html`, optedOut: true, child: false },
    { name: 'child-directed page (meta tag)', url: `${ORIGIN}/child.html`, child: true },
    { name: 'host on the child-directed list', url: `${KIDS}/index.html`, child: true },
    { name: 'child-directed list unavailable', url: `${ORIGIN}/index.html`, listFails: true, child: true },
  ];

  for (const s of situations) {
    test(`${s.name}: ads are shown, requested with npa=1, coppa=${s.child ? 1 : 0} and no uid, and nothing is collected`, async ({ page, context, collector }) => {
      if (s.optedOut) await context.addCookies([{ name: 'adtag_optout', value: '1', url: s.url }]);
      if (s.listFails) await page.route('**/v1/child-directed-sites*', (route) => route.fulfill({ status: 503, body: '' }));
      const rec = recordRequests(page);
      await page.goto(s.url);
      await waitForSlots(page, 4);

      for (const [slot, size] of Object.entries(DEMO_SLOTS)) await expectRendered(page, slot, size);
      expect(rec.ads).toHaveLength(4);
      for (const ad of rec.ads) {
        expect(ad.params.npa, `npa on ${ad.url}`).toBe('1');
        expect(ad.params, `no uid on ${ad.url}`).not.toHaveProperty('uid');
        expect(ad.params.coppa, `coppa on ${ad.url}`).toBe(s.child ? '1' : '0');
      }
      const decision = await page.evaluate(() => window.adtag.decision());
      expect(decision).toMatchObject({ collect: false, cookies: false, personalized: false, childDirected: s.child });

      // Leaving the page is when a tag flushes its beacons (session_end): still nothing.
      await leavePage(page);
      expect(rec.eventPosts).toEqual([]);
      expect(collector.since(), 'events stored by the collector').toEqual([]);
      const left = await tagCookies(context);
      expect(left.map((c) => c.name)).toEqual([]);
    });
  }
});

test.describe('command queue (SPEC §1)', () => {
  test('functions queued before the tag loaded run once it is ready (the slots found), in order, even after one throws', async ({ page }) => {
    await openTestPage(page, {
      head: `<script>
        window.adtag = window.adtag || { cmd: [] };
        window.ran = [];
        // The slots' state as the page sees it, not adtag.slots() (which claims the slots itself).
        adtag.cmd.push(function () { ran.push('first ' + typeof adtag.decision + ' ' + typeof adtag.on + ', slots: ' + [].map.call(document.querySelectorAll('[data-adtag-slot]'), function (e) { return e.getAttribute('data-adtag-state'); })); });
        adtag.cmd.push(function () { throw new Error('a publisher bug'); });
        adtag.cmd.push(function () { ran.push('third ' + typeof adtag.version); });
      </script>`,
      slots: ['a', 'b'],
    });
    await page.waitForFunction(() => window.ran.length >= 2);
    // The tag has found the page's slots by then (it claims them in a task of its own).
    expect(await page.evaluate(() => window.ran)).toEqual(['first function function, slots: loading,loading', 'third string']);
  });

  test.describe('on a page that defines no window.adtag', () => {
    test.use({ recordSlots: false });

    test('a function pushed after load runs at once', async ({ page }) => {
      await openTestPage(page, { slots: ['a'] });
      // Ready once a function queued before has run (the tag found the slots).
      await page.waitForFunction(() => window.adtag && window.adtag.cmd);
      await page.evaluate(() => new Promise((ready) => window.adtag.cmd.push(ready)));
      const ranAtOnce = await page.evaluate(() => {
        let ran = false;
        window.adtag.cmd.push(() => {
          ran = true;
        });
        return ran;
      });
      expect(ranAtOnce).toBe(true);
      await expect(page.locator('[data-adtag-slot="a"] iframe')).toBeVisible();
    });
  });
});

test.describe('configuration errors (SPEC §1)', () => {
  const cases = [
    { name: 'no data-publisher', attrs: {}, field: 'data-publisher' },
    { name: 'data-publisher="12a"', attrs: { 'data-publisher': '12a' }, field: 'data-publisher' },
    { name: 'data-endpoint="ftp://x"', attrs: { 'data-publisher': PUBLISHER, 'data-endpoint': 'ftp://x' }, field: 'data-endpoint' },
  ];

  for (const c of cases) {
    test(`${c.name}: one console error naming ${c.field}, and the tag does nothing else`, async ({ page, context }) => {
      const rec = recordRequests(page);
      const errors = consoleErrors(page);
      await openTestPage(page, { tag: tagScript(c.attrs), slots: ['a', ['b', '728x90']] });
      await expect.poll(() => errors.length).toBeGreaterThan(0);
      await page.waitForLoadState('networkidle');

      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(c.field);
      expect(rec.ads).toEqual([]);
      // The loader may have asked for the site list already (SPEC §1/§2): it names only the host.
      for (const url of rec.lists) expect(new URL(url).search).toBe(`?host=${new URL(page.url()).hostname}`);
      expect(rec.eventPosts).toEqual([]);
      expect(await tagCookies(context)).toEqual([]);
      for (const slot of ['a', 'b']) expect((await slotView(page, slot)).frame).toBeNull();
    });
  }

  test('a malformed slot size: one console error naming data-adtag-size; that slot collapses unrequested, the others render', async ({ page }) => {
    const rec = recordRequests(page);
    const errors = consoleErrors(page);
    await openTestPage(page, { slots: ['a', ['bad', '300by250'], ['b', '728x90']] });
    await expect.poll(() => errors.length).toBeGreaterThan(0);
    await expect(page.locator('[data-adtag-slot="b"] iframe')).toBeVisible();
    await page.waitForLoadState('networkidle');

    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('data-adtag-size');
    expect(rec.ads.filter((a) => a.params.slot === 'bad')).toEqual([]);
    await expectCollapsed(page, 'bad', { box: 'collapsed' });
    await expectRendered(page, 'a', [300, 250]);
    await expectRendered(page, 'b', [728, 90]);
  });
});

test.describe('the demo site', () => {
  test("the live panel shows each slot's outcome and the privacy decision", async ({ page }) => {
    await page.goto('/index.html');
    const panel = page.locator('#adtag-panel');
    for (const slot of Object.keys(DEMO_SLOTS)) {
      await expect(panel.locator(`tr[data-slot="${slot}"]`)).toHaveAttribute('data-outcome', 'rendered');
    }
    await expect(panel.locator('tr[data-slot="empty"]')).toHaveAttribute('data-outcome', 'empty');
    const decision = await page.evaluate(() => window.adtag.decision());
    await expect(panel.locator('[data-role="decision"]')).toHaveAttribute('data-collect', String(decision.collect));
    await expect(panel.locator('[data-role="reasons"] code')).toHaveText(decision.reasons);
    await expect(panel.locator('[data-role="version"]')).toHaveText(`adtag ${await page.evaluate(() => window.adtag.version)}`);
  });

  test('the opt-out page opts out (one-year cookie, tag cookies deleted) and back in', async ({ page, context }) => {
    const planted = TAG_COOKIE_PREFIXES.map((p) => ({ name: p + PUBLISHER, value: 'x', url: ORIGIN }));
    await context.addCookies(planted);
    await page.goto('/optout.html');
    const state = page.locator('#optout-state');
    await expect(state).toHaveAttribute('data-opted-out', 'false');

    await page.getByRole('button', { name: 'Opt out' }).click();
    await expect(state).toHaveAttribute('data-opted-out', 'true');
    await expect(state).toContainText('You are opted out');
    const cookie = (await context.cookies()).find((c) => c.name === 'adtag_optout');
    expect(cookie).toMatchObject({ value: '1', path: '/', sameSite: 'Lax' });
    const days = (cookie.expires * 1000 - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThan(367);
    expect(await tagCookies(context)).toEqual([]);
    expect((await page.evaluate(() => window.adtag.decision())).collect).toBe(false);

    await page.getByRole('button', { name: 'Opt back in' }).click();
    await expect(state).toHaveAttribute('data-opted-out', 'false');
    expect((await context.cookies()).filter((c) => c.name === 'adtag_optout')).toEqual([]);
  });
});

test.describe('never throws into the page (SPEC §1)', () => {
  test("a page whose fetch wrapper throws synchronously for the tag's requests: no uncaught error, the slot collapses", async ({ page }) => {
    const head = `<script>
      (function () {
        var real = window.fetch;
        window.fetch = function (u, i) {
          if (String(u).indexOf('/v1/') >= 0) throw new TypeError('blocked by the page');
          return real.apply(this, arguments);
        };
      })();
    </script>`;
    await openTestPage(page, { head, slots: ['x'] }, NOTKIDS);
    await page.waitForFunction(() => window.adtag && window.adtag.version);
    const events = await waitForSlots(page, 1);
    expect(events[0]).toMatchObject({ slot: 'x', isEmpty: true });
  });
});

test.describe('one tag per page', () => {
  test('the tag pasted twice, from two origins: one instance, one page_view, one ad request per slot', async ({ page, rec }) => {
    const second = tagScript(undefined, `${AD_NETWORK}/adtag.js`);
    await openTestPage(page, { slots: ['x'], body: second }, NOTKIDS);
    await waitForSlots(page, 1);
    await expect.poll(() => ofType(rec.events, 'page_view').length, { message: 'the page_view arrives' }).toBe(1);
    await page.waitForTimeout(600);
    expect(ofType(rec.events, 'page_view').length, 'page_views').toBe(1);
    expect(rec.ads.length, 'ad requests for one slot').toBe(1);
  });
});
