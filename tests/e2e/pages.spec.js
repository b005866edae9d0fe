// Real publisher pages (SPEC §6–§9): slots that arrive late in a slow page's HTML, a
// single-page app's route change, an infinite-scroll article, lazy loading, several sizes,
// refresh without layout shift, destroySlots, targeting, and the page events' payloads.
const http = require('http');
const {
  test,
  expect,
  ORIGIN,
  NEWS,
  PUBLISHER,
  isAdRequest,
  recordRequests,
  consoleErrors,
  collectedEvents,
  tagScript,
  openTestPage,
  waitForSlots,
  slotView,
  expectRendered,
  expectCollapsed,
  frameContents,
} = require('./helpers');

const EVENT_NAMES = ['slotRequested', 'slotResponseReceived', 'slotRenderEnded', 'slotVisibilityChanged', 'impressionViewable'];

// Runs in every page before its scripts: records every page event, in order, as
// window.__events = [{name, payload}] (payloads copied to plain JSON).
function eventRecorder(names) {
  if (window.top !== window) return;
  window.__events = [];
  window.adtag = window.adtag || { cmd: [] };
  window.adtag.cmd.push(function () {
    names.forEach(function (name) {
      window.adtag.on(name, function (e) {
        window.__events.push({ name: name, payload: JSON.parse(JSON.stringify(e)) });
      });
    });
  });
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(eventRecorder, EVENT_NAMES);
});

/** A page's config script (keeping the recorders' queued commands). */
const config = (c) => `<script>window.adtag = window.adtag || { cmd: [] }; window.adtag.config = ${JSON.stringify(c)};</script>`;

/** Page events seen so far, `name` ones only when given. */
const events = (page, name) => page.evaluate((name) => window.__events.filter((e) => !name || e.name === name), name);

/** The slots named in slotRenderEnded events so far (with isEmpty). */
const ended = (page) => page.evaluate(() => window.__adtagSlotEvents.map((e) => `${e.slot}:${e.isEmpty ? 'empty' : 'ad'}`));

/** Ad requests recorded so far for slot `name`. */
const adsFor = (rec, name) => rec.ads.filter((a) => a.params.slot === name);

/** Events the collector stored for this visitor (a fresh context per test: one uid). */
const stored = (uid) => collectedEvents().filter((e) => e.uid === uid);

// ---------------------------------------------------------------------------------------
// §6 Pages that change

test.describe('slots that come and go (SPEC §6)', () => {
  test('a slow page: a slot whose HTML arrives 2 s after the tag started still gets its ad', async ({ page }) => {
    // A page whose HTML streams in two chunks: the tag and a first slot, then 2 s later a
    // second slot (like a long article on a slow connection).
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write(`<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
${tagScript({ 'data-publisher': PUBLISHER }, `${ORIGIN}/adtag.js`)}</head><body>
<div data-adtag-slot="early" data-adtag-size="300x250"></div>
<p>${'The first part of a long article. '.repeat(200)}</p>`);
      setTimeout(() => {
        // What the page had seen of the tag when this part was parsed.
        res.end(`<script>window.__seenBefore = window.__adtagSlotEvents.map(function (e) { return e.slot; });</script>
<div data-adtag-slot="late" data-adtag-size="728x90"></div><p>The end.</p></body></html>`);
      }, 2000);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const rec = recordRequests(page);
      await page.goto(`http://news.example:${server.address().port}/slow.html`, { waitUntil: 'commit' });
      await waitForSlots(page, 2);
      // The tag had already rendered the early slot when the late one arrived.
      expect(await page.evaluate(() => window.__seenBefore)).toEqual(['early']);
      await expectRendered(page, 'early', [300, 250]);
      await expectRendered(page, 'late', [728, 90]);
      expect(adsFor(rec, 'late')).toHaveLength(1);
      expect(adsFor(rec, 'late')[0].params.size).toBe('728x90');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('a slot inserted by page code at any time gets its ad', async ({ page }) => {
    const rec = recordRequests(page);
    await openTestPage(page, { slots: ['first'] });
    await waitForSlots(page, 1);
    await page.evaluate(() => {
      const wrap = document.createElement('section');
      wrap.innerHTML = '<p>New content</p><div data-adtag-slot="added" data-adtag-size="300x250"></div>';
      document.body.appendChild(wrap);
    });
    await waitForSlots(page, 2);
    await expectRendered(page, 'added', [300, 250]);
    expect(adsFor(rec, 'added')).toHaveLength(1);
  });

  test('single-page app: a route change renders the new route\'s slots and releases the old ones', async ({ page }) => {
    const rec = recordRequests(page);
    await page.goto('/spa.html');
    await expect.poll(() => ended(page)).toEqual(expect.arrayContaining(['home-top:ad', 'home-side:ad']));
    await expectRendered(page, 'home-top', [728, 90]);

    const beforeClick = (await events(page)).length;
    await page.getByRole('link', { name: 'Sport' }).click();
    await expect(page).toHaveURL(/spa\.html\?route=sport$/);
    await expect.poll(() => ended(page)).toEqual(expect.arrayContaining(['sport-top:ad', 'sport-side:ad']));
    await expectRendered(page, 'sport-top', [728, 90]);
    await expectRendered(page, 'sport-side', [300, 250]);
    expect(await page.locator('[data-adtag-slot^="home-"]').count()).toBe(0);

    // The old route's slots are forgotten: a refresh of every slot asks for the new ones only,
    // and no page event has named an old slot since the click.
    const requestsBefore = rec.ads.length;
    await page.evaluate(() => window.adtag.refresh());
    await expect.poll(() => rec.ads.length - requestsBefore).toBe(2);
    await page.waitForTimeout(300);
    expect(rec.ads.slice(requestsBefore).map((a) => a.params.slot).sort()).toEqual(['sport-side', 'sport-top']);
    await page.waitForTimeout(1200); // long enough for a viewability event
    const after = (await events(page)).slice(beforeClick);
    expect(after.filter((e) => e.payload.slot.startsWith('home-'))).toEqual([]);

    // Back: the home route's new slot elements are found again and get ads.
    const homeBefore = adsFor(rec, 'home-top').length;
    await page.goBack();
    await expect.poll(() => adsFor(rec, 'home-top').length).toBe(homeBefore + 1);
    await expect.poll(() => slotView(page, 'home-top').then((v) => !!v.frame)).toBe(true);
    expect(await page.locator('[data-adtag-slot^="sport-"]').count()).toBe(0);
  });

  test('infinite scroll: the slots of articles appended as the reader scrolls get ads', async ({ page }) => {
    const rec = recordRequests(page);
    await page.goto('/scroll.html');
    await expect.poll(() => ended(page)).toContain('story-1:ad');
    for (const n of [2, 3]) {
      // Scroll to the end until the next article (and its slot) is appended.
      await expect
        .poll(async () => {
          await page.mouse.wheel(0, 4000);
          return page.locator(`[data-adtag-slot="story-${n}"]`).count();
        })
        .toBe(1);
      await page.locator(`[data-adtag-slot="story-${n}"]`).scrollIntoViewIfNeeded();
      await expect.poll(() => ended(page)).toContain(`story-${n}:ad`);
      await expectRendered(page, `story-${n}`, [300, 250]);
    }
    expect(adsFor(rec, 'story-3')).toHaveLength(1);
  });

  test('refresh: a new ad and a new impression in the same box, with no layout shift', async ({ page }) => {
    const rec = recordRequests(page);
    await openTestPage(page, {
      slots: [['top', '728x90']],
      body: `<p id="below">${'Text under the ad. '.repeat(50)}</p><div data-adtag-slot="side" data-adtag-size="300x250"></div>`,
    });
    await waitForSlots(page, 2);
    // The first ad had its chance to be seen (a refresh usually comes 30 s or more later).
    await expect.poll(() => events(page, 'impressionViewable').then((l) => l.filter((e) => e.payload.slot === 'top').length)).toBe(1);
    const first = await slotView(page, 'top');
    const firstCreative = await frameContents(page, 'top');
    const belowBefore = await page.locator('#below').boundingBox();
    await page.evaluate(() => {
      window.__shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__shifts.push(e.value);
      }).observe({ type: 'layout-shift' });
      window.adtag.refresh(['top']);
    });
    await waitForSlots(page, 3);
    const second = await expectRendered(page, 'top', [728, 90]);
    await page.waitForTimeout(300);

    expect(adsFor(rec, 'top')).toHaveLength(2);
    expect(adsFor(rec, 'side'), 'only the named slot is refreshed').toHaveLength(1);
    // The same frame of the tag's, a new creative inside it.
    await expect.poll(() => frameContents(page, 'top'), { message: 'a new creative' }).not.toBe(firstCreative);
    expect([second.width, second.height]).toEqual([first.width, first.height]);
    expect(await page.locator('#below').boundingBox()).toEqual(belowBefore);
    expect(await page.evaluate(() => window.__shifts), 'layout-shift entries after refresh()').toEqual([]);

    // A new impression, measured on its own (collection is allowed on this page).
    const uid = adsFor(rec, 'top')[0].params.uid;
    expect(uid, 'collection allowed: the ad request carries the uid').toBeTruthy();
    await expect
      .poll(() => stored(uid).filter((e) => e.type === 'ad_impression' && e.slot === 'top').length, { message: 'two impressions for top' })
      .toBe(2);
    const [a, b] = stored(uid).filter((e) => e.type === 'ad_impression' && e.slot === 'top');
    expect(a.id).not.toBe(b.id);
    // Its own viewability: the refreshed ad, in view, becomes viewable again.
    await expect.poll(() => events(page, 'impressionViewable').then((l) => l.filter((e) => e.payload.slot === 'top').length)).toBe(2);
  });

  test('refresh of a slot that had no ad: the new ad is requested and shown', async ({ page }) => {
    let answered = 0;
    await page.route(
      (url) => isAdRequest(url, 'refill'),
      (route) => (answered++ === 0 ? route.fulfill({ status: 204 }) : route.continue()),
    );
    const rec = recordRequests(page);
    await openTestPage(page, { slots: ['refill'] });
    await waitForSlots(page, 1);
    await expectCollapsed(page, 'refill');
    await page.evaluate(() => window.adtag.refresh(['refill']));
    const all = await waitForSlots(page, 2);
    expect(adsFor(rec, 'refill').map((a) => a.params.size)).toEqual(['300x250', '300x250']);
    expect(all[1]).toEqual({ slot: 'refill', isEmpty: false, size: [300, 250] });
    await expectRendered(page, 'refill', [300, 250]);
  });

  test('destroySlots: the ad is removed and the slot gets no more requests; the others live on', async ({ page }) => {
    const rec = recordRequests(page);
    await openTestPage(page, { slots: ['gone', 'kept'] });
    await waitForSlots(page, 2);
    await page.evaluate(() => window.adtag.destroySlots(['gone']));
    const view = await slotView(page, 'gone');
    expect(view.frame, 'no ad frame').toBeNull();
    expect(await page.locator('[data-adtag-slot="gone"]').getAttribute('data-adtag-state')).toBe('destroyed');

    await page.evaluate(() => window.adtag.refresh());
    await expect.poll(() => adsFor(rec, 'kept').length).toBe(2);
    // Moving the element around the page does not bring it back either.
    await page.evaluate(() => document.body.appendChild(document.querySelector('[data-adtag-slot="gone"]')));
    await page.waitForTimeout(500);
    expect(adsFor(rec, 'gone')).toHaveLength(1);
    expect((await slotView(page, 'gone')).frame).toBeNull();
  });

  test('the page API reaches the slots from the moment it exists: destroySlots and slots() called right after the start, not through cmd', async ({ page }) => {
    const rec = recordRequests(page);
    // The page's own code runs in the first yield after the tag's start returned (the API is
    // on window.adtag then, the slots are claimed in the next task): a page whose
    // scheduler.yield is its own, or an event handler that lands between the two tasks.
    await page.addInitScript(() => {
      const s = window.scheduler;
      if (!s || typeof s.yield !== 'function') return;
      const own = s.yield.bind(s);
      s.yield = () => {
        const a = window.adtag;
        if (a && a.version && !window.__early) {
          // Set first: the tag's own next yield comes through here too.
          const early = (window.__early = {});
          early.slots = a.slots().map((x) => x.slot);
          a.destroySlots(['gone']);
        }
        return own();
      };
    });
    await openTestPage(page, { slots: ['gone', 'kept'] });
    await waitForSlots(page, 1);
    expect(await page.evaluate(() => window.__early)).toEqual({ slots: ['gone', 'kept'] });
    await page.waitForTimeout(500);
    expect(adsFor(rec, 'gone'), 'the destroyed slot asks for no ad').toHaveLength(0);
    expect(await page.locator('[data-adtag-slot="gone"]').getAttribute('data-adtag-state')).toBe('destroyed');
    expect((await slotView(page, 'gone')).frame).toBeNull();
    await expectRendered(page, 'kept', [300, 250]);
  });
});

// ---------------------------------------------------------------------------------------
// §7 Lazy loading

test.describe('lazy loading (SPEC §7)', () => {
  test('a slot far below is requested only within the fetch margin, rendered only within the render margin', async ({ page }) => {
    await page.setViewportSize({ width: 1000, height: 600 });
    const rec = recordRequests(page);
    // fetch margin 100% (600 px), render margin 0 (the viewport itself).
    await openTestPage(page, {
      head: config({ lazyLoad: { fetchMarginPercent: 100, renderMarginPercent: 0 } }),
      slots: ['near'],
      body: '<div style="height:3000px">text</div><div data-adtag-slot="far" data-adtag-size="300x250"></div><div style="height:3000px"></div>',
    });
    await waitForSlots(page, 1);
    await expectRendered(page, 'near', [300, 250]);
    await page.waitForTimeout(500);
    expect(adsFor(rec, 'far'), 'not requested while more than a screen away').toHaveLength(0);

    // 300 px below the viewport: within the fetch margin, outside the render margin.
    await page.evaluate(() => {
      const far = document.querySelector('[data-adtag-slot="far"]');
      window.scrollTo(0, far.getBoundingClientRect().top + window.scrollY - 900);
    });
    await expect.poll(() => adsFor(rec, 'far').length).toBe(1);
    await expect.poll(() => events(page, 'slotResponseReceived').then((l) => l.some((e) => e.payload.slot === 'far'))).toBe(true);
    await page.waitForTimeout(500);
    // Held until within the render margin: at most the tag's frame, loaded hidden, no ad in it.
    const held = await slotView(page, 'far');
    expect(held.frame === null || !held.frame.visible, 'held until within the render margin').toBe(true);
    expect(await frameContents(page, 'far'), 'no creative yet').not.toContain('Demo ad');
    expect(await ended(page)).toEqual(['near:ad']);

    await page.locator('[data-adtag-slot="far"]').scrollIntoViewIfNeeded();
    await waitForSlots(page, 2);
    await expectRendered(page, 'far', [300, 250]);
    expect(adsFor(rec, 'far')).toHaveLength(1);
  });

  test('data-lazy-load on the script: the default margins (5 screens) leave a slot 10 screens down unrequested', async ({ page }) => {
    await page.setViewportSize({ width: 1000, height: 600 });
    const rec = recordRequests(page);
    await openTestPage(page, {
      tag: tagScript({ 'data-publisher': PUBLISHER, 'data-lazy-load': true }),
      slots: ['near'],
      body: '<div style="height:6000px">text</div><div data-adtag-slot="far" data-adtag-size="300x250"></div><div style="height:3000px"></div>',
    });
    await waitForSlots(page, 1);
    await page.waitForTimeout(500);
    expect(adsFor(rec, 'far')).toHaveLength(0);
    await page.evaluate(() => window.scrollTo(0, 3000));
    await expect.poll(() => adsFor(rec, 'far').length).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------
// §8 Sizes and targeting

test.describe('sizes and targeting (SPEC §8)', () => {
  const MULTI = '970x250, 728x90, 320x50';

  test('in a 400 px wide slot only 320x50 of "970x250, 728x90, 320x50" is requested, and rendered', async ({ page }) => {
    const rec = recordRequests(page);
    await openTestPage(page, {
      body: `<div style="width:400px"><div data-adtag-slot="narrow" data-adtag-size="${MULTI}"></div></div>
        <div style="width:800px"><div data-adtag-slot="medium" data-adtag-size="${MULTI}"></div></div>`,
    });
    await waitForSlots(page, 2);
    expect(adsFor(rec, 'narrow').map((a) => a.params.size)).toEqual(['320x50']);
    expect(adsFor(rec, 'medium').map((a) => a.params.size)).toEqual(['728x90,320x50']);
    // The demo ad server answers with the first size asked for.
    await expectRendered(page, 'narrow', [320, 50]);
    await expectRendered(page, 'medium', [728, 90]);
  });

  test('on a 375 px phone the slot asks for 320x50 only, and its reserved box never makes the page scroll sideways', async ({ page }) => {
    await page.setViewportSize({ width: 375, height: 700 });
    const rec = recordRequests(page);
    await openTestPage(page, { slots: [['top', MULTI]] });
    await waitForSlots(page, 1);
    expect(adsFor(rec, 'top').map((a) => a.params.size)).toEqual(['320x50']);
    await expectRendered(page, 'top', [320, 50]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  });

  test('an answer of a size that was not requested collapses the slot', async ({ page }) => {
    await page.route(
      (url) => isAdRequest(url, 'odd'),
      (route) =>
        route.fulfill({
          contentType: 'application/json',
          body: JSON.stringify({ id: 'x', html: '<p>Demo ad</p>', width: 970, height: 250, clickUrl: 'https://example.com/' }),
        }),
    );
    await openTestPage(page, {
      body: `<div style="width:400px"><div data-adtag-slot="odd" data-adtag-size="${MULTI}"></div></div>`,
      slots: ['fine'],
    });
    const all = await waitForSlots(page, 2);
    await expectCollapsed(page, 'odd');
    expect(all.find((e) => e.slot === 'odd')).toMatchObject({ isEmpty: true, size: null });
    await expectRendered(page, 'fine', [300, 250]);
  });

  test('targeting reaches the ad request as tgt=; a bad key is reported by name and left out, the ad still requested', async ({ page }) => {
    const rec = recordRequests(page);
    const errors = consoleErrors(page);
    await openTestPage(page, {
      head: config({ targeting: { section: 'sport', 'bad key': 'x' } }),
      body: `<div data-adtag-slot="t" data-adtag-size="300x250" data-adtag-targeting='{"pos": "atf", "tags": ["a", "b"], "section": "football", "oops": {"x": 1}}'></div>
        <div data-adtag-slot="plain" data-adtag-size="300x250"></div>
        <div data-adtag-slot="broken" data-adtag-size="300x250" data-adtag-targeting="{not json"></div>`,
    });
    await waitForSlots(page, 3);
    const tgt = (slot) => {
      const [ad] = adsFor(rec, slot);
      return ad.params.tgt === undefined ? undefined : Object.fromEntries(new URLSearchParams(ad.params.tgt));
    };
    expect(tgt('t')).toEqual({ pos: 'atf', tags: 'a,b', section: 'football' });
    expect(tgt('plain')).toEqual({ section: 'sport' });
    expect(tgt('broken')).toEqual({ section: 'sport' });
    for (const slot of ['t', 'plain', 'broken']) await expectRendered(page, slot, [300, 250]);
    expect(errors.some((e) => e.includes('"bad key"')), `an error names "bad key": ${errors}`).toBe(true);
    expect(errors.some((e) => e.includes('"oops"')), `an error names "oops": ${errors}`).toBe(true);
    expect(errors.some((e) => e.includes('"broken"')), `an error names the slot "broken": ${errors}`).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------
// §9 Page events

test.describe('page events (SPEC §9)', () => {
  test('each slot event names its slot, in order, with the documented payload', async ({ page }) => {
    await openTestPage(page, { slots: ['shown', 'empty'] });
    await waitForSlots(page, 2);
    await expect.poll(() => events(page, 'impressionViewable').then((l) => l.length)).toBe(1);
    const all = await events(page);
    const of = (slot) => all.filter((e) => e.payload.slot === slot);

    const shown = of('shown');
    expect(shown.slice(0, 3)).toEqual([
      { name: 'slotRequested', payload: { slot: 'shown' } },
      { name: 'slotResponseReceived', payload: { slot: 'shown' } },
      { name: 'slotRenderEnded', payload: { slot: 'shown', isEmpty: false, size: [300, 250] } },
    ]);
    const visibility = shown.filter((e) => e.name === 'slotVisibilityChanged');
    expect(visibility.length).toBeGreaterThan(0);
    for (const v of visibility) {
      expect(Object.keys(v.payload).sort()).toEqual(['inViewPercentage', 'slot']);
      expect(Number.isInteger(v.payload.inViewPercentage)).toBe(true);
    }
    expect(visibility.at(-1).payload.inViewPercentage).toBe(100);
    const viewable = shown.find((e) => e.name === 'impressionViewable');
    expect(viewable.payload).toMatchObject({ slot: 'shown' });
    expect(shown.indexOf(viewable)).toBeGreaterThan(2);

    expect(of('empty').map((e) => e.name)).toEqual(['slotRequested', 'slotResponseReceived', 'slotRenderEnded']);
    expect(of('empty')[2].payload).toMatchObject({ slot: 'empty', isEmpty: true, size: null });
    expect(typeof of('empty')[2].payload.reason).toBe('string');
  });
});
