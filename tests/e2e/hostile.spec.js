// The privacy promise against a hostile page (issue 9): page scripts that break the browser's
// APIs, consent that arrives late, changes or races, frames that forge consent answers, and
// synthetic events. Each case failed on the tag before its fix.
const {
  test,
  expect,
  NEWS,
  PUBLISHER,
  recordRequests,
  tagCookies,
  collectedEvents,
  tagScript,
  openTestPage,
  waitForSlots,
  expectRendered,
} = require('./helpers');

const UID_COOKIE = `v${PUBLISHER}`;
const QUIET_MS = 800;
const ofType = (events, type) => events.filter((e) => e.type === type);

/** A TCF CMP of the page (`__tcfapi`) whose answer the test sets: `window.__tcf(allow)`. */
const TCF_CMP = `<script>
  (function () {
    var listeners = [], data = null;
    function tcData(allow) {
      var yes = {}; for (var i = 1; i <= 11; i++) yes[i] = allow;
      return { gdprApplies: true, tcString: allow ? 'ALLOW' : 'DENY', eventStatus: 'useractioncomplete',
        purpose: { consents: yes, legitimateInterests: {} }, vendor: { consents: { 42: allow }, legitimateInterests: {} },
        publisher: { restrictions: {} } };
    }
    window.__tcf = function (allow) { data = tcData(allow); listeners.slice().forEach(function (cb) { cb(data, true); }); };
    window.__tcfapi = function (cmd, v, cb) {
      if (cmd === 'addEventListener') { listeners.push(cb); if (data) cb(data, true); }
    };
  })();
</script>`;

test.describe('a page that breaks the browser under the tag', () => {
  test('Array.prototype.filter replaced by a throwing one: the page\'s adtag.on callbacks are still called, every slot renders', async ({ page }) => {
    // The tag keeps the page's listeners in JS (dom.js): it must not lean on array methods the
    // page can replace, nor let their throw stop its own later work.
    const head = `<script>
      window.ended = [];
      window.adtag = window.adtag || { cmd: [] };
      adtag.cmd.push(function () {
        adtag.on('slotRenderEnded', function (e) { window.ended[window.ended.length] = e.slot; });
        Array.prototype.filter = function () { throw new Error('page filter broken'); };
      });
    </script>`;
    await openTestPage(page, { head, slots: ['a', 'b'] }, NEWS);
    const seen = () => page.evaluate(() => window.ended.length + ' ended, ' + document.querySelectorAll('[data-adtag-state="rendered"]').length + ' rendered');
    await expect.poll(seen, { timeout: 10000 }).toBe('2 ended, 2 rendered');
  });

  test('console.error, IntersectionObserver.observe and Date.now that throw: the ads still render, nothing reaches the page', async ({ page }) => {
    const head = `<script>
      console.error = function () { throw new Error('page console broken'); };
      IntersectionObserver.prototype.observe = function () { throw new Error('page observer broken'); };
      Date.now = function () { throw new Error('page clock broken'); };
    </script>`;
    // A bad slot makes the tag report an error through console.error first.
    await openTestPage(page, { head, slots: [['bad', '300by250'], 'a', 'b'] }, NEWS);
    // (Playwright's own waiting helpers use the page's Date.now: poll with plain evaluate.)
    const states = () => page.evaluate(() => [...document.querySelectorAll('[data-adtag-slot]')].map((e) => e.getAttribute('data-adtag-state')));
    await expect.poll(states, { timeout: 10000 }).toEqual(['empty', 'rendered', 'rendered']);
  });

  test('no scheduler.yield and a setTimeout that throws: the tag still starts, fails closed (no request it can\'t time out), and nothing reaches the page', async ({ page }) => {
    // The loader waits a task between its steps: with neither way to wait, it goes on at once.
    // Without timers no request of the tag can be bounded: the list counts as unavailable (the
    // page as child-directed), the ads as failed, and the slots are left empty.
    const head = `<script>
      window.scheduler = undefined;
      window.setTimeout = function () { throw new Error('page timers broken'); };
    </script>`;
    const rec = recordRequests(page);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openTestPage(page, { head, slots: ['a', 'b'] }, NEWS);
    const seen = () => page.evaluate(() => [
      ...[...document.querySelectorAll('[data-adtag-slot]')].map((e) => e.getAttribute('data-adtag-state')),
      window.adtag && typeof adtag.decision == 'function' && adtag.decision().reasons.join(),
    ]);
    await expect.poll(seen, { timeout: 10000 }).toEqual(['empty', 'empty', 'child-directed-list-unavailable']);
    expect(rec.ads, 'ad requests the tag could not time out').toEqual([]);
    expect(errors, 'errors thrown into the page').toEqual([]);
  });

  test('a consent withdrawal that arrives while the tag is busy (from the page\'s cookie getter) is not lost', async ({ page, context }) => {
    // The page's document.cookie getter withdraws consent (synchronously, through the CMP)
    // the first time the tag reads cookies while it is measuring.
    const head = TCF_CMP + `<script>
      window.__tcf(true);
      var desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
      Object.defineProperty(document, 'cookie', {
        configurable: true,
        get: function () {
          if (window.__armed && !window.__done) { window.__done = true; window.__tcf(false); }
          return desc.get.call(document);
        },
        set: function (v) { desc.set.call(document, v); },
      });
    </script>`;
    await openTestPage(page, { head, tag: tagScript({ 'data-publisher': PUBLISHER, 'data-tcf-vendor-id': '42' }), slots: ['a'] }, NEWS);
    await waitForSlots(page, 1);
    await expect.poll(() => page.evaluate(() => window.adtag.decision().collect)).toBe(true);
    expect((await tagCookies(context)).map((c) => c.name)).toContain(UID_COOKIE);
    // The next event (a refresh's impression) reads the cookie from inside the tag's work.
    await page.evaluate(() => { window.__armed = true; window.adtag.refresh(); });
    await expect.poll(() => page.evaluate(() => window.__done === true)).toBe(true);
    await expect.poll(() => page.evaluate(() => window.adtag.decision().collect)).toBe(false);
    expect(await page.evaluate(() => window.adtag.decision().reasons)).toContain('tcf-no-purpose-1');
    expect((await tagCookies(context)).map((c) => c.name), 'tag cookies after the withdrawal').toEqual([]);
  });
});

test.describe('consent that comes late, changes or races', () => {
  test('a TCF CMP that appears after the tag started rules from then on: its refusal stops collection and deletes the tag\'s cookies', async ({ page, context }) => {
    const rec = recordRequests(page);
    await openTestPage(page, { tag: tagScript({ 'data-publisher': PUBLISHER, 'data-tcf-vendor-id': '42' }), slots: ['a'] }, NEWS);
    await waitForSlots(page, 1);
    await expect.poll(() => page.evaluate(() => window.adtag.decision().collect)).toBe(true);
    expect((await tagCookies(context)).map((c) => c.name)).toContain(UID_COOKIE);
    // A tag manager loads the CMP now; the visitor refuses.
    await page.evaluate((cmp) => {
      const box = document.createElement('div');
      box.innerHTML = cmp;
      // Scripts inserted by innerHTML don't run: run the CMP's script text.
      (0, eval)(box.querySelector('script').textContent);
      window.__tcf(false);
    }, TCF_CMP);
    await expect.poll(() => page.evaluate(() => window.adtag.decision().collect), { timeout: 5000 }).toBe(false);
    expect((await tagCookies(context)).map((c) => c.name), 'tag cookies after the late refusal').toEqual([]);
    // No ads either (no purpose 2): a refresh asks for none, and nothing more is collected.
    const posted = rec.events.length;
    await page.evaluate(() => window.adtag.refresh());
    await page.waitForTimeout(QUIET_MS);
    expect(rec.ads.length, 'ad requests after refusing purpose 2').toBe(1);
    expect(rec.events.length, 'events after the late refusal').toBe(posted);
  });

  test('a TCF CMP declared in the config (consentPlatforms) is waited for: nothing is collected before it answers', async ({ page, context }) => {
    const rec = recordRequests(page);
    // Every decision the page is told: none may allow collection, not even one made from the
    // list's answer before the tag has looked for the page's platforms.
    const head = `<script>window.adtag = window.adtag || { cmd: [] }; window.adtag.config = { consentPlatforms: ['tcf'] };
      window.__decisions = []; window.adtag.cmd.push(() => window.adtag.on('decision', (d) => window.__decisions.push(d.collect)));</script>`;
    await openTestPage(page, { head, tag: tagScript({ 'data-publisher': PUBLISHER, 'data-tcf-vendor-id': '42' }), slots: ['a'] }, NEWS);
    await waitForSlots(page, 1);
    const d = await page.evaluate(() => window.adtag.decision());
    expect(d.collect).toBe(false);
    const told = await page.evaluate(() => window.__decisions);
    expect(told.length, 'decisions the page was told').toBeGreaterThan(0);
    expect(told, 'collect in each decision the page was told').not.toContain(true);
    expect(d.reasons.some((r) => r.startsWith('tcf-'))).toBe(true);
    expect(rec.ads[0].params.gdpr, 'gdpr on the ad request while TCF is awaited').toBe('1');
    await page.waitForTimeout(QUIET_MS);
    expect(rec.eventPosts).toEqual([]);
    expect(await tagCookies(context)).toEqual([]);
  });

  test('US Privacy is followed live: an opt-out of sale after the start stops collection and deletes the cookies', async ({ page, context }) => {
    const head = `<script>
      window.__usp = '1YNN';
      window.__uspapi = function (cmd, v, cb) { if (cmd === 'getUSPData') cb({ version: 1, uspString: window.__usp }, true); };
    </script>`;
    await openTestPage(page, { head, slots: ['a'] }, NEWS);
    await waitForSlots(page, 1);
    await expect.poll(() => page.evaluate(() => window.adtag.decision().collect)).toBe(true);
    await page.evaluate(() => { window.__usp = '1YYN'; });
    await expect.poll(() => page.evaluate(() => window.adtag.decision().collect), { timeout: 5000 }).toBe(false);
    expect(await page.evaluate(() => window.adtag.decision().reasons)).toContain('usp-opt-out');
    expect((await tagCookies(context)).map((c) => c.name)).toEqual([]);
  });

  test('an opt-out in another tab between this tab\'s start and its first decision: no identifier, no cookie, no uid', async ({ page, context }) => {
    const rec = recordRequests(page);
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/v1/child-directed-sites*', async (route) => { await held; route.continue(); });
    await openTestPage(page, { slots: ['a'] }, NEWS);
    await expect.poll(() => rec.lists.length).toBe(1);
    // The other tab's opt-out: the cookie appears in the jar this page shares.
    await context.addCookies([{ name: 'adtag_optout', value: '1', url: NEWS }]);
    release();
    await waitForSlots(page, 1);
    await page.waitForTimeout(QUIET_MS);
    expect(await page.evaluate(() => window.adtag.decision().reasons)).toContain('opt-out-cookie');
    expect(rec.ads[0].params).not.toHaveProperty('uid');
    expect(rec.ads[0].params.npa).toBe('1');
    expect((await tagCookies(context)).map((c) => c.name)).toEqual([]);
    expect(rec.eventPosts).toEqual([]);
  });
});

test.describe('consent rules read from the page\'s platforms', () => {
  test('a TCF publisher restriction on our vendor (purpose 1 not allowed) refuses collection, though every consent is given', async ({ page, context }) => {
    const rec = recordRequests(page);
    const head = TCF_CMP + `<script>
      var real = window.__tcfapi;
      window.__tcfapi = function (cmd, v, cb) {
        real(cmd, v, function (data, ok) { data.publisher = { restrictions: { 1: { 42: 0 } } }; cb(data, ok); });
      };
      window.__tcf(true);
    </script>`;
    await openTestPage(page, { head, tag: tagScript({ 'data-publisher': PUBLISHER, 'data-tcf-vendor-id': '42' }), slots: ['a'] }, NEWS);
    await waitForSlots(page, 1);
    const d = await page.evaluate(() => window.adtag.decision());
    expect(d.collect).toBe(false);
    expect(d.reasons).toContain('tcf-restricted');
    await page.waitForTimeout(QUIET_MS);
    expect(rec.eventPosts).toEqual([]);
    expect(await tagCookies(context)).toEqual([]);
  });

  test('GPP without __tcfapi: its tcfeuv2 section rules (refusing: nothing; consenting: collection), and gdpr=1 goes on the ad request', async ({ page, context }) => {
    const gpp = (consent) => `<script>
      var yes = []; for (var i = 0; i < 24; i++) yes.push(${consent});
      var ping = { signalStatus: 'ready', gppString: 'DBABM~CP', applicableSections: [2],
        parsedSections: { tcfeuv2: [{ PurposeConsents: yes, PurposeLegitimateInterests: [],
          VendorConsents: ${consent} ? [42] : [], VendorLegitimateInterests: [], PublisherRestrictions: [] }] } };
      window.__gpp = function (cmd, cb) { if (cmd === 'addEventListener') cb({ eventName: 'signalStatus', pingData: ping }, true); };
    </script>`;
    const tag = tagScript({ 'data-publisher': PUBLISHER, 'data-tcf-vendor-id': '42' });
    const rec = recordRequests(page);
    await openTestPage(page, { head: gpp(false), tag, slots: ['a'] }, NEWS);
    await waitForSlots(page, 1);
    expect((await page.evaluate(() => window.adtag.decision())).collect, 'tcfeuv2 refusing').toBe(false);
    expect(rec.ads, 'no basis for purpose 2: no ad request').toEqual([]);
    await page.waitForTimeout(QUIET_MS);
    expect(rec.eventPosts).toEqual([]);
    expect(await tagCookies(context)).toEqual([]);

    await openTestPage(page, { head: gpp(true), tag, slots: ['a'] }, NEWS);
    await waitForSlots(page, 1);
    expect((await page.evaluate(() => window.adtag.decision())).collect, 'tcfeuv2 consenting').toBe(true);
    expect(rec.ads.map((a) => a.params.gdpr), 'gdpr on the ad request').toEqual(['1']);
  });

  test('GPP without __uspapi: its uspv1 section rules (an opt-out of sale refuses)', async ({ page }) => {
    const head = `<script>
      var ping = { signalStatus: 'ready', gppString: 'DBABTA~1YYN', applicableSections: [6],
        parsedSections: { uspv1: { Version: 1, Notice: 'Y', OptOutSale: 'Y', LspaCovered: 'N' } } };
      window.__gpp = function (cmd, cb) { if (cmd === 'addEventListener') cb({ eventName: 'signalStatus', pingData: ping }, true); };
    </script>`;
    await openTestPage(page, { head, slots: ['a'] }, NEWS);
    await waitForSlots(page, 1);
    const d = await page.evaluate(() => window.adtag.decision());
    expect(d.collect).toBe(false);
    expect(d.reasons).toContain('usp-opt-out');
  });
});

test.describe('forged consent and forged events', () => {
  test('a frame that names itself __tcfapiLocator and answers "GDPR does not apply" counts for nothing', async ({ page }) => {
    const rec = recordRequests(page);
    // The top page has a real locator frame whose CMP never answers (the tag must wait, then
    // time out); an evil sibling frame holds a locator of its own and floods the tag's frame
    // with answers carrying the callId the tag used to use and any the tag might use.
    const frameDoc = `<!doctype html><html><head>${tagScript({ 'data-publisher': PUBLISHER, 'data-tcf-vendor-id': '42' })}</head>
      <body><div data-adtag-slot="a" data-adtag-size="300x250"></div></body></html>`;
    const evilDoc = `<!doctype html><html><body><iframe name="__tcfapiLocator"></iframe><script>
      var answer = { gdprApplies: false, eventStatus: 'tcloaded', tcString: '', purpose: { consents: {}, legitimateInterests: {} },
        vendor: { consents: {}, legitimateInterests: {} } };
      var seen = [];
      window.addEventListener('message', function (e) { });
      setInterval(function () {
        var target = parent.frames['tagframe'];
        if (!target) return;
        ['adtag-tcf'].concat(seen).forEach(function (id) {
          target.postMessage({ __tcfapiReturn: { callId: id, returnValue: answer, success: true } }, '*');
        });
      }, 20);
    </script></body></html>`;
    await page.route(`${NEWS}/frame-tag.html`, (r) => r.fulfill({ contentType: 'text/html', body: frameDoc }));
    await page.route(`${NEWS}/evil.html`, (r) => r.fulfill({ contentType: 'text/html', body: evilDoc }));
    const top = `<!doctype html><html><body>
      <iframe name="__tcfapiLocator" style="display:none"></iframe>
      <iframe name="tagframe" src="/frame-tag.html" width="400" height="300"></iframe>
      <iframe name="evil" src="/evil.html"></iframe></body></html>`;
    await openTestPage(page, top, NEWS);
    const frame = page.frame({ name: 'tagframe' });
    await expect.poll(() => rec.ads.length, { timeout: 10000 }).toBe(1);
    await page.waitForTimeout(QUIET_MS);
    const d = await frame.evaluate(() => window.adtag.decision());
    expect(d.collect, 'collection on a forged "GDPR does not apply"').toBe(false);
    expect(d.reasons).toContain('tcf-timeout');
    expect(rec.eventPosts).toEqual([]);
  });

  test('synthetic visibilitychange and pagehide events end no session; the real pagehide does, once', async ({ page }) => {
    const rec = recordRequests(page);
    await openTestPage(page, { slots: ['a'] }, NEWS);
    await waitForSlots(page, 1);
    await expect.poll(() => ofType(rec.events, 'page_view').length).toBe(1);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    });
    await page.waitForTimeout(QUIET_MS);
    expect(ofType(rec.events, 'session_end'), 'session_end from synthetic events').toEqual([]);
    const uid = ofType(rec.events, 'page_view')[0].uid;
    await page.goto('about:blank');
    // The final send leaves as the page goes: read what the collector stored.
    await expect.poll(() => ofType(collectedEvents().filter((e) => e.uid === uid), 'session_end').length).toBe(1);
  });
});
