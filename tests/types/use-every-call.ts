// Compiled (never run) by scripts/test.sh with `tsc --noEmit --strict`: every call of
// www/adtag.d.ts as a publisher writes it, and (@ts-expect-error) the mistakes it must catch.
/// <reference path="../../www/adtag.d.ts" />

window.adtag = window.adtag || { cmd: [] };
window.adtag.config = {
  publisher: '12345',
  endpoint: 'https://ads.example.com',
  childDirected: false,
  optOutCookie: 'adtag_optout',
  debug: true,
  tcfVendorId: 1234,
  lazyLoad: { fetchMarginPercent: 300, renderMarginPercent: 100 },
  targeting: { section: 'sport', tags: ['football', 'results'] },
  consentPlatforms: ['tcf', 'gpp'],
  collapseEmptySlots: 'never',
};
window.adtag.config = { lazyLoad: true, consentPlatforms: 'tcf,gpp,usp' };

adtag.cmd.push(() => {
  const version: string = adtag.version;
  adtag.optOut();
  adtag.optIn();
  const d: adtag.Decision = adtag.decision();
  const why: string[] = d.reasons;
  const flags: boolean[] = [d.collect, d.cookies, d.personalized, d.childDirected, d.ads];

  adtag.on('decision', (e) => console.log(e.collect, e.reasons.includes('gpc')));
  adtag.on('slotRequested', (e) => console.log(e.slot));
  adtag.on('slotResponseReceived', (e) => console.log(e.slot));
  adtag.on('slotRenderEnded', (e) => {
    const size: [number, number] | null = e.size;
    const reason: string | undefined = e.reason;
    console.log(e.slot, e.isEmpty, size, reason);
  });
  adtag.on('slotOnload', (e) => console.log(e.slot));
  adtag.on('slotVisibilityChanged', (e) => console.log(e.slot, e.inViewPercentage.toFixed(0)));
  adtag.on('impressionViewable', (e) => console.log(e.slot, e.ad));
  const registered: boolean = adtag.on('adClick', (e) => console.log(e.slot, e.ad));

  adtag.refresh();
  adtag.refresh(['top', 'side']);
  adtag.destroySlots();
  adtag.destroySlots(['side']);

  for (const entry of adtag.audit()) {
    const ts: number = entry.ts;
    console.log(ts, entry.action === 'cookie-write', entry.target, entry.rule);
  }
  const signals = adtag.signals();
  if (signals) {
    const list: 'listed' | 'not-listed' | 'failed' | 'timed-out' | 'pending' = signals.siteList;
    const tcf: 'absent' | 'pending' | 'timed-out' | 'ready' = signals.tcf;
    const gpc: boolean = signals.gpc;
    void list, tcf, gpc;
  }
  for (const s of adtag.slots()) {
    const name: string = s.slot;
    const size: [number, number] | null = s.size;
    void name, size;
  }
  adtag.on('audit', (e) => {
    const action: string = e.action;
    void action;
  });
  adtag.openConsole();
  console.log(version, why, flags, registered);

  // The mistakes the declarations catch.
  // @ts-expect-error: no such event
  adtag.on('slotRendered', () => {});
  // @ts-expect-error: slotRenderEnded has no inViewPercentage
  adtag.on('slotRenderEnded', (e) => e.inViewPercentage);
  // @ts-expect-error: refresh takes an array of slot names
  adtag.refresh('top');
  // @ts-expect-error: the version is read-only
  adtag.version = '2';
  // @ts-expect-error: an audit action that does not exist
  const bad: adtag.AuditAction = 'cookie-eat';
  console.log(bad);
});
// @ts-expect-error: lazyLoad margins are numbers
window.adtag.config = { lazyLoad: { fetchMarginPercent: '300' } };
// @ts-expect-error: collapseEmptySlots is auto or never
window.adtag.config = { collapseEmptySlots: 'sometimes' };
