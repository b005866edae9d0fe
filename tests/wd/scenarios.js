'use strict';
// The end-to-end scenarios, written once and run in Chromium, Firefox and WebKit over W3C
// WebDriver (tests/wd/run.js). They assert only what a visitor, a publisher or a regulator can
// observe: a slot's data-adtag-state and box, the ad frame's sandbox, the cookies in the
// browser, and the events that reached the collector (the demo server's log). How the tag
// builds its frame or delivers its batches may change; these must still hold.
//
// Each scenario: {name, run(ctx)}; `engines` limits it to some engines; `session` asks for a
// browser of its own (e.g. {gpc: true}).
const assert = require('assert/strict');
const { sleep } = require('./webdriver');
const { AD_NETWORK, KIDS, NEWS, PUBLISHER, QUIET_MS, poll, assertSafeSandbox } = require('./harness');

const UID = `v${PUBLISHER}`;
const SID = `sid${PUBLISHER}`;
const FREQ = `fr${PUBLISHER}`;

/** A page whose only signals are the ones given: one slot at the top, in view. */
async function refused(ctx, { options, origin, reason, beforeOpen }) {
  const mark = ctx.mark();
  if (beforeOpen) await beforeOpen();
  await ctx.open(options, origin);
  const slot = await ctx.slot('top');
  // The ad is still shown (non-personalized): only collection stops.
  assert.equal(slot.state, 'rendered', 'the ad is still shown');
  const d = await ctx.decision();
  assert.equal(d.collect, false, 'decision().collect');
  assert.equal(d.cookies, false, 'decision().cookies');
  assert.ok(d.reasons.includes(reason), `decision().reasons ${JSON.stringify(d.reasons)} has ${reason}`);
  await ctx.expectNothingCollected(mark);
}

const scenarios = [
  {
    name: 'an ad is rendered in a sandboxed frame of its declared size',
    async run(ctx) {
      await ctx.open({ slots: ['top', ['side', '300x600']] });
      for (const [name, w, h] of [['top', 300, 250], ['side', 300, 600]]) {
        const slot = await ctx.slot(name);
        assert.equal(slot.state, 'rendered', `slot ${name} is rendered`);
        assert.equal(slot.hidden, false, `slot ${name} is visible`);
        assert.ok(slot.frame, `slot ${name} has an ad frame`);
        assert.deepEqual([slot.frame.width, slot.frame.height], [w, h], `slot ${name}'s frame size`);
        assertSafeSandbox(slot.frame.sandbox, `slot ${name}'s frame`);
      }
    },
  },
  {
    name: 'no fill: the slot shows no ad and collapses (below the viewport, where nothing moves), the others render',
    async run(ctx) {
      // SPEC §3: no ad collapses the slot, without layout shift: an empty slot may collapse
      // only while out of view and below it. This one is far below the fold.
      const below = '<div style="height:3000px">article</div><div data-adtag-slot="empty" data-adtag-size="300x250"></div>';
      await ctx.open({ slots: ['top'], body: below });
      const empty = await ctx.slot('empty');
      assert.equal(empty.state, 'empty');
      assert.equal(empty.frame, null, 'no ad frame in the empty slot');
      const gone = await poll('the empty slot to collapse', async () => {
        const v = await ctx.slot('empty');
        return v.hidden && v;
      }, 3000).catch(async () => ctx.slot('empty'));
      assert.equal(gone.hidden, true, `the empty slot takes no room (${gone.width}x${gone.height})`);
      assert.equal((await ctx.slot('top')).state, 'rendered', 'the other slot still renders');
    },
  },
  {
    name: 'opt-out cookie: zero events, zero tag cookies',
    async run(ctx) {
      await refused(ctx, {
        reason: 'opt-out-cookie',
        // The cookie the opt-out page set earlier, on the publisher's site.
        beforeOpen: async () => {
          await ctx.s.navigate(ctx.page('<!doctype html><title>before</title>'));
          await ctx.s.addCookie({ name: 'adtag_optout', value: '1', path: '/' });
        },
      });
    },
  },
  {
    name: 'child-directed flag: zero events, zero tag cookies',
    async run(ctx) {
      await refused(ctx, { options: { attrs: { 'data-child-directed': 'true' } }, reason: 'child-directed-flag' });
    },
  },
  {
    name: 'child-directed list (a listed host): zero events, zero tag cookies',
    async run(ctx) {
      await refused(ctx, { origin: KIDS, reason: 'child-directed-list' });
    },
  },
  {
    name: 'Global Privacy Control from the browser: zero events, zero tag cookies',
    engines: ['firefox'], // the only one of the three that ships GPC
    session: { gpc: true },
    async run(ctx) {
      await refused(ctx, {
        reason: 'gpc',
        beforeOpen: async () => {
          await ctx.s.navigate(ctx.page('<!doctype html><title>before</title>'));
          assert.equal(await ctx.s.execute(() => navigator.globalPrivacyControl), true, 'the browser sends GPC');
        },
      });
    },
  },
  {
    name: 'Global Privacy Control from an extension (navigator.globalPrivacyControl set): zero events',
    async run(ctx) {
      // Where the engine has no GPC switch, an extension adds it to the page, as here.
      const head = `<script>Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: function () { return true; }, configurable: true});</script>`;
      await refused(ctx, { options: { head }, reason: 'gpc' });
    },
  },
  {
    name: 'no GPC in this engine: the decision rests on the other signals',
    engines: ['chromium', 'webkit'],
    async run(ctx) {
      const url = await ctx.open();
      await ctx.slot('top');
      assert.equal(await ctx.s.execute(() => typeof navigator.globalPrivacyControl), 'undefined', 'the engine has no GPC');
      const d = await ctx.decision();
      assert.ok(!d.reasons.includes('gpc'), `no gpc reason: ${JSON.stringify(d.reasons)}`);
      assert.equal(d.collect, true, 'collection allowed');
      await ctx.event('page_view', url);
    },
  },
  {
    name: 'collection when allowed: page_view, ad_impression, ad_viewable, ad_click, session_end and the cookies',
    async run(ctx) {
      const main = await ctx.s.windowHandle();
      const url = await ctx.open();
      assert.equal((await ctx.slot('top')).state, 'rendered');
      const d = await ctx.decision();
      assert.deepEqual([d.collect, d.cookies, d.reasons], [true, true, []], 'decision()');

      const view = await ctx.event('page_view', url);
      const impression = await ctx.event('ad_impression', url);
      assert.equal(impression.slot, 'top');
      assert.ok(impression.ad, 'ad_impression names the ad');
      // MRC: half the ad in view, tab visible, one continuous second.
      const viewable = await ctx.event('ad_viewable', url);
      assert.ok(viewable.ts - impression.ts >= 1000, `ad_viewable ${viewable.ts - impression.ts} ms after the impression`);

      const cookies = await ctx.s.cookies();
      const byName = Object.fromEntries(cookies.map((c) => [c.name, c]));
      for (const name of [UID, SID, FREQ]) assert.ok(byName[name], `cookie ${name} (has: ${Object.keys(byName)})`);
      assert.equal(view.uid, byName[UID].value, 'events carry the uid of the v cookie');
      assert.equal(view.pub, PUBLISHER);
      for (const name of [UID, SID, FREQ]) {
        assert.equal(byName[name].path, '/', `${name}: path=/`);
        assert.equal(byName[name].sameSite, 'Lax', `${name}: SameSite=Lax`);
        assert.ok(!byName[name].domain || !byName[name].domain.startsWith('.'), `${name}: host-only (${byName[name].domain})`);
        assert.equal(byName[name].httpOnly, false, `${name}: first-party, written by the page's script`);
      }
      // The identifier must outlive the session (Safari's ITP would cap it at 7 days).
      const days = (byName[UID].expiry - Date.now() / 1000) / 86400;
      assert.ok(days > 1, `${UID} lasts ${days.toFixed(1)} days`);
      ctx.log(`${UID} expires in ${days.toFixed(0)} days`);

      // A real click on the ad frame (trusted, as a visitor's): the click-through opens in a
      // new tab and the click reaches the collector.
      await ctx.clickFrame('[data-adtag-slot="top"] iframe');
      const click = await ctx.event('ad_click', url);
      assert.equal(click.slot, 'top');
      await ctx.closeOtherWindows(main);

      // The page is hidden and left: the session's end is delivered.
      await ctx.leave();
      const end = await ctx.event('session_end', url);
      assert.ok(Number.isInteger(end.duration_ms) && end.duration_ms > 1000, `session_end duration_ms ${end.duration_ms}`);
      assert.equal(end.sid, view.sid);
    },
  },
  {
    name: 'an ad shown while the tab is hidden is counted when the page is left, still hidden',
    // Another tab in front hides this one with a trusted visibilitychange in Chromium and
    // Firefox; WebKit's MiniBrowser keeps a tab opened over it "visible".
    engines: ['chromium', 'firefox'],
    async run(ctx) {
      const main = await ctx.s.windowHandle();
      const url = await ctx.open();
      assert.equal((await ctx.slot('top')).state, 'rendered');
      await ctx.event('ad_impression', url);
      // A page without the tag: nothing there could send what the hidden page left behind.
      const away = ctx.page('<!doctype html><title>away</title><link rel="icon" href="data:,">');
      // In 1.5 s, when the tab is behind another: a new ad for the slot, and the page leaves at
      // once when it is shown (before the tag's batching delay, which a hidden tab's timers
      // stretch to a second or more), so only pagehide can send its impression now.
      await ctx.s.execute((away) => {
        window.adtag.on('slotRenderEnded', (e) => {
          if (window.__refreshed && !e.isEmpty) location.href = away + '?seen=' + window.__seen;
        });
        setTimeout(() => {
          window.__seen = document.visibilityState;
          window.__refreshed = true;
          window.adtag.refresh(['top']);
        }, 1500);
      }, away);
      const other = await ctx.s.cmd('POST', '/window/new', { type: 'tab' });
      await ctx.s.switchToWindow(other.handle);
      await ctx.s.navigate(`${NEWS}/blank.html`);
      const end = await ctx.event('session_end', url);
      const second = await poll('the second ad_impression (shown while hidden) at the collector', () => {
        const shown = ctx.since(0).filter((e) => e.type === 'ad_impression' && e.page.startsWith(url));
        return shown.length >= 2 && shown[1];
      });
      assert.ok(second.ts > end.ts, `the impression was recorded after the tab was hidden (${second.ts} > ${end.ts})`);
      assert.equal(second.sid, end.sid);
      await ctx.s.closeWindow();
      await ctx.s.switchToWindow(main);
      // The refresh ran while the tab was hidden, and the page left before it was shown again.
      assert.equal(await ctx.s.execute(() => location.href), away + '?seen=hidden', 'the hidden page left by itself');
    },
  },
  {
    name: "a returning visitor keeps the uid; each page view renews the cookie (Safari's 7-day cap counts from the last visit)",
    async run(ctx) {
      const first = await ctx.open();
      await ctx.event('page_view', first);
      const before = (await ctx.tagCookies()).find((c) => c.name === UID);
      assert.ok(before, 'the uid cookie after the first visit');
      await sleep(2100); // cookie expiry has a granularity of one second
      const second = await ctx.open();
      const view = await ctx.event('page_view', second);
      const after = (await ctx.tagCookies()).find((c) => c.name === UID);
      assert.equal(after.value, before.value, 'the same uid on the second visit');
      assert.equal(view.uid, before.value, 'the second visit is counted for the same visitor');
      assert.ok(after.expiry > before.expiry, `the cookie renewed (${before.expiry} → ${after.expiry})`);
      const visits = (await ctx.s.cookies()).find((c) => c.name === FREQ);
      assert.ok(visits, `cookie ${FREQ}`);
    },
  },
  {
    name: 'a script-dispatched click on the frame counts nothing',
    async run(ctx) {
      const url = await ctx.open();
      await ctx.slot('top');
      await ctx.event('ad_impression', url);
      const mark = ctx.mark();
      await ctx.s.execute(() => {
        const f = document.querySelector('[data-adtag-slot="top"] iframe');
        f.dispatchEvent(new MouseEvent('click', { bubbles: true }));
        f.click();
      });
      await sleep(QUIET_MS);
      assert.deepEqual(ctx.since(mark).filter((e) => e.type === 'ad_click'), [], 'no ad_click');
    },
  },
  {
    name: 'adtag.optOut(): the opt-out cookie set, the tag cookies gone, nothing more sent',
    async run(ctx) {
      const url = await ctx.open();
      await ctx.event('page_view', url);
      await poll('the uid cookie', async () => (await ctx.tagCookies()).some((c) => c.name === UID));
      await ctx.s.execute(() => window.adtag.optOut());
      const mark = ctx.mark();
      const cookies = await ctx.s.cookies();
      const optout = cookies.find((c) => c.name === 'adtag_optout');
      assert.ok(optout && optout.value === '1', 'adtag_optout=1');
      assert.deepEqual([optout.path, optout.sameSite], ['/', 'Lax'], 'the opt-out cookie: path=/, SameSite=Lax');
      assert.ok((optout.expiry - Date.now() / 1000) / 86400 > 300, 'the opt-out lasts a year');
      assert.deepEqual((await ctx.tagCookies()).map((c) => c.name), [], 'no tag cookies after optOut()');
      assert.equal((await ctx.decision()).collect, false);
      await ctx.expectNothingCollected(mark);
      // The next page view is opted out from its start.
      const m2 = ctx.mark();
      await ctx.open();
      await ctx.slot('top');
      const next = await ctx.decision();
      assert.ok(next.reasons.includes('opt-out-cookie'), `the next page's decision ${JSON.stringify(next)}`);
      await ctx.expectNothingCollected(m2);
    },
  },
  {
    name: "TCF v2.2 with IAB's CMP API: nothing before consent; accept, then collection; withdraw, then cookies deleted",
    async run(ctx) {
      // www/consent.html: the ad network's demo page with @iabtechlabtcf/cmpapi and a banner.
      const url = `${AD_NETWORK}/consent.html`;
      const mark = ctx.mark();
      await ctx.s.navigate(url);
      await ctx.slot('top');
      let d = await ctx.decision();
      assert.equal(d.collect, false, `nothing allowed while the banner asks (${JSON.stringify(d.reasons)})`);
      await sleep(QUIET_MS);
      assert.deepEqual(ctx.since(mark), [], 'zero events before consent');
      assert.deepEqual((await ctx.tagCookies()).map((c) => c.name), [], 'no tag cookies before consent');

      await ctx.s.click(await ctx.s.find('#accept'));
      await ctx.event('page_view', url);
      await poll('the uid cookie after consent', async () => (await ctx.tagCookies()).some((c) => c.name === UID));
      d = await ctx.decision();
      assert.equal(d.collect, true, 'collection after consent');

      await ctx.s.click(await ctx.s.find('#withdraw'));
      d = await poll('a refusing decision after withdrawal', async () => {
        const now = await ctx.decision();
        return now.collect === false && now;
      });
      assert.ok(d.reasons.includes('tcf-no-purpose-1'), `reasons after withdrawal: ${JSON.stringify(d.reasons)}`);
      // SPEC §2.4: withdrawn consent deletes the tag's cookies as optOut() does.
      const left = await poll('tag cookies deleted after withdrawal', async () => (await ctx.tagCookies()).length === 0, 3000).catch(async () => (await ctx.tagCookies()).map((c) => c.name));
      assert.equal(left, true, `tag cookies left after withdrawal: ${left}`);
      const m2 = ctx.mark();
      await ctx.expectNothingCollected(m2);
    },
  },
];

module.exports = { scenarios };
