// The tag and its ads on pages with a strict Content Security Policy (issue 11): an allowlist
// without 'unsafe-inline'/'unsafe-eval', and a nonce with 'strict-dynamic'. The creative must
// render as designed (its inline <style> and <script> run) and its click must work, while the
// page's policy reports no violation caused by the tag.
const { test, expect, NEWS, AD_NETWORK, ORIGIN, PUBLISHER, waitForSlots, testPage } = require('./helpers');

/** Records every CSP violation in the page (an init script runs in every frame: top only). */
function violationRecorder() {
  if (window.top !== window) return;
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`);
  });
}

/** A creative with an inline style and an inline script, both of which must take effect. */
const CREATIVE = `<style>#c{display:flex;width:300px;height:250px;background:rgb(1,2,3)}</style>
<div id="c" data-demo-ad="csp">Styled ad</div>
<script>document.getElementById('c').setAttribute('data-script-ran', 'yes');</script>`;

async function routeCreative(page) {
  await page.route(
    (url) => url.pathname === '/v1/ad',
    (route) =>
      route.fulfill({
        status: 200,
        headers: { 'Access-Control-Allow-Origin': '*' },
        contentType: 'application/json',
        body: JSON.stringify({ id: 'csp-1', html: CREATIVE, width: 300, height: 250, clickUrl: `${NEWS}/landing.html?ad=csp` }),
      }),
  );
}

/** Serves `html` at NEWS/test-page.html with this Content-Security-Policy header. */
async function openWithPolicy(page, html, policy) {
  const url = `${NEWS}/test-page.html`;
  await page.route(url, (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', headers: { 'Content-Security-Policy': policy }, body: html }),
  );
  await page.goto(url);
}

/** The creative's element as laid out in whichever frame shows it: styles and script applied? */
async function creativeState(page) {
  let state = null;
  await expect
    .poll(async () => {
      for (const f of page.frames()) {
        if (f === page.mainFrame()) continue;
        state = await f
          .evaluate(() => {
            const el = document.querySelector('#c');
            if (!el) return null;
            const s = getComputedStyle(el);
            return { display: s.display, background: s.backgroundColor, script: el.getAttribute('data-script-ran') };
          })
          .catch(() => null);
        if (state && state.script) return true;
      }
      return false;
    }, { message: 'the creative rendered and its inline script ran' })
    .toBe(true);
  return state;
}

async function expectClickWorks(page, context) {
  const box = await page.locator('[data-adtag-slot="x"]').boundingBox();
  const opened = context.waitForEvent('page');
  await page.mouse.click(box.x + 150, box.y + 40);
  const landing = await opened;
  await landing.waitForLoadState('domcontentloaded');
  expect(landing.url()).toBe(`${NEWS}/landing.html?ad=csp`);
}

test.describe('strict Content Security Policy (issue 11)', () => {
  test('allowlist policy (script-src <tag origin> \'wasm-unsafe-eval\', no unsafe-inline): the ad renders as designed and its click works', async ({ page, context }) => {
    await page.addInitScript(violationRecorder);
    await routeCreative(page);
    const policy = [
      "default-src 'self'",
      `script-src 'self' ${AD_NETWORK} 'wasm-unsafe-eval'`,
      `connect-src 'self' ${AD_NETWORK}`,
      `frame-src ${AD_NETWORK}`,
      "style-src 'self'",
      "img-src 'self' data:",
      "object-src 'none'",
      "base-uri 'none'",
    ].join('; ');
    const html = testPage({
      tag: `<script async src="${AD_NETWORK}/adtag.js" data-publisher="${PUBLISHER}"></script>`,
      slots: ['x'],
    });
    await openWithPolicy(page, html, policy);
    const [ended] = await waitForSlots(page, 1);
    expect(ended).toEqual({ slot: 'x', isEmpty: false, size: [300, 250] });

    const state = await creativeState(page);
    expect(state).toEqual({ display: 'flex', background: 'rgb(1, 2, 3)', script: 'yes' });
    await expectClickWorks(page, context);
    expect(await page.evaluate(() => window.__violations), 'CSP violations on the page').toEqual([]);
  });

  test('nonce + \'strict-dynamic\' policy: the ad renders as designed and its click works', async ({ page, context }) => {
    await page.addInitScript(violationRecorder);
    await routeCreative(page);
    const nonce = 'bm9uY2UtZm9yLWFkdGFn';
    const policy = [
      `script-src 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'`,
      "object-src 'none'",
      "base-uri 'none'",
    ].join('; ');
    const html = testPage({
      tag: `<script async nonce="${nonce}" src="${AD_NETWORK}/adtag.js" data-publisher="${PUBLISHER}"></script>`,
      slots: ['x'],
    });
    await openWithPolicy(page, html, policy);
    await waitForSlots(page, 1);
    const state = await creativeState(page);
    expect(state).toEqual({ display: 'flex', background: 'rgb(1, 2, 3)', script: 'yes' });
    await expectClickWorks(page, context);
    expect(await page.evaluate(() => window.__violations), 'CSP violations on the page').toEqual([]);
  });

  test('the strict-CSP demo page is served with its policy and shows its ads, with no violation', async ({ page }) => {
    await page.addInitScript(violationRecorder);
    const response = await page.goto(`${ORIGIN}/csp.html`);
    const policy = response.headers()['content-security-policy'] || '';
    expect(policy).toContain('script-src');
    const sources = policy.split(/[\s;]+/);
    expect(sources).not.toContain("'unsafe-inline'");
    expect(sources).not.toContain("'unsafe-eval'");
    const ended = await waitForSlots(page, 2);
    expect(ended.filter((e) => !e.isEmpty).map((e) => e.slot).sort()).toEqual(['side', 'top']);
    await expect
      .poll(async () => {
        for (const f of page.frames()) {
          if (f === page.mainFrame()) continue;
          const display = await f
            .evaluate(() => {
              const el = document.querySelector('[data-demo-ad]');
              return el && getComputedStyle(el).display;
            })
            .catch(() => null);
          if (display === 'flex') return true;
        }
        return false;
      }, { message: 'a demo creative styled by its own inline CSS' })
      .toBe(true);
    expect(await page.evaluate(() => window.__violations)).toEqual([]);
  });
});
