// The demo server (www/server.js): static files, the ad server, the site list and the
// collector, over HTTP without a browser.
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { test, expect, PORT, PUBLISHER, collectedEvents } = require('./helpers');
const { start } = require('../../www/server.js');

const ad = (query) => `/v1/ad?${new URLSearchParams({ pub: PUBLISHER, slot: 'top', size: '300x250', url: 'http://x/', npa: '1', coppa: '0', ...query })}`;

const uniq = () => crypto.randomUUID();
const event = (type, extra = {}) => ({
  id: uniq(),
  type,
  ts: Date.now(),
  pub: PUBLISHER,
  uid: 'u-' + uniq(),
  sid: 's-1',
  page: 'http://news.example/a',
  ...(type === 'page_view' ? { visits: 1 } : {}),
  ...extra,
});
const postEvents = (request, body, contentType = 'text/plain;charset=UTF-8') =>
  request.post('/v1/events', { headers: { 'content-type': contentType }, data: typeof body === 'string' ? body : JSON.stringify(body) });

test.describe('static files', () => {
  for (const [file, type, cache] of [
    ['/index.html', 'text/html', 'no-cache'],
    ['/child.html', 'text/html', 'no-cache'],
    ['/optout.html', 'text/html', 'no-cache'],
    ['/landing.html', 'text/html', 'no-cache'],
    ['/demo.css', 'text/css', 'no-cache'],
    ['/adtag.js', 'text/javascript', 'public, max-age=300'],
  ]) {
    test(`${file} is served as ${type}, ${cache}, to any origin`, async ({ request }) => {
      const res = await request.get(file);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toContain(type);
      expect(res.headers()['access-control-allow-origin']).toBe('*');
      expect(res.headers()['cache-control']).toBe(cache);
    });
  }

  test('the glue and wasm the loader names are content-hashed and served immutable; a current copy gets a 304', async ({ request }) => {
    const loader = await (await request.get('/adtag.js')).text();
    const names = loader.match(/adtag(_bg)?\.[0-9a-f]{12}\.(js|wasm)/g);
    expect(new Set(names).size).toBe(2);
    for (const name of names) {
      const res = await request.get(`/pkg/${name}`);
      expect(res.status()).toBe(200);
      expect(res.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
      const hash = crypto.createHash('sha256').update(await res.body()).digest('hex').slice(0, 12);
      expect(name).toContain(hash);
    }
    const first = await request.get('/adtag.js');
    const again = await request.get('/adtag.js', { headers: { 'if-none-match': first.headers().etag } });
    expect(again.status()).toBe(304);
    expect(again.headers()['cache-control']).toBe('public, max-age=300');
  });

  test('/ is the demo front page', async ({ request }) => {
    const res = await request.get('/');
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain('The Daily Demo');
  });

  for (const p of ['/%2e%2e/Cargo.toml', '/..%2fCargo.toml', '/pkg/%2e%2e%2f%2e%2e%2fCargo.toml', '/server.js', '/nope.html']) {
    test(`${p} is not found`, async ({ request }) => {
      const res = await request.get(p);
      expect(res.status()).toBe(404);
      expect(await res.text()).not.toContain('[package]');
    });
  }

  test('/favicon.ico answers 204', async ({ request }) => {
    expect((await request.get('/favicon.ico')).status()).toBe(204);
  });
});

test.describe('/v1/ad', () => {
  for (const size of ['300x250', '728x90', '160x600', '320x50']) {
    test(`a ${size} ad: self-contained creative of that size, labelled, with a click URL on this server`, async ({ request }) => {
      const [w, h] = size.split('x').map(Number);
      const res = await request.get(ad({ size, npa: '1', coppa: '1' }), { headers: { host: `ads.network.example:${PORT}` } });
      expect(res.status()).toBe(200);
      expect(res.headers()['access-control-allow-origin']).toBe('*');
      expect(res.headers()['content-type']).toContain('application/json');
      const body = await res.json();
      expect(Object.keys(body).sort()).toEqual(['clickUrl', 'height', 'html', 'id', 'width']);
      expect(body).toMatchObject({ width: w, height: h });
      expect(body.id).toMatch(/^demo-\d+$/);
      expect(body.clickUrl).toBe(`http://ads.network.example:${PORT}/landing.html?ad=${body.id}`);
      expect(body.html).toContain('Demo ad');
      expect(body.html).toContain(`width:${w}px;height:${h}px`);
      expect(body.html).toContain('npa=1 · coppa=1');
      expect(body.html).not.toMatch(/\b(src|href)\s*=|url\(|@import|<script/i);
    });
  }

  test('query values never reach the creative as markup', async ({ request }) => {
    const body = await (await request.get(ad({ npa: '<b>x</b>', coppa: '"><script>' }))).json();
    expect(body.html).toContain('npa=? · coppa=?');
    expect(body.html).not.toContain('<b>x');
  });

  test('the demo slot names: empty, garbage, huge, evil', async ({ request }) => {
    expect((await request.get(ad({ slot: 'empty' }))).status()).toBe(204);

    const garbage = await request.get(ad({ slot: 'garbage' }));
    expect(garbage.status()).toBe(200);
    await expect(garbage.json()).rejects.toThrow();

    const huge = await request.get(ad({ slot: 'huge' }));
    expect(huge.status()).toBe(200);
    expect((await huge.body()).length).toBeGreaterThan(100 * 1024);

    expect((await (await request.get(ad({ slot: 'evil' }))).json()).clickUrl).toBe('javascript:alert(1)');
  });

  test('the slow slot answers after 10 s', async ({ request }) => {
    test.slow();
    const t0 = Date.now();
    const res = await request.get(ad({ slot: 'slow' }), { timeout: 20_000 });
    expect(res.status()).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(9_900);
  });

  for (const [what, query] of [
    ['no pub', { pub: '' }],
    ['a non-digit pub', { pub: '12a' }],
    ['no size', { size: '' }],
    ['a malformed size', { size: '300by250' }],
    ['a zero size', { size: '0x250' }],
  ]) {
    test(`${what} → 400`, async ({ request }) => {
      const res = await request.get(ad(query));
      expect(res.status()).toBe(400);
      expect(res.headers()['access-control-allow-origin']).toBe('*');
    });
  }
});

test('/v1/child-directed-sites: the list, cacheable for an hour with an ETag, to any origin', async ({ request }) => {
  const res = await request.get('/v1/child-directed-sites');
  expect(res.status()).toBe(200);
  expect(res.headers()['cache-control']).toBe('public, max-age=3600');
  expect(res.headers()['access-control-allow-origin']).toBe('*');
  expect(await res.json()).toEqual(['kids.example', 'toyland.test', 'playground.example']);
  const again = await request.get('/v1/child-directed-sites', { headers: { 'if-none-match': res.headers().etag } });
  expect(again.status()).toBe(304);
});

test('/v1/child-directed-sites?host=: only the entries that cover that host (whole labels), [] when none', async ({ request }) => {
  const list = async (host) => (await request.get(`/v1/child-directed-sites?host=${encodeURIComponent(host)}`)).json();
  expect(await list('kids.example')).toEqual(['kids.example']);
  expect(await list('WWW.Kids.Example.')).toEqual(['kids.example']);
  expect(await list('notkids.example')).toEqual([]);
  expect(await list('news.example')).toEqual([]);
  expect(await list('a.b.toyland.test')).toEqual(['toyland.test']);
});

test.describe('/v1/events', () => {
  test('stores each new event once, as one JSON line, from text/plain or application/json', async ({ request }) => {
    const batch = [
      event('page_view'),
      event('ad_impression', { slot: 'top', ad: 'demo-1' }),
      event('ad_viewable', { slot: 'top', ad: 'demo-1' }),
      event('ad_click', { slot: 'top', ad: 'demo-1' }),
      event('session_end', { duration_ms: 1234 }),
    ];
    const first = await postEvents(request, batch);
    expect(first.status()).toBe(204);
    expect(first.headers()['access-control-allow-origin']).toBe('*');
    // A retried batch (same ids) and a duplicate within a batch are stored once.
    expect((await postEvents(request, [batch[0], batch[0], batch[4]], 'application/json')).status()).toBe(204);

    const ids = new Set(batch.map((e) => e.id));
    const stored = collectedEvents().filter((e) => ids.has(e.id));
    expect(stored).toEqual(batch);
  });

  const malformed = {
    'not JSON': '[{"id":',
    'not an array': JSON.stringify(event('page_view')),
    'an unknown type': [event('page_swipe')],
    'a numeric pub': [event('page_view', { pub: 12345 })],
    'a non-integer ts': [event('page_view', { ts: 1.5 })],
    'no id': [event('page_view', { id: undefined })],
    'no uid': [event('page_view', { uid: undefined })],
    'no sid': [event('page_view', { sid: undefined })],
    'a non-string page': [event('page_view', { page: 42 })],
    'an ad event without slot': [event('ad_impression', { ad: 'demo-1' })],
    'an ad event without ad': [event('ad_click', { slot: 'top' })],
    'a session_end without duration_ms': [event('session_end')],
    'a negative duration_ms': [event('session_end', { duration_ms: -1 })],
    'one bad event among good ones': [event('page_view'), event('page_view', { ts: 'now' })],
    'a body over 64 KiB': Array.from({ length: 400 }, () => event('page_view', { page: 'http://x/' + 'p'.repeat(200) })),
  };
  for (const [what, body] of Object.entries(malformed)) {
    test(`${what} → 400, nothing stored`, async ({ request }) => {
      const before = collectedEvents().length;
      const res = await postEvents(request, body);
      expect(res.status()).toBe(400);
      expect((await res.text()).length).toBeGreaterThan(0);
      expect(collectedEvents().length).toBe(before);
    });
  }

  test('answers the CORS preflight', async ({ request }) => {
    const res = await request.fetch('/v1/events', {
      method: 'OPTIONS',
      headers: { origin: 'http://news.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.status()).toBe(204);
    expect(res.headers()['access-control-allow-origin']).toBe('*');
    expect(res.headers()['access-control-allow-methods']).toContain('POST');
    expect(res.headers()['access-control-allow-headers'].toLowerCase()).toContain('content-type');
  });
});

test('start() runs the server in-process, with its own events file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adtag-server-'));
  const eventsFile = path.join(dir, 'events.jsonl');
  const server = start({ port: 0, host: '127.0.0.1', eventsFile, quiet: true });
  try {
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${server.address().port}`;
    const e = event('page_view');
    const res = await fetch(`${base}/v1/events`, { method: 'POST', body: JSON.stringify([e]) });
    expect(res.status).toBe(204);
    expect(fs.readFileSync(eventsFile, 'utf8')).toBe(JSON.stringify(e) + '\n');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
