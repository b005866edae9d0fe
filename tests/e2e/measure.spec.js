// Measurement when collection is allowed, end to end (SPEC §4; issue 4): the identifier and
// session cookies, page views, impressions, MRC viewability, clicks, session duration, and
// delivery that survives a failing collector without duplicates; and none of it once the
// visitor opts out, or when collection is not allowed.
const {
  test,
  expect,
  ORIGIN,
  PORT,
  PUBLISHER,
  recordRequests,
  tagCookies,
  collectedEvents,
  openTestPage,
  waitForSlots,
  expectRendered,
} = require('./helpers');

// ---------------------------------------------------------------------------------------
// Local helpers

/** A publisher host that is not on the child-directed list: collection allowed. */
const NOTKIDS = `http://notkids.example:${PORT}`;
const HEX32 = /^[0-9a-f]{32}$/;

/** The tab goes to the background; returns the page's clock just before and after. */
async function hidePage(page) {
  return page.evaluate(() => {
    const before = Date.now();
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    return { before, after: Date.now(), timeOrigin: performance.timeOrigin };
  });
}

const ofType = (events, type, slot) => events.filter((e) => e.type === type && (slot === undefined || e.slot === slot));

/** Waits until the recorded events hold one matching `type` (and `slot`); returns it. */
async function waitForEvent(rec, type, slot, timeout = 5000) {
  await expect
    .poll(() => ofType(rec.events, type, slot).length, { message: `a ${type}${slot ? ` for ${slot}` : ''} event`, timeout })
    .toBeGreaterThan(0);
  return ofType(rec.events, type, slot)[0];
}

/** Hides the page and waits for its session_end: everything the tag had is out by then. */
async function hideAndFlush(page, rec) {
  const clock = await hidePage(page);
  const end = await waitForEvent(rec, 'session_end');
  return { clock, end };
}

/** The parsed ad response for a slot ({id, html, clickUrl, …}). */
async function adResponse(rec, slot) {
  const body = await rec.bodies.get(slot);
  expect(body, `an ad response for ${slot}`).toBeTruthy();
  return JSON.parse(body);
}

/** Events the real collector stored for this visitor (by uid: a fresh context each test). */
const stored = (uid) => collectedEvents().filter((e) => e.uid === uid);

/** Records the page's own publisher events (they fire whether or not collection is allowed). */
async function recordPublisherEvents(page) {
  await page.evaluate(() => {
    window.__pub = [];
    window.adtag.on('impressionViewable', (e) => window.__pub.push(`viewable:${e.slot}`));
    window.adtag.on('adClick', (e) => window.__pub.push(`click:${e.slot}`));
  });
}

/** Scrolls a slot into the middle of the viewport; returns the page's clock right after. */
function scrollToSlot(page, slot) {
  return page.locator(`[data-adtag-slot="${slot}"]`).evaluate((el) => {
    el.scrollIntoView({ block: 'center' });
    return Date.now();
  });
}

/** A page whose one slot sits two screens below the fold. */
const FAR_PAGE = {
  slots: [],
  body: '<div style="height:1600px">text</div><div data-adtag-slot="far" data-adtag-size="300x250"></div><div style="height:1600px"></div>',
};

// ---------------------------------------------------------------------------------------

/** Everything that would be measured: the inline ad in view for > 1 s, a click on it (a new
 * tab opens), then the page hidden. Waits until the page's own events saw the view and the click. */
async function viewClickAndLeave(page, context) {
    await scrollToSlot(page, 'inline');
    await expect.poll(() => page.evaluate(() => window.__pub), { message: 'the inline ad became viewable' }).toContain('viewable:inline');
    const opened = context.waitForEvent('page');
    await page.frameLocator('[data-adtag-slot="inline"] iframe').locator('body').click();
    await opened;
    await expect.poll(() => page.evaluate(() => window.__pub)).toContain('click:inline');
    await hidePage(page);
    await page.waitForTimeout(500);
}

test.describe('an allowed page (SPEC §4)', () => {
  test('page_view and ad_impression arrive with uid = the v12345 cookie, sid, page, pub and unique ids; the ad requests carry the uid', async ({ page, context }) => {
    const startedAt = Date.now();
    const rec = recordRequests(context);
    const contentTypes = [];
    context.on('request', (r) => {
      if (new URL(r.url()).pathname === '/v1/events') contentTypes.push(r.headers()['content-type'] || '');
    });
    await page.goto('/index.html');
    await waitForSlots(page, 4);
    const rendered = ['top', 'side', 'inline'];
    for (const slot of rendered) await waitForEvent(rec, 'ad_impression', slot);
    await waitForEvent(rec, 'page_view');

    const cookies = Object.fromEntries((await tagCookies(context)).map((c) => [c.name, c]));
    const v = cookies[`v${PUBLISHER}`];
    const sid = cookies[`sid${PUBLISHER}`];
    expect(v, 'the v12345 cookie').toBeTruthy();
    expect(v.value).toMatch(HEX32);
    expect(v).toMatchObject({ path: '/', sameSite: 'Lax' });
    expect(sid, 'the sid12345 cookie').toBeTruthy();
    expect(cookies[`fr${PUBLISHER}`], 'the fr12345 cookie').toBeTruthy();

    for (const ad of rec.ads) expect(ad.params, `ad request ${ad.url}`).toMatchObject({ uid: v.value, npa: '0', coppa: '0' });

    const now = Date.now();
    for (const e of rec.events) {
      expect(e).toMatchObject({ pub: PUBLISHER, uid: v.value, page: `${ORIGIN}/index.html` });
      expect(e.sid).toMatch(/\S/);
      expect(sid.value, 'the session cookie holds the events’ sid').toContain(e.sid);
      expect(e.ts).toBeGreaterThanOrEqual(startedAt - 1000);
      expect(e.ts).toBeLessThanOrEqual(now + 1000);
    }
    const ids = rec.events.map((e) => e.id);
    expect(new Set(ids).size, 'event ids are unique').toBe(ids.length);
    expect(ofType(rec.events, 'page_view')).toHaveLength(1);
    for (const slot of rendered) {
      const impressions = ofType(rec.events, 'ad_impression', slot);
      expect(impressions, `ad_impression for ${slot}`).toHaveLength(1);
      expect(impressions[0].ad).toBe((await adResponse(rec, slot)).id);
    }
    expect(ofType(rec.events, 'ad_impression', 'empty'), 'no impression for the slot without an ad').toEqual([]);
    // Plain text: no CORS preflight needed.
    for (const t of contentTypes) expect(t.toLowerCase()).toMatch(/^text\/plain/);

    // And they reached the collector.
    await expect.poll(() => stored(v.value).map((e) => e.id).sort()).toEqual(expect.arrayContaining([...ids].sort()));
  });
});

test.describe('viewability (MRC: 50% in view, tab visible, one continuous second)', () => {
  test('an ad scrolled into view for more than a second → exactly one ad_viewable, not before that second', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openTestPage(page, FAR_PAGE, NOTKIDS);
    await waitForSlots(page, 1);
    await expectRendered(page, 'far', [300, 250]);
    await waitForEvent(rec, 'ad_impression', 'far');
    const ad = (await adResponse(rec, 'far')).id;

    const inViewAt = await scrollToSlot(page, 'far');
    const viewable = await waitForEvent(rec, 'ad_viewable', 'far');
    expect(viewable.ad).toBe(ad);
    expect(viewable.ts - inViewAt, 'ms in view before ad_viewable').toBeGreaterThanOrEqual(1000);

    // Out of view and back in for another second: still the one ad_viewable (once per ad).
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(200);
    await scrollToSlot(page, 'far');
    await page.waitForTimeout(1300);
    await hideAndFlush(page, rec);
    expect(ofType(rec.events, 'ad_viewable', 'far')).toHaveLength(1);
  });

  test('an ad below the fold that is never scrolled to → no ad_viewable, while the ad in view gets one', async ({ page, context }) => {
    const rec = recordRequests(context);
    await page.goto('/index.html');
    await waitForSlots(page, 4);
    const belowFold = await page
      .locator('[data-adtag-slot="inline"]')
      .evaluate((el) => el.getBoundingClientRect().top > window.innerHeight);
    expect(belowFold, 'the inline slot is below the fold').toBe(true);
    await waitForEvent(rec, 'ad_impression', 'inline');

    // The leaderboard is in view: by the time its ad_viewable arrives, the inline ad has had
    // as long (it rendered at the same time), and a little more.
    await waitForEvent(rec, 'ad_viewable', 'top');
    await page.waitForTimeout(500);
    await hideAndFlush(page, rec);
    expect(ofType(rec.events, 'ad_viewable', 'inline')).toEqual([]);
    expect(ofType(rec.events, 'ad_viewable', 'top')).toHaveLength(1);
  });
});

test.describe('clicks', () => {
  test('a click inside the ad → one ad_click and a new tab at the click URL; a message forged by the page counts for nothing', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openTestPage(page, { slots: ['x'] }, NOTKIDS);
    await waitForSlots(page, 1);
    const response = await adResponse(rec, 'x');
    await waitForEvent(rec, 'page_view');

    // The page itself imitates the frame's click message, even with the frame's token.
    await page.evaluate(() => {
      const srcdoc = document.querySelector('[data-adtag-slot="x"] iframe').getAttribute('srcdoc') || '';
      const m = srcdoc.match(/token\W+([0-9a-f]{16,})/);
      window.postMessage({ adtag: 'click', token: m ? m[1] : '' }, '*');
    });

    const opened = context.waitForEvent('page');
    await page.frameLocator('[data-adtag-slot="x"] iframe').locator('body').click();
    const landing = await opened;
    await landing.waitForLoadState('domcontentloaded');
    expect(landing.url()).toBe(response.clickUrl);
    expect(page.url()).toBe(`${NOTKIDS}/test-page.html`);

    const click = await waitForEvent(rec, 'ad_click', 'x');
    expect(click).toMatchObject({ slot: 'x', ad: response.id, pub: PUBLISHER });
    await hideAndFlush(page, rec);
    expect(ofType(rec.events, 'ad_click'), 'ad_click events').toHaveLength(1);
  });
});

test.describe('session end', () => {
  test('hiding the page → one session_end with a plausible duration_ms, stored by the collector; leaving afterwards adds none', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openTestPage(page, { slots: ['x'] }, NOTKIDS);
    const pageView = await waitForEvent(rec, 'page_view');
    await page.waitForTimeout(300); // some time on the page

    const { clock, end } = await hideAndFlush(page, rec);
    expect(Number.isSafeInteger(end.duration_ms), `duration_ms ${end.duration_ms}`).toBe(true);
    // At least from the page view to the hiding; at most the page's whole life.
    expect(end.duration_ms).toBeGreaterThanOrEqual(clock.before - pageView.ts);
    expect(end.duration_ms).toBeLessThanOrEqual(clock.after - clock.timeOrigin);
    expect(end).toMatchObject({ uid: pageView.uid, sid: pageView.sid, page: pageView.page });
    await expect.poll(() => stored(end.uid).filter((e) => e.id === end.id).length, { message: 'session_end stored' }).toBe(1);

    await page.goto('about:blank'); // pagehide after visibilitychange: nothing twice
    await page.waitForTimeout(300);
    expect(ofType(rec.events, 'session_end')).toHaveLength(1);
  });

  test('navigating away (pagehide) → session_end reaches the collector', async ({ page, context }) => {
    const rec = recordRequests(context);
    await openTestPage(page, { slots: ['x'] }, NOTKIDS);
    const pageView = await waitForEvent(rec, 'page_view');
    const openedAt = await page.evaluate(() => performance.timeOrigin);
    await page.goto(`${ORIGIN}/landing.html`);
    const leftAt = Date.now();
    await expect
      .poll(() => stored(pageView.uid).filter((e) => e.type === 'session_end').length, { message: 'session_end stored' })
      .toBe(1);
    const [end] = stored(pageView.uid).filter((e) => e.type === 'session_end');
    expect(end.duration_ms).toBeGreaterThanOrEqual(0);
    expect(end.duration_ms).toBeLessThanOrEqual(leftAt - openedAt);
  });
});

test.describe('delivery', () => {
  test('a collector failing for a while: the events arrive later, each exactly once, with backoff between attempts', async ({ page, context }) => {
    const failedAt = [];
    const failedIds = [];
    const passed = []; // ids that reached the real collector, one entry per delivery
    await page.route('**/v1/events', async (route) => {
      const body = JSON.parse(route.request().postData() || '[]');
      if (failedAt.length < 2) {
        failedAt.push(Date.now());
        failedIds.push(...body.map((e) => e.id));
        return route.fulfill({ status: 500, headers: { 'Access-Control-Allow-Origin': '*' }, contentType: 'text/plain', body: 'down' });
      }
      passed.push(...body.map((e) => e.id));
      return route.continue();
    });
    const rec = recordRequests(context);
    await openTestPage(page, { slots: ['x'] }, NOTKIDS);
    await waitForSlots(page, 1);

    await expect.poll(() => failedAt.length, { message: 'two rejected attempts' }).toBe(2);
    expect(failedAt[1] - failedAt[0], 'backoff before the retry (ms)').toBeGreaterThanOrEqual(800);
    // The rejected events (page_view, ad_impression among them) all get through later.
    await expect.poll(() => failedIds.every((id) => passed.includes(id)), { message: 'rejected events delivered', timeout: 10_000 }).toBe(true);
    const types = rec.events.filter((e) => failedIds.includes(e.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['page_view', 'ad_impression']));

    // Flush whatever is left, then: nothing reached the collector twice.
    await hideAndFlush(page, rec);
    await page.waitForTimeout(300);
    expect(new Set(passed).size, `ids delivered: ${passed.join(',')}`).toBe(passed.length);
    const uid = rec.events[0].uid;
    await expect.poll(() => stored(uid).filter((e) => failedIds.includes(e.id)).length).toBe(new Set(failedIds).size);
  });
});

test.describe('opting out mid-page (SPEC §2, §4)', () => {
  test('after adtag.optOut() nothing more is sent (viewable, click, session end) and the tag cookies are gone', async ({ page, context }) => {
    const rec = recordRequests(context);
    await page.goto('/index.html');
    await waitForSlots(page, 4);
    // Let the page settle: everything so far delivered, nothing left queued.
    await waitForEvent(rec, 'ad_viewable', 'top');
    await waitForEvent(rec, 'ad_viewable', 'side');
    await recordPublisherEvents(page);
    expect((await tagCookies(context)).length).toBeGreaterThan(0);

    const postsBefore = rec.eventPosts.length;
    const optedOutAt = await page.evaluate(() => {
      window.adtag.optOut();
      return Date.now();
    });
    expect(await tagCookies(context), 'tag cookies right after optOut()').toEqual([]);

    // Things that would each be measured: the inline ad in view > 1 s, a click, hiding.
    await viewClickAndLeave(page, context);

    expect(rec.events.filter((e) => e.ts >= optedOutAt), 'events from after optOut()').toEqual([]);
    expect(rec.eventPosts.length, 'requests to /v1/events after optOut()').toBe(postsBefore);
    expect(await tagCookies(context), 'tag cookies at the end').toEqual([]);
    expect((await context.cookies()).find((c) => c.name === 'adtag_optout')).toMatchObject({ value: '1' });
  });

  test('optOut() while events wait in the batch drops them: the impression queued at that moment is never sent', async ({ page, context }) => {
    const rec = recordRequests(context);
    // The publisher's page opts out as soon as the ad has rendered: its ad_impression has
    // just been queued, and the batch leaves only after a short delay.
    await openTestPage(
      page,
      {
        head: `<script>
          window.adtag = window.adtag || { cmd: [] };
          adtag.cmd.push(function () {
            adtag.on('slotRenderEnded', function (e) {
              if (e.isEmpty || window.__optedOutAt) return;
              adtag.optOut();
              window.__optedOutAt = Date.now();
            });
          });
        </script>`,
        slots: ['x'],
      },
      NOTKIDS,
    );
    await waitForSlots(page, 1);
    const optedOutAt = await page.evaluate(() => window.__optedOutAt);
    expect(optedOutAt, 'the page opted out').toBeTruthy();
    await page.waitForTimeout(400); // past the batching delay
    await hidePage(page);
    await page.waitForTimeout(500);

    expect(ofType(rec.events, 'ad_impression'), 'ad_impression sent').toEqual([]);
    expect(ofType(rec.events, 'session_end'), 'session_end sent').toEqual([]);
    expect(rec.events.filter((e) => e.ts >= optedOutAt)).toEqual([]);
    expect(await tagCookies(context)).toEqual([]);
  });
});

test.describe('converse: collection not allowed (SPEC §2)', () => {
  test('an opted-out visitor who views, clicks and leaves: the page sees it all, the network gets zero events', async ({ page, context }) => {
    await context.addCookies([{ name: 'adtag_optout', value: '1', url: ORIGIN }]);
    const rec = recordRequests(context);
    await page.goto('/index.html');
    await waitForSlots(page, 4);
    await recordPublisherEvents(page);
    for (const ad of rec.ads) expect(ad.params).not.toHaveProperty('uid');

    await viewClickAndLeave(page, context);
    await page.goto('about:blank');

    expect(rec.eventPosts, 'requests to /v1/events').toEqual([]);
    expect(await tagCookies(context)).toEqual([]);
  });
});
