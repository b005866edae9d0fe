// The publisher console (SPEC §11): opened by ?adtag_debug=1, data-debug or adtag.openConsole(),
// it shows what the tag's API says (decision, signals, slots, audit trail) over the page, and a
// normal page view never loads it.
const path = require('path');
const { test, expect, ORIGIN, NEWS, PUBLISHER, TEST_PAGE_PATH, tagScript, testPage, openTestPage, waitForSlots, consoleErrors } = require('./helpers');

// The README's picture (docs/console.png) is taken again with ADTAG_UPDATE_DOCS=1; otherwise
// the screenshot goes with the other test results, and a test run leaves the tree clean.
const SCREENSHOT = process.env.ADTAG_UPDATE_DOCS === '1'
  ? path.join(__dirname, '..', '..', 'docs', 'console.png')
  : path.join(__dirname, '..', '..', 'test-results', 'console.png');
const isConsoleJs = (url) => new URL(url).pathname === '/console.js';

/** Every request for console.js the page makes. */
function consoleRequests(page) {
  const seen = [];
  page.on('request', (req) => {
    if (isConsoleJs(req.url())) seen.push(req.url());
  });
  return seen;
}

/** Serves a test page at NEWS/test-page.html, whatever its query, and opens it at `query`. */
async function openWithQuery(page, options, query, headers = {}) {
  const html = typeof options === 'string' ? options : testPage(options);
  await page.route((url) => url.origin === NEWS && url.pathname === TEST_PAGE_PATH, (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', headers, body: html }));
  await page.goto(NEWS + TEST_PAGE_PATH + query);
}

/** What the console shows, read from its shadow root as a visitor reads it. */
function readConsole(page) {
  return page.evaluate(() => {
    const host = document.querySelector('adtag-console');
    const root = host && host.shadowRoot;
    if (!root) return null;
    const rows = (sel) =>
      Object.fromEntries([...root.querySelectorAll(sel + ' tr')].map((tr) => [...tr.cells].map((td) => td.textContent)));
    return {
      visible: !host.hidden && getComputedStyle(host).display !== 'none',
      chips: [...root.querySelectorAll('.decision .chip')].map((c) => c.textContent),
      reasons: root.querySelector('.decision .reasons') && root.querySelector('.decision .reasons').textContent,
      signals: rows('.signals'),
      slots: rows('.slots'),
      labels: [...root.querySelectorAll('.layer .lbl')].map((l) => l.textContent),
      audit: [...root.querySelectorAll('.audit li')].map((li) => ({
        action: li.querySelector('.a').textContent,
        target: li.querySelector('.g').textContent,
        rule: li.querySelector('.r').textContent,
      })),
      auditTitle: root.querySelector('.audit').previousElementSibling.textContent,
      touched: rows('.touched'),
    };
  });
}

/** The tag's own answers, as the page's API gives them. */
function readApi(page) {
  return page.evaluate(() => ({
    decision: adtag.decision(),
    signals: adtag.signals(),
    slots: adtag.slots(),
    audit: adtag.audit(),
  }));
}

// The console's words for each signal's answer: the words a publisher reads must follow the API.
const SIGNAL_WORDS = {
  'Opt-out cookie': ['optOutCookie', { true: 'set: the visitor opted out', false: 'not set' }],
  'Child-directed flag': ['childFlag', { true: 'set by the publisher', false: 'not set' }],
  'Child-directed meta tag': ['childMeta', { true: 'on the page', false: 'none' }],
  'Child-directed site list': ['siteList', {
    listed: 'this site is listed', 'not-listed': 'not listed', failed: 'unavailable: refuses',
    'timed-out': 'no answer in time: refuses', pending: 'waiting for the list',
  }],
  'Global Privacy Control': ['gpc', { true: 'on: refuses', false: 'off' }],
};
const CMP_WORDS = { absent: 'no CMP on the page', pending: 'waiting for the CMP', 'timed-out': 'no answer in time: refuses', ready: 'answered' };
for (const [label, key] of [['IAB TCF (__tcfapi)', 'tcf'], ['IAB GPP (__gppapi)', 'gpp'], ['IAB USP (__uspapi)', 'usp']]) {
  SIGNAL_WORDS[label] = [key, CMP_WORDS];
}
const STATE_WORDS = { found: 'found, waiting for the decision', waiting: 'waiting to come into view', requested: 'loading', held: 'ad ready, shown when near the view', rendered: 'rendered', collapsed: 'collapsed', destroyed: 'destroyed' };

/** Checks everything the console shows against the API, read in the same frame. */
async function expectConsoleMatchesApi(page) {
  // The console redraws once per frame after each event: compare until it has caught up.
  let result;
  await expect(async () => {
    const [shown, api] = [await readConsole(page), await readApi(page)];
    result = { shown, api };
    expectShows(shown, api);
  }).toPass({ timeout: 5000 });
  return result;
}

function expectShows(shown, api) {
  expect(shown.visible).toBe(true);
  const d = api.decision;
  expect(shown.chips.slice(0, 4)).toEqual([
    `collect: ${d.collect ? 'yes' : 'no'}`,
    `cookies: ${d.cookies ? 'yes' : 'no'}`,
    `personalized ads: ${d.personalized ? 'yes' : 'no'}`,
    `ads: ${d.ads ? 'yes' : 'no'}`,
  ]);
  expect(shown.chips.includes('child-directed')).toBe(!!d.childDirected);
  expect(shown.reasons).toBe(d.reasons.length ? 'Reasons: ' + d.reasons.join(', ') : 'Reasons: none, no signal refuses');

  expect(Object.keys(shown.signals)).toEqual(Object.keys(SIGNAL_WORDS));
  for (const [label, [key, words]] of Object.entries(SIGNAL_WORDS)) {
    expect(shown.signals[label], `${label} (signals().${key} = ${api.signals[key]})`).toBe(words[String(api.signals[key])]);
  }

  expect(Object.keys(shown.slots)).toEqual(api.slots.map((s) => s.slot));
  for (const s of api.slots) {
    const row = shown.slots[s.slot];
    expect(row.startsWith(STATE_WORDS[s.state]), `slot ${s.slot}: "${row}" for ${s.state}`).toBe(true);
    if (s.state === 'rendered') expect(row).toContain(`${s.size[0]}×${s.size[1]} · ad ${s.ad}`);
    if (s.reason) expect(row).toContain(s.reason);
  }

  // The trail, newest first, entry for entry.
  expect(shown.auditTitle).toBe(`Audit trail (${api.audit.length}), newest first`);
  expect(shown.audit).toEqual(api.audit.slice().reverse().map((a) => ({ action: a.action, target: a.target, rule: a.rule })));

  // The trail summed up: every cookie name once, requests and beacons counted with their hosts.
  const names = (actions, host) => [...new Set(api.audit.filter((a) => actions.includes(a.action)).map((a) => (host ? new URL(a.target).host : a.target)))];
  const words = (actions) => names(actions).join(', ') || 'none';
  const counted = (action) => {
    const n = api.audit.filter((a) => a.action === action).length;
    return n ? `${n} to ${names([action], true).join(', ')}` : 'none';
  };
  expect(shown.touched).toEqual({
    'Cookies read': words(['cookie-read']),
    'Cookies written': words(['cookie-write']),
    'Cookies deleted': words(['cookie-delete']),
    Storage: words(['storage-read', 'storage-write', 'storage-delete']),
    Requests: counted('request'),
    Beacons: counted('beacon'),
  });
}

test.describe('publisher console', () => {
  test('?adtag_debug=1 on the demo page shows the slots, the decision, every signal and the audit trail', async ({ page }) => {
    const errors = consoleErrors(page);
    const requests = consoleRequests(page);
    await page.setViewportSize({ width: 1360, height: 900 });
    await page.goto(`${ORIGIN}/index.html?adtag_debug=1`);
    const events = await waitForSlots(page, 4);
    expect(events.map((e) => e.slot).sort()).toEqual(['empty', 'inline', 'side', 'top']);

    const { shown, api } = await expectConsoleMatchesApi(page);
    // The demo page: nothing refuses, so the tag collects and its trail holds its requests.
    expect(api.decision.collect).toBe(true);
    expect(shown.signals['Child-directed site list']).toBe('not listed');
    expect(shown.audit.some((a) => a.action === 'cookie-read' && a.target === 'adtag_optout')).toBe(true);
    expect(shown.audit.some((a) => a.action === 'request' && new URL(a.target).pathname === '/v1/ad')).toBe(true);
    // Each slot on screen is outlined and labelled: rendered with its size and ad, or collapsed and why.
    const top = api.slots.find((s) => s.slot === 'top');
    expect(shown.labels).toContain(`top · rendered · 728×90 · ad ${top.ad}`);
    const empty = api.slots.find((s) => s.slot === 'empty');
    expect(empty.state).toBe('collapsed');
    expect(shown.labels.find((l) => l.startsWith('empty · collapsed'))).toBe(['empty', 'collapsed', empty.reason].filter(Boolean).join(' · '));

    expect(requests).toHaveLength(1);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: SCREENSHOT });

    // Live: the visitor opts out; the decision and the trail follow without a reload.
    await page.evaluate(() => adtag.optOut());
    const after = await expectConsoleMatchesApi(page);
    expect(after.shown.chips[0]).toBe('collect: no');
    expect(after.shown.reasons).toContain('opt-out-cookie');
    expect(after.shown.signals['Opt-out cookie']).toBe('set: the visitor opted out');
    expect(after.shown.audit.length).toBeGreaterThan(shown.audit.length);
    expect(errors).toEqual([]);
  });

  test('the boxes follow the slots as the page scrolls', async ({ page }) => {
    await page.goto(`${ORIGIN}/index.html?adtag_debug=1`);
    await waitForSlots(page, 4);
    await page.evaluate(() => document.querySelector('[data-adtag-slot="inline"]').scrollIntoView());
    // (The console loads after the tag: null until its box for the slot is there.)
    const where = () => page.evaluate(() => {
      const slot = document.querySelector('[data-adtag-slot="inline"]').getBoundingClientRect();
      const root = document.querySelector('adtag-console');
      const found = root && root.shadowRoot && [...root.shadowRoot.querySelectorAll('.box')].find((b) => b.textContent.startsWith('inline ·'));
      if (!found) return null;
      const box = found.getBoundingClientRect();
      return [Math.round(box.left - slot.left), Math.round(box.top - slot.top), Math.round(box.width - slot.width), Math.round(box.height - slot.height)];
    });
    await expect.poll(where, { timeout: 10_000 }).toEqual([0, 0, 0, 0]);
  });

  // The child-directed page (meta tag) and the consent page (a TCF CMP): other signals, other words.
  // (The consent page's CMP waits for the visitor's choice, or has it from an earlier visit.)
  for (const [file, label, words] of [
    ['child.html', 'Child-directed meta tag', ['on the page']],
    ['consent.html', 'IAB TCF (__tcfapi)', ['waiting for the CMP', 'answered']],
  ]) {
    test(`on ${file} the console shows the signals that decide there`, async ({ page }) => {
      await page.goto(`${ORIGIN}/${file}?adtag_debug=1`);
      await page.waitForFunction(() => window.adtag && adtag.slots && adtag.slots().some((s) => s.state === 'rendered'));
      const { shown, api } = await expectConsoleMatchesApi(page);
      expect(words).toContain(shown.signals[label]);
      if (file === 'child.html') expect(shown.chips).toContain('child-directed');
      expect(api.decision.ads).toBe(true);
    });
  }

  test('data-debug on the script opens the console', async ({ page }) => {
    const requests = consoleRequests(page);
    await openTestPage(page, { tag: tagScript({ 'data-publisher': PUBLISHER, 'data-debug': true }), slots: ['a'] });
    await waitForSlots(page, 1);
    await expectConsoleMatchesApi(page);
    expect(requests).toHaveLength(1);
  });

  test('adtag.openConsole() opens it, once; closed, it opens again', async ({ page }) => {
    const requests = consoleRequests(page);
    await openTestPage(page, { slots: ['a'] });
    await waitForSlots(page, 1);
    expect(await page.locator('adtag-console').count()).toBe(0);
    const before = await page.evaluate(() => Object.getOwnPropertyNames(window));
    await page.evaluate(() => { adtag.openConsole(); adtag.openConsole(); });
    await expectConsoleMatchesApi(page);
    // Only window.adtag: the console adds no global of its own.
    const after = await page.evaluate(() => Object.getOwnPropertyNames(window));
    expect(after.filter((k) => !before.includes(k))).toEqual([]);
    expect(after).toContain('adtag');

    await page.locator('adtag-console').locator('button[title^="Close"]').click();
    expect((await readConsole(page)).visible).toBe(false);
    await page.evaluate(() => adtag.openConsole());
    expect((await readConsole(page)).visible).toBe(true);
    expect(requests).toHaveLength(1);
    expect(await page.locator('adtag-console').count()).toBe(1);
  });

  test('a normal page view loads no console', async ({ page }) => {
    const requests = consoleRequests(page);
    await page.goto(`${ORIGIN}/index.html`);
    await waitForSlots(page, 4);
    // data-debug="false" and other query parameters named like it are not a request for it.
    const tag = tagScript({ 'data-publisher': PUBLISHER, 'data-debug': 'false' });
    await openWithQuery(page, { tag, slots: ['a'] }, '?adtag_debug=0&x_adtag_debug=1');
    await waitForSlots(page, 1);
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => typeof adtag.openConsole)).toBe('function');
    expect(requests).toEqual([]);
    expect(await page.locator('adtag-console').count()).toBe(0);
  });

  // A nonce with 'strict-dynamic' (scripts the tag adds are trusted), and a nonce alone (the
  // loader hands its nonce on to console.js).
  for (const scripts of ["'nonce-n0nce' 'strict-dynamic'", "'nonce-n0nce'"]) {
    test(`under a strict CSP (script-src ${scripts}, no unsafe-inline) the console loads and is styled`, async ({ page }) => {
      const csp = `script-src ${scripts} 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; base-uri 'none'`;
      const html = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
        <script nonce="n0nce">document.addEventListener('securitypolicyviolation', function (e) {
          (window.__violations = window.__violations || []).push(e.violatedDirective + ' ' + e.blockedURI); });</script>
        <script nonce="n0nce" async src="/adtag.js" data-publisher="${PUBLISHER}"></script></head>
        <body><div data-adtag-slot="a" data-adtag-size="300x250"></div></body></html>`;
      await openWithQuery(page, html, '?adtag_debug=1', { 'Content-Security-Policy': csp });
      await waitForSlots(page, 1);
      await expectConsoleMatchesApi(page);
      const panel = await page.evaluate(() => {
        const p = document.querySelector('adtag-console').shadowRoot.querySelector('.panel');
        const s = getComputedStyle(p);
        return { position: s.position, background: s.backgroundColor };
      });
      expect(panel).toEqual({ position: 'fixed', background: 'rgb(17, 24, 39)' });
      expect(await page.evaluate(() => window.__violations || [])).toEqual([]);
    });
  }

  test('on the strict-CSP demo page (www/csp.html) the console works with no violation', async ({ page }) => {
    const violations = [];
    await page.exposeFunction('__cspViolation', (v) => violations.push(v));
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolation(e.violatedDirective + ' ' + e.blockedURI)));
    await page.goto(`${ORIGIN}/csp.html?adtag_debug=1`);
    await page.waitForFunction(() => window.adtag && adtag.slots && adtag.slots().some((s) => s.state === 'rendered'));
    const { shown } = await expectConsoleMatchesApi(page);
    expect(shown.labels.some((l) => l.startsWith('top · rendered'))).toBe(true);
    const position = await page.evaluate(() =>
      getComputedStyle(document.querySelector('adtag-console').shadowRoot.querySelector('.panel')).position);
    expect(position).toBe('fixed');
    expect(violations).toEqual([]);
  });

  test('a hostile page: its styles do not reach the console, its quirks do not break it', async ({ page }) => {
    const errors = consoleErrors(page);
    const head = `<style>
        adtag-console, section, table, td, li { display: none !important; color: red !important; font-size: 40px !important; }
      </style>
      <script>
        // A page whose console.error throws, and an engine without constructed stylesheets.
        window.console = { error: function () { throw new Error('no console here'); }, log: function () {} };
        window.CSSStyleSheet = undefined;
      </script>`;
    await openWithQuery(page, { head, slots: ['a'] }, '?adtag_debug=1');
    await waitForSlots(page, 1);
    await expect.poll(async () => (await readConsole(page) || {}).auditTitle).toMatch(/^Audit trail \(\d+\)/);
    const look = await page.evaluate(() => {
      const host = document.querySelector('adtag-console');
      const td = host.shadowRoot.querySelector('.signals td');
      return { host: getComputedStyle(host).display, size: getComputedStyle(td).fontSize, color: getComputedStyle(td).color };
    });
    expect(look).toEqual({ host: 'block', size: '12px', color: 'rgb(156, 163, 175)' });
    expect(errors).toEqual([]);
  });
});
