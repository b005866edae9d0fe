// End-to-end tests: the built tag (www/adtag.js + www/pkg/, from `npm run build`) served by the
// demo server, in Debian's Chromium (Playwright downloads no browser here).
const os = require('os');
const path = require('path');
const { defineConfig } = require('@playwright/test');

// ADTAG_E2E_PORT lets two runs share a machine; tests/e2e/helpers.js reads the same variable.
const PORT = Number(process.env.ADTAG_E2E_PORT) || 8089;
// The collector's JSON-lines file during the tests (tests/e2e/helpers.js reads it).
const EVENTS_FILE = path.join(os.tmpdir(), `adtag-e2e-events-${PORT}.jsonl`);

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
