// The audit trail (SPEC §10), checked against what the browser saw: every request the tag
// sent (the network log) and every cookie write and storage call (an init script logging
// them in the page), on an allowed page, an opted-out page, a child-directed page and a page
// whose consent changes mid-way. Complete (nothing missing) and exact (nothing it didn't do).
const {
  test,
  expect,
  NEWS,
  KIDS,
  PUBLISHER,
  tagScript,
  tagCookies,
  openTestPage,
  waitForSlots,
} = require('./helpers');

/** In the page, before any script: logs every document.cookie write and storage call. */
function spyOnCookiesAndStorage() {
  if (window.top !== window) return;
  window.__writes = [];
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get() { return desc.get.call(document); },
    set(v) { window.__writes.push(['cookie', String(v).split('=')[0].trim()]); desc.set.call(document, v); },
  });
  for (const m of ['getItem', 'setItem', 'removeItem']) {
    const real = Storage.prototype[m];
    Storage.prototype[m] = function (k, ...rest) { window.__writes.push([m, String(k)]); return real.call(this, k, ...rest); };
  }
}

/** Records the tag's network requests: /v1/ endpoints and its frame document. */
function recordNetwork(page) {
  const urls = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/v1/') || /\/adtag-frame(\.[0-9a-f]+)?\.html$/.test(u.pathname)) urls.push(r.url());
  });
  return urls;
}

async function trail(page) {
  return page.evaluate(() => window.adtag.audit());
}

/** What the trail says against what the browser saw. */
async function expectTrailMatches(page, network) {
  // Quiet first (the 300 ms batching, answers in flight), then the trail and the page's own
  // log read together.
  await page.waitForTimeout(700);
  const [t, writes] = await page.evaluate(() => [window.adtag.audit(), window.__writes.slice()]);
  for (const e of t) {
    expect(typeof e.ts).toBe('number');
    expect(e.rule.length, `a rule for ${e.action} ${e.target}`).toBeGreaterThan(5);
  }
  const sent = t.filter((e) => e.action === 'request' || e.action === 'beacon').map((e) => e.target).sort();
  expect(sent, 'requests and beacons in the trail = those the browser sent').toEqual([...network].sort());
  const cookieWrites = writes.filter((w) => w[0] === 'cookie').map((w) => w[1]);
  const trailCookieWrites = t.filter((e) => e.action === 'cookie-write' || e.action === 'cookie-delete').map((e) => e.target);
  // A deletion writes one cookie string per domain and path it may have been set on; the
  // trail names the cookie once. So compare the set of names.
  expect([...new Set(trailCookieWrites)].sort(), 'cookies written or deleted').toEqual([...new Set(cookieWrites)].sort());
  const storage = writes.filter((w) => w[0] !== 'cookie');
  const trailStorage = t.filter((e) => e.action.startsWith('storage-'));
  const kind = { getItem: 'storage-read', setItem: 'storage-write', removeItem: 'storage-delete' };
  expect(trailStorage.map((e) => `${e.action} ${e.target}`), 'storage calls').toEqual(storage.map((w) => `${kind[w[0]]} ${w[1]}`));
  return t;
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(spyOnCookiesAndStorage);
});

test('an allowed page: the list, the ads, the identifier cookies and the beacons, each with its rule', async ({ page }) => {
  const network = recordNetwork(page);
  await openTestPage(page, { slots: ['a', 'b'] }, NEWS);
  await waitForSlots(page, 2);
  await expect.poll(() => network.filter((u) => u.includes('/v1/events')).length).toBeGreaterThan(0);
  const t = await expectTrailMatches(page, network);
  expect(t.find((e) => e.action === 'cookie-write' && e.target === `v${PUBLISHER}`).rule).toBe('collection allowed: no signal refuses');
  expect(t.find((e) => e.target.includes('/v1/ad?')).rule).toContain('ad request (always allowed; npa=0 coppa=0');
  expect(t.find((e) => e.action === 'beacon').rule).toBe('collection allowed: no signal refuses');
  // Nothing before the decision but the list request and the opt-out cookie read.
  const first = t.findIndex((e) => e.action !== 'request' && !(e.action === 'cookie-read' && e.target === 'adtag_optout'));
  expect(t.slice(0, first).some((e) => e.target.includes('/v1/child-directed-sites'))).toBe(true);
});

test('an opted-out page: no tag cookie touched, no beacon; the ads with npa=1 and no identifier', async ({ page, context }) => {
  await context.addCookies([{ name: 'adtag_optout', value: '1', url: NEWS }]);
  const network = recordNetwork(page);
  await openTestPage(page, { slots: ['a'] }, NEWS);
  await waitForSlots(page, 1);
  await page.waitForTimeout(600);
  const t = await expectTrailMatches(page, network);
  expect(t.filter((e) => e.action === 'beacon')).toEqual([]);
  expect(t.filter((e) => e.action.startsWith('cookie-') && e.target !== 'adtag_optout')).toEqual([]);
  expect(t.find((e) => e.target.includes('/v1/ad?')).rule).toBe('ad request (always allowed; npa=1 coppa=0; no identifier)');
});

test('a child-directed page: no cookie, no beacon, no stored event (what an earlier page stored is deleted); the ads with coppa=1', async ({ page }) => {
  const network = recordNetwork(page);
  await openTestPage(page, { slots: ['a'] }, KIDS);
  await waitForSlots(page, 1);
  await page.waitForTimeout(600);
  const t = await expectTrailMatches(page, network);
  const others = t.filter((e) => e.action !== 'request' && !(e.action === 'cookie-read' && e.target === 'adtag_optout'));
  expect(others.map((e) => `${e.action} ${e.target}`)).toEqual([`storage-delete adtag_outbox_${PUBLISHER}`]);
  expect(others[0].rule).toContain('child-directed-list');
  expect(t.find((e) => e.target.includes('/v1/ad?')).rule).toContain('npa=1 coppa=1');
});

test('consent withdrawn mid-page: the deletions are there, with the refusal as their rule, and nothing after', async ({ page, context }) => {
  const head = `<script>
    window.__usp = '1YNN';
    window.__uspapi = function (cmd, v, cb) { if (cmd === 'getUSPData') cb({ version: 1, uspString: window.__usp }, true); };
  </script>`;
  const network = recordNetwork(page);
  await openTestPage(page, { head, slots: ['a'] }, NEWS);
  await waitForSlots(page, 1);
  await expect.poll(() => network.filter((u) => u.includes('/v1/events')).length).toBeGreaterThan(0);
  await page.evaluate(() => { window.__usp = '1YYN'; });
  await expect.poll(() => page.evaluate(() => window.adtag.decision().collect), { timeout: 5000 }).toBe(false);
  await page.waitForTimeout(600);
  const t = await expectTrailMatches(page, network);
  const del = t.find((e) => e.action === 'cookie-delete' && e.target === `v${PUBLISHER}`);
  expect(del.rule).toContain('usp-opt-out');
  const after = t.slice(t.indexOf(del));
  expect(after.filter((e) => e.action === 'beacon' || e.action === 'cookie-write')).toEqual([]);
  expect((await tagCookies(context)).map((c) => c.name)).toEqual([]);
});

test('the trail keeps the last 500 entries', async ({ page }) => {
  await openTestPage(page, { slots: ['a'] }, NEWS);
  await waitForSlots(page, 1);
  // Each refresh adds a request, cookie reads and writes.
  for (let i = 0; i < 150; i++) {
    await page.evaluate(() => window.adtag.refresh());
    await page.waitForTimeout(20);
  }
  await expect.poll(async () => (await trail(page)).length, { timeout: 10000 }).toBe(500);
});
