// Fresh-eyes review: each test here proves one defect (it FAILS against the current tag).
const {
  test,
  expect,
  PORT,
  PUBLISHER,
  recordRequests,
  tagCookies,
  tagScript,
  testPage,
  openTestPage,
  waitForSlots,
} = require('./helpers');

/** A publisher host that is not on the child-directed list: collection allowed. */
const NOTKIDS = `http://notkids.example:${PORT}`;
const NEWS_HOST = `http://news.example:${PORT}`;
const ofType = (events, type) => events.filter((e) => e.type === type);

async function hidePage(page) {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

test.describe('review: privacy', () => {
  test('optOut() in one tab stops collection in the other open tab of the same site', async ({ page, context }) => {
    const rec = recordRequests(context);
    const a = page;
    await openTestPage(a, { slots: ['x'] }, NOTKIDS);
    await waitForSlots(a, 1);
    const b = await context.newPage();
    await openTestPage(b, { slots: ['y'] }, NOTKIDS);
    await expect.poll(() => ofType(rec.events, 'page_view').length).toBe(2);
    await expect.poll(() => ofType(rec.events, 'ad_impression').length).toBe(2);
    await a.waitForTimeout(500); // everything queued so far delivered

    const optedOutAt = await a.evaluate(() => {
      window.adtag.optOut();
      return Date.now();
    });
    expect(await tagCookies(context), 'tag cookies right after optOut()').toEqual([]);
    // Tab B, still open, is hidden by the visitor: it must neither send nor re-set cookies.
    await hidePage(b);
    await b.waitForTimeout(600);
    expect(rec.events.filter((e) => e.ts >= optedOutAt), 'events after the opt-out (tab B)').toEqual([]);
    expect((await tagCookies(context)).map((c) => c.name), 'tag cookies re-created by tab B').toEqual([]);
  });

  test('the tag in a sandboxed iframe (no allow-same-origin: document.cookie throws) cannot see the opt-out: it must fail closed', async ({ page, context }) => {
    await context.addCookies([{ name: 'adtag_optout', value: '1', url: NOTKIDS }]);
    const rec = recordRequests(context);
    const frameUrl = `${NOTKIDS}/frame.html`;
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

  test('the opt-out page says truthfully what it covers (this site), and keeps that promise on this site', async ({ page }) => {
    // The opt-out cookie is first-party: it can't reach other sites, so the page must not say so.
    const rec = recordRequests(page);
    await page.goto(`${NEWS_HOST}/optout.html`);
    const main = page.locator('main');
    await expect(main).not.toContainText('every other site');
    await expect(main).toContainText('on this site');
    await page.waitForFunction(() => window.adtag && typeof window.adtag.optOut === 'function' && window.adtag.version);
    await page.evaluate(() => window.adtag.optOut());
    await openTestPage(page, { slots: ['x'] }, NEWS_HOST);
    await waitForSlots(page, 1);
    await page.waitForTimeout(600);
    expect(ofType(rec.events, 'page_view'), 'page_view on this site after opting out').toEqual([]);
  });

  test('a slot custom element that calls adtag.optOut() when its ad is rendered (attributeChangedCallback): the opt-out is honoured', async ({ page, context }) => {
    const rec = recordRequests(page);
    const head = `<script>
      customElements.define('ad-box', class extends HTMLElement {
        static get observedAttributes() { return ['data-adtag-state']; }
        attributeChangedCallback(n, o, v) {
          if (v === 'rendered') { window.__calledOptOut = true; window.adtag.optOut(); }
        }
      });
    </script>`;
    await openTestPage(page, { head, body: '<ad-box data-adtag-slot="x" data-adtag-size="300x250"></ad-box>' }, NOTKIDS);
    await waitForSlots(page, 1);
    expect(await page.evaluate(() => window.__calledOptOut)).toBe(true);
    await page.waitForTimeout(600);
    expect((await context.cookies()).find((c) => c.name === 'adtag_optout'), 'the opt-out cookie').toBeTruthy();
    expect((await page.evaluate(() => window.adtag.decision())).collect).toBe(false);
    expect(ofType(rec.events, 'ad_impression'), 'impression after the opt-out').toEqual([]);
  });
});

test.describe('review: measurement', () => {
  test('GPP consent allowed → opted out → allowed again: one page load, one page_view (same uid, sid)', async ({ page }) => {
    const rec = recordRequests(page);
    const head = `<script>
      window.__gppSend = function (saleOptOut) {
        var ping = { signalStatus: 'ready', gppString: 'DBABLA~BVQqAAAAAgA.QA', applicableSections: [7],
          parsedSections: { usnat: { SaleOptOut: saleOptOut, SharingOptOut: 2, TargetedAdvertisingOptOut: 2 } } };
        window.__gppCb({ eventName: 'signalStatus', data: 'ready', pingData: ping }, true);
      };
      window.__gpp = function (command, callback) {
        if (command !== 'addEventListener') return;
        window.__gppCb = callback;
        window.__gppSend(2);
      };
    </script>`;
    await openTestPage(page, { head, slots: ['x'] }, NOTKIDS);
    await waitForSlots(page, 1);
    await expect.poll(() => ofType(rec.events, 'page_view').length).toBe(1);
    await page.evaluate(() => window.__gppSend(1));
    expect((await page.evaluate(() => window.adtag.decision())).collect).toBe(false);
    await page.evaluate(() => window.__gppSend(2));
    expect((await page.evaluate(() => window.adtag.decision())).collect).toBe(true);
    await page.waitForTimeout(800);
    const views = ofType(rec.events, 'page_view');
    expect(views.length, `page_views for one page load (uids ${views.map((v) => v.uid)})`).toBe(1);
  });

  test('a slot removed from the page before its ad arrives: no ad_impression is counted', async ({ page }) => {
    const rec = recordRequests(page);
    await page.route('**/v1/ad?*', async (route) => {
      await new Promise((r) => setTimeout(r, 1000));
      route.continue();
    });
    await openTestPage(page, { slots: ['gone'] }, NOTKIDS);
    await expect.poll(() => rec.ads.length).toBe(1);
    await page.evaluate(() => document.querySelector('[data-adtag-slot="gone"]').remove());
    await waitForSlots(page, 1);
    await page.waitForTimeout(600);
    expect(ofType(rec.events, 'page_view').length).toBe(1);
    expect(ofType(rec.events, 'ad_impression'), 'impression of an ad that is not in the page').toEqual([]);
  });
});

test.describe('review: never throws into the page', () => {
  test('a page whose fetch wrapper throws synchronously for the tag\'s requests: no uncaught error, the slot collapses', async ({ page }) => {
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

test.describe('review: one tag per page', () => {
  test('the tag pasted twice, from two origins: one instance, one page_view, one ad request per slot', async ({ page }) => {
    const rec = recordRequests(page);
    const second = tagScript(undefined, `http://ads.network.example:${PORT}/adtag.js`);
    await openTestPage(page, { slots: ['x'], body: second }, NOTKIDS);
    await waitForSlots(page, 1);
    await expect.poll(() => ofType(rec.events, 'page_view').length, { message: 'the page_view arrives' }).toBe(1);
    await page.waitForTimeout(600);
    expect(ofType(rec.events, 'page_view').length, 'page_views').toBe(1);
    expect(rec.ads.length, 'ad requests for one slot').toBe(1);
  });
});
