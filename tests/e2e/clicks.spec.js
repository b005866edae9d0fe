// Clicks count only when the visitor really clicked the ad (SPEC §3, §4; issue 9 "Forged
// events"). The page (or any script on it) and the creative are both hostile here: whatever
// they post or dispatch, only a trusted click by the visitor makes an `ad_click` beacon or an
// `adClick` page event, and only that click opens the advertiser (in a new tab, no opener).
const { test, expect, PORT, PUBLISHER, recordRequests, openTestPage, waitForSlots, waitForEvent, hidePage, storedFor } = require('./helpers');

/** Not on the child-directed list: collection allowed, so clicks would be beaconed. */
const NOTKIDS = `http://notkids.example:${PORT}`;

const clicks = (events) => events.filter((e) => e.type === 'ad_click');

/** The page's own record of publisher events and of every message the tag's page receives. */
function pageRecorder() {
  if (window.top !== window) return;
  window.__pub = [];
  window.__messages = [];
  window.addEventListener('message', (e) => {
    window.__messages.push({ data: e.data, fromSlotFrame: null });
  }, true);
  window.adtag = window.adtag || { cmd: [] };
  window.adtag.cmd.push(() => {
    window.adtag.on('adClick', (e) => window.__pub.push('click:' + e.slot));
    window.adtag.on('slotOnload', (e) => window.__pub.push('onload:' + e.slot));
  });
}

/** Waits until some frame of the page shows the demo creative (however deep it is nested). */
async function waitForCreative(page, selector = '[data-demo-ad]') {
  await expect
    .poll(async () => {
      for (const f of page.frames()) {
        if (f === page.mainFrame()) continue;
        if (await f.locator(selector).count().catch(() => 0)) return true;
      }
      return false;
    }, { message: `a frame shows ${selector}` })
    .toBe(true);
}

/** A real click by the visitor (mouse input at the slot's centre): trusted, like a person's. */
async function visitorClick(page, slot) {
  const box = await page.locator(`[data-adtag-slot="${slot}"]`).boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + Math.min(box.height / 2, 40));
}

/**
 * Hides the page (by leaving it: the one hide the browser vouches for, see hidePage) so that
 * everything queued is sent; resolves to every event the collector stored for this visitor,
 * once its session_end is there.
 */
async function flush(page, rec) {
  const { uid } = await waitForEvent(rec, 'page_view');
  await hidePage(page);
  return storedFor(uid);
}

/** Serves `html` as the creative of every ad answer for `slot` (status 200, a click URL). */
async function routeCreative(page, slot, html, clickUrl = `${NOTKIDS}/landing.html?ad=hostile`) {
  await page.route(
    (url) => url.pathname === '/v1/ad' && url.searchParams.get('slot') === slot,
    (route) =>
      route.fulfill({
        status: 200,
        headers: { 'Access-Control-Allow-Origin': '*' },
        contentType: 'application/json',
        body: JSON.stringify({ id: 'hostile-1', html, width: 300, height: 250, clickUrl }),
      }),
  );
}

test.describe('forged clicks count nothing (issue 9)', () => {
  test('the page replays the frame\'s genuine click message, as a synthetic MessageEvent from the ad frame and as a real postMessage: still one click', async ({ page, context }) => {
    await page.addInitScript(pageRecorder);
    const rec = recordRequests(context);
    await openTestPage(page, { slots: ['x'] }, NOTKIDS);
    await waitForSlots(page, 1);
    await waitForCreative(page);

    // The page also tries the token it can read from the frame's markup, before any click.
    await page.evaluate(() => {
      const frame = document.querySelector('[data-adtag-slot="x"] iframe');
      const markup = (frame.getAttribute('srcdoc') || '') + ' ' + (frame.getAttribute('src') || '');
      const tokens = markup.match(/[0-9a-f]{16,}/g) || [''];
      for (const token of tokens) {
        const data = { adtag: 'click', token };
        window.dispatchEvent(new MessageEvent('message', { data, source: frame.contentWindow, origin: 'null' }));
        window.postMessage(data, '*');
      }
    });

    const opened = context.waitForEvent('page');
    await visitorClick(page, 'x');
    const landing = await opened;
    await expect.poll(() => clicks(rec.events).length, { message: 'the visitor\'s click is beaconed' }).toBe(1);
    expect(await landing.evaluate(() => window.opener), 'the advertiser gets no handle on the page').toBeNull();

    // Every message the page saw from the frame (the genuine click among them), replayed
    // more than a second later (past any rate limit) with the ad frame as its source.
    await page.waitForTimeout(1100);
    const replayed = await page.evaluate(() => {
      const frame = document.querySelector('[data-adtag-slot="x"] iframe');
      const all = window.__messages.map((m) => m.data).filter((d) => d && typeof d === 'object');
      for (const data of all) {
        window.dispatchEvent(new MessageEvent('message', { data, source: frame.contentWindow, origin: 'null' }));
        window.postMessage(data, '*');
      }
      return all.length;
    });
    expect(replayed, 'the page saw the frame\'s messages').toBeGreaterThan(0);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => window.__pub), 'page events: the creative loaded once, one click').toEqual(['onload:x', 'click:x']);

    const stored = await flush(page, rec);
    expect(clicks(stored), 'ad_click beacons').toHaveLength(1);
    expect(clicks(stored)[0]).toMatchObject({ slot: 'x', ad: expect.any(String), pub: PUBLISHER });
  });

  test('a creative that clicks itself, posts its own token and forges click messages counts nothing and opens no tab', async ({ page, context }) => {
    await page.addInitScript(pageRecorder);
    const tabs = [];
    context.on('page', (p) => tabs.push(p));
    await routeCreative(
      page,
      'x',
      `<div id="hostile" data-demo-ad="hostile" style="width:300px;height:250px">Hostile ad</div>
<script>
(function () {
  function tokens() {
    var text = document.documentElement.outerHTML;
    return (text.match(/[0-9a-f]{16,}/g) || []).concat(['']);
  }
  function forge() {
    try { document.body.click(); } catch (e) {}
    var all = document.querySelectorAll('*');
    for (var i = 0; i < all.length; i++) {
      try { all[i].dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true })); } catch (e) {}
    }
    var targets = [parent, top];
    try { targets.push(parent.parent); } catch (e) {}
    tokens().forEach(function (token) {
      targets.forEach(function (w) {
        try { w.postMessage({ adtag: 'click', token: token }, '*'); } catch (e) {}
        try { w.postMessage({ adtag: 'click', token: token, n: 1 }, '*'); } catch (e) {}
      });
    });
  }
  forge();
  setTimeout(forge, 300);
  setTimeout(forge, 1400);
})();
</script>`,
    );
    const rec = recordRequests(context);
    await openTestPage(page, { slots: ['x'] }, NOTKIDS);
    await waitForSlots(page, 1);
    await waitForCreative(page, '#hostile');
    await page.waitForTimeout(2000);
    expect(await page.evaluate(() => window.__pub), 'page events: the creative loaded, no click').toEqual(['onload:x']);

    expect(clicks(await flush(page, rec)), 'ad_click beacons').toEqual([]);
    expect(tabs.map((t) => t.url()), 'tabs the creative opened').toEqual([]);
  });

  test('a real click on a hostile creative is still one click to the ad\'s own click URL', async ({ page, context }) => {
    await page.addInitScript(pageRecorder);
    const clickUrl = `${NOTKIDS}/landing.html?ad=hostile`;
    await routeCreative(
      page,
      'x',
      // The creative would rather send the visitor elsewhere.
      `<a id="hostile" data-demo-ad="hostile" href="https://elsewhere.invalid/" style="display:block;width:300px;height:250px">Hostile ad</a>
<script>document.addEventListener('click', function () { location.href = 'https://elsewhere.invalid/'; }, true);</script>`,
      clickUrl,
    );
    const rec = recordRequests(context);
    await openTestPage(page, { slots: ['x'] }, NOTKIDS);
    await waitForSlots(page, 1);
    await waitForCreative(page, '#hostile');

    const opened = context.waitForEvent('page');
    await visitorClick(page, 'x');
    const landing = await opened;
    await landing.waitForLoadState('domcontentloaded');
    expect(landing.url()).toBe(clickUrl);
    expect(page.url()).toBe(`${NOTKIDS}/test-page.html`);
    expect(clicks(await flush(page, rec))).toHaveLength(1);
  });
});
