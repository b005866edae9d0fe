// End-to-end tests: the built tag (www/adtag.js + www/pkg/, from `npm run build`) served by the
// demo server, in Debian's Chromium (Playwright downloads no browser here).
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { defineConfig } = require('@playwright/test');

// Each run gets its own port and its own collector file, so a leftover server or a file from
// an earlier run can neither break nor pass a test. The main process picks them once and puts
// them in the environment: the worker processes inherit it (and re-read this file with the
// values already set). ADTAG_E2E_PORT / ADTAG_E2E_EVENTS_FILE, when given, are kept.
if (!process.env.ADTAG_E2E_PORT) {
  process.env.ADTAG_E2E_PORT = execFileSync(process.execPath, [
    '-e',
    "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });",
  ])
    .toString()
    .trim();
}
if (!process.env.ADTAG_E2E_EVENTS_FILE) {
  process.env.ADTAG_E2E_EVENTS_FILE = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'adtag-e2e-')), 'events.jsonl');
}
const PORT = Number(process.env.ADTAG_E2E_PORT);
// The collector's JSON-lines file during the tests (tests/e2e/helpers.js reads it).
const EVENTS_FILE = process.env.ADTAG_E2E_EVENTS_FILE;

// Real-looking host names, all on this machine: the child-directed list is matched against
// them, and ads.network.example serves the tag cross-origin to news.example pages.
const HOSTS = [
  'kids.example',
  '*.kids.example',
  'toyland.test',
  'news.example',
  '*.news.example',
  'notkids.example',
  'ads.network.example',
];

module.exports = defineConfig({
  testDir: 'tests/e2e',
  workers: 1, // 2-core machine
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  // .ci/run sets CI=true: a test.only left behind fails the run instead of skipping the rest.
  forbidOnly: !!process.env.CI,
  webServer: {
    command: 'node www/server.js',
    url: `http://127.0.0.1:${PORT}/v1/child-directed-sites`,
    reuseExistingServer: false,
    timeout: 20_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      EVENTS_FILE: EVENTS_FILE,
    },
  },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--host-resolver-rules=${HOSTS.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`,
        // The demo server stands for the ad network and publishers on the public internet.
        // Pages served by page.route() count as public, and Chromium's Local Network Access
        // would otherwise block them from loading the tag from a loopback address.
        `--ip-address-space-overrides=127.0.0.1:${PORT}=public`,
      ],
    },
  },
});
