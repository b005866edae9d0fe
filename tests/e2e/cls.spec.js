// No layout shift from the tag (SPEC §3; issue 16): on a page that reserves its slots' space
// as the README says (one CSS line per slot), the tag never moves the page, whatever happens
// to the ad: filled, no ad, an error, a refresh, lazy loading. Measured as the visitor's browser does, with the Layout
// Instability API (`layout-shift` entries, summed as CLS).
const { test, expect, PORT, isAdRequest, openTestPage, waitForSlots, slotView } = require('./helpers');

const NOTKIDS = `http://notkids.example:${PORT}`;
const MAX_CLS = 0.01;
const CORS = { 'Access-Control-Allow-Origin': '*' };

/** Sums every layout shift of the page (not those right after input), from the start. */
function clsRecorder() {
  if (window.top !== window) return;
  window.__cls = 0;
  window.__shifts = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.hadRecentInput) continue;
        window.__cls += e.value;
        // What moved, to tell the tag's shifts from the page's own.
        const moved = (e.sources || []).map((s) => (s.node ? s.node.id || s.node.getAttribute?.('data-adtag-slot') || s.node.nodeName : '?'));
        window.__shifts.push({ value: e.value, at: Math.round(e.startTime), moved });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  } catch (_) {
    window.__cls = NaN; // no Layout Instability API: the test must not pass silently
  }
}

/** Paragraphs enough to fill the viewport below the slots: a shift would move them. */
const TEXT = Array.from({ length: 30 }, (_, i) => `<p>Paragraph ${i + 1} of the article, long enough to wrap onto a second line in a narrow viewport, as article text does.</p>`).join('\n');

/** A slot as the README says to write it: its space reserved by the page's own CSS. */
const reserved = (name, size = '300x250') => `<div data-adtag-slot="${name}" data-adtag-size="${size}" style="min-height:${size.split('x')[1]}px"></div>`;

/** Settles (rendering done, two frames painted), then reads the page's CLS. */
async function cls(page) {
  await page.waitForTimeout(600);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => ({ cls: window.__cls, shifts: window.__shifts }));
}

for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
  test.describe(`CLS at ${viewport.width}x${viewport.height} (issue 16)`, () => {
    test.use({ viewport });

    test('reserved slots in view, filled: no shift', async ({ page }) => {
      await page.addInitScript(clsRecorder);
      await openTestPage(page, { body: `${reserved('a')}\n${TEXT.slice(0, 400)}\n${reserved('b', '320x50')}\n${TEXT}` }, NOTKIDS);
      const ended = await waitForSlots(page, 2);
      expect(ended.every((e) => !e.isEmpty), 'both filled').toBe(true);
      const { cls: value, shifts } = await cls(page);
      expect(value, `layout shifts ${JSON.stringify(shifts)}`).toBeLessThanOrEqual(MAX_CLS);
    });

    test('a reserved slot in view with no ad keeps its box empty: no shift', async ({ page }) => {
      await page.addInitScript(clsRecorder);
      await openTestPage(page, { body: `${reserved('empty')}\n${TEXT}` }, NOTKIDS);
      const [ended] = await waitForSlots(page, 1);
      expect(ended).toMatchObject({ slot: 'empty', isEmpty: true });
      const { cls: value, shifts } = await cls(page);
      expect(value, `layout shifts ${JSON.stringify(shifts)}`).toBeLessThanOrEqual(MAX_CLS);
      const view = await slotView(page, 'empty');
      expect([view.height, view.frame], 'the empty slot keeps its box, with no frame').toEqual([250, null]);
    });

    test('a reserved slot in view whose ad fails (server error, garbage): no shift', async ({ page }) => {
      await page.addInitScript(clsRecorder);
      await page.route(
        (url) => isAdRequest(url, 'broken'),
        (route) => route.fulfill({ status: 500, headers: { 'Access-Control-Allow-Origin': '*' }, contentType: 'text/plain', body: 'down' }),
      );
      await openTestPage(page, { body: `${reserved('broken')}\n${reserved('garbage', '320x50')}\n${TEXT}` }, NOTKIDS);
      await waitForSlots(page, 2);
      const { cls: value, shifts } = await cls(page);
      expect(value, `layout shifts ${JSON.stringify(shifts)}`).toBeLessThanOrEqual(MAX_CLS);
    });

    test('an empty slot below the viewport collapses (out of view: no shift), one in view does not', async ({ page }) => {
      await page.addInitScript(clsRecorder);
      const body = `${reserved('empty')}\n${TEXT}\n${TEXT}\n<div id="far">${reserved('empty-far')}</div>\n${TEXT}`;
      await page.route((url) => isAdRequest(url, 'empty-far'), (route) => route.fulfill({ status: 204, headers: { 'Access-Control-Allow-Origin': '*' } }));
      await openTestPage(page, { body }, NOTKIDS);
      await waitForSlots(page, 2);
      await expect.poll(async () => (await slotView(page, 'empty-far')).hidden, { message: 'the slot below the fold collapsed' }).toBe(true);
      expect((await slotView(page, 'empty')).height, 'the empty slot in view keeps its box').toBe(250);
      const { cls: value, shifts } = await cls(page);
      expect(value, `layout shifts ${JSON.stringify(shifts)}`).toBeLessThanOrEqual(MAX_CLS);
    });

    test('refresh of a reserved slot in view, to a smaller ad and then to no ad: the box stays, no shift', async ({ page }) => {
      await page.addInitScript(clsRecorder);
      // The first answer is the demo server's 300x250; the refreshes get a 320x50, then none.
      let asked = 0;
      await page.route((url) => isAdRequest(url, 'again'), (route) => {
        asked += 1;
        if (asked === 1) return route.continue();
        if (asked === 2) {
          const ad = { id: 'small', html: '<p style="margin:0">A small ad</p>', width: 320, height: 50, clickUrl: 'https://advertiser.example/' };
          return route.fulfill({ status: 200, headers: CORS, contentType: 'application/json', body: JSON.stringify(ad) });
        }
        return route.fulfill({ status: 204, headers: CORS });
      });
      // Two sizes: the page reserves the widest and the tallest (the README's line).
      const slot = '<div data-adtag-slot="again" data-adtag-size="300x250,320x50" style="width:320px;min-height:250px"></div>';
      await openTestPage(page, { body: `${slot}\n${TEXT}` }, NOTKIDS);
      await waitForSlots(page, 1);
      for (const n of [2, 3]) {
        await page.evaluate(() => window.adtag.refresh(['again']));
        await waitForSlots(page, n);
      }
      const ended = await page.evaluate(() => window.__adtagSlotEvents.map((e) => (e.isEmpty ? 'empty' : e.size.join('x'))));
      expect(ended, 'filled, refilled smaller, then empty').toEqual(['300x250', '320x50', 'empty']);
      const { cls: value, shifts } = await cls(page);
      expect(value, `layout shifts ${JSON.stringify(shifts)}`).toBeLessThanOrEqual(MAX_CLS);
      expect((await slotView(page, 'again')).height, 'the empty slot in view keeps its box').toBe(250);
    });

    test('lazy loading: reserved slots requested and filled, or left empty, as the visitor scrolls to them: no shift', async ({ page }) => {
      await page.addInitScript(clsRecorder);
      // The empty slot's answer is held until the slot is in the upper half of the screen,
      // where a collapse would move everything the visitor sees below it.
      let release;
      const held = new Promise((r) => { release = r; });
      await page.route((url) => isAdRequest(url, 'lazy-empty'), async (route) => {
        await held;
        await route.fulfill({ status: 204, headers: CORS });
      });
      // Margins 0: each slot is requested and shown only once it is on screen, while the
      // visitor is looking at what is around it.
      const head = `<script>window.adtag = window.adtag || { cmd: [] }; window.adtag.config = ${JSON.stringify({ lazyLoad: { fetchMarginPercent: 0, renderMarginPercent: 0 } })};</script>`;
      const body = `${TEXT}\n${reserved('lazy-ad')}\n${TEXT}\n${reserved('lazy-empty')}\n${TEXT}\n${reserved('lazy-small', '320x50')}\n${TEXT}`;
      await openTestPage(page, { head, body }, NOTKIDS);
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => window.__adtagSlotEvents.length), 'nothing below the fold is requested before the scroll').toBe(0);
      // Scrolls down a third of a screen at a time, letting each slot in view load.
      const bottom = await page.evaluate(() => document.documentElement.scrollHeight - innerHeight);
      for (let y = 0; y < bottom; ) {
        y = Math.min(bottom, y + Math.round(viewport.height / 3));
        const top = await page.evaluate((y) => {
          window.scrollTo(0, y);
          return document.querySelector('[data-adtag-slot="lazy-empty"]').getBoundingClientRect().top;
        }, y);
        if (top < viewport.height / 2) release();
        await page.waitForTimeout(150);
      }
      const ended = await waitForSlots(page, 3);
      expect(ended.map((e) => `${e.slot}:${e.isEmpty ? 'empty' : 'ad'}`).sort()).toEqual(['lazy-ad:ad', 'lazy-empty:empty', 'lazy-small:ad']);
      const { cls: value, shifts } = await cls(page);
      expect(value, `layout shifts ${JSON.stringify(shifts)}`).toBeLessThanOrEqual(MAX_CLS);
      // Answered while in view, then scrolled past (above the viewport): its box stays.
      expect((await slotView(page, 'lazy-empty')).height).toBe(250);
    });

    test('the demo article scores CLS 0 (it follows the README)', async ({ page }) => {
      await page.addInitScript(clsRecorder);
      await page.goto('/index.html');
      await waitForSlots(page, 4);
      const { cls: value, shifts } = await cls(page);
      expect(value, `layout shifts ${JSON.stringify(shifts)}`).toBeLessThanOrEqual(MAX_CLS);
    });
  });
}

// The main thread (README "The main thread: no long task"). How long a piece takes is a
// benchmark figure (`npm run bench -- --only cwv --pieces`); what runs together is not: with
// every `scheduler.yield()` held and let go one at a time, each continuation's work is seen on
// its own. Each ad request and each ad frame, the costliest things the tag does to a page, is
// a task of its own, and the slots are claimed in a task that does neither.
test.describe('the main thread (issue 16)', () => {
  test('with every yield let go one at a time: each ad request and each ad frame in a task of its own, the slots claimed in another', async ({ page }) => {
    await page.addInitScript(() => {
      if (window.top !== window) return;
      const waiting = [];
      window.scheduler.yield = () => new Promise((r) => waiting.push(r));
      const adRequests = [];
      const own = window.fetch;
      window.fetch = function (u) {
        if (/\/v1\/ad\?/.test(String(u && u.url ? u.url : u))) adRequests.push(1);
        return own.apply(this, arguments);
      };
      const seen = () => ({
        ads: adRequests.length,
        frames: document.querySelectorAll('iframe[src*="adtag-frame"]').length,
        claimed: document.querySelectorAll('[data-adtag-state]').length,
      });
      // Lets the oldest held yield go, and reads what its continuation did: the continuation and
      // the microtasks it queued run before this task's awaits end (no other task in between).
      window.__step = async () => {
        const before = seen();
        const next = waiting.shift();
        if (!next) return null;
        next();
        for (let i = 0; i < 50; i++) await null;
        const after = seen();
        return { ads: after.ads - before.ads, frames: after.frames - before.frames, claimed: after.claimed - before.claimed };
      };
    });
    // The ads' answers held until every frame is made: a frame is then made by its own piece,
    // not by an answer that came first (which may make it, in a task of the network's).
    const held = [];
    await page.route((url) => isAdRequest(url), (route) => held.push(route));
    await openTestPage(page, {
      slots: [],
      body: `${reserved('one')}${reserved('two')}${reserved('three')}`,
    }, NOTKIDS);
    const steps = [];
    const deadline = Date.now() + 15_000;
    const total = () => steps.reduce((s, x) => ({ ads: s.ads + x.ads, frames: s.frames + x.frames }), { ads: 0, frames: 0 });
    while ((total().ads < 3 || total().frames < 3) && Date.now() < deadline) {
      const step = await page.evaluate(() => window.__step());
      if (step) steps.push(step);
      else await page.waitForTimeout(20); // the site list's answer, a timer
    }
    for (const r of held.splice(0)) await r.continue();
    const shown = steps.map((s) => `${s.claimed ? 'slots ' : ''}${s.ads ? `${s.ads} request(s) ` : ''}${s.frames ? `${s.frames} frame(s)` : ''}`.trim() || '-').join(' | ');
    expect(total(), `what each task did: ${shown}`).toEqual({ ads: 3, frames: 3 });
    for (const s of steps) {
      expect(s.ads, `one ad request per task: ${shown}`).toBeLessThanOrEqual(1);
      expect(s.frames, `one ad frame per task: ${shown}`).toBeLessThanOrEqual(1);
      expect(s.ads && s.frames, `a request and a frame in one task: ${shown}`).toBeFalsy();
      if (s.claimed) expect(s.ads + s.frames, `the slots claimed with a request or a frame: ${shown}`).toBe(0);
    }
    expect(steps.some((s) => s.claimed === 3), `the three slots claimed together, in one task: ${shown}`).toBe(true);
    await waitForSlots(page, 3);
  });
});
