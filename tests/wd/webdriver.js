'use strict';
// A small W3C WebDriver client over plain HTTP (no npm dependency), and the three engines as
// this machine has them: Debian's Chromium (chromedriver), Firefox ESR (geckodriver) and
// WebKitGTK's MiniBrowser (WebKitWebDriver, which needs an X display: Xvfb).
// Only what the scenarios use: https://w3c.github.io/webdriver/
const http = require('http');
const fs = require('fs');
const { spawn } = require('child_process');

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function which(name) {
  for (const dir of (process.env.PATH || '').split(':')) {
    const p = `${dir}/${name}`;
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/**
 * Each engine: its driver command line, and the capabilities of a session. `opts.gpc` asks for
 * a browser that sends Global Privacy Control, where the engine has it.
 */
const ENGINES = {
  chromium: {
    driver: (port) => [which('chromedriver') || '/usr/bin/chromedriver', [`--port=${port}`]],
    capabilities: () => ({
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: '/usr/bin/chromium',
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--window-size=1280,1024',
        ],
      },
    }),
  },
  firefox: {
    driver: (port) => [process.env.GECKODRIVER || which('geckodriver'), [`--port=${port}`]],
    capabilities: (opts = {}) => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: which('firefox-esr') || which('firefox'),
        args: ['-headless', '-width=1280', '-height=1024'],
        prefs: {
          // The visitor's Global Privacy Control switch (Settings → Privacy).
          'privacy.globalprivacycontrol.enabled': !!opts.gpc,
          'app.update.enabled': false,
          'browser.shell.checkDefaultBrowser': false,
          'datareporting.policy.dataSubmissionEnabled': false,
          'toolkit.telemetry.enabled': false,
        },
      },
    }),
  },
  webkit: {
    driver: (port) => ['/usr/bin/WebKitWebDriver', [`--port=${port}`]],
    capabilities: () => ({
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    }),
    display: true,
  },
};

/** One HTTP request with a JSON body; resolves to the parsed answer `{status, value}`. */
function request(port, method, path, body, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: data ? { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length } : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode, value: json ? json.value : text });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`WebDriver ${method} ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

class WebDriverError extends Error {}

/** A running driver process (and its X display when the engine needs one). */
class Driver {
  static async start(engine, port, log) {
    const spec = ENGINES[engine];
    const [cmd, args] = spec.driver(port);
    if (!cmd) throw new Error(`${engine}: driver not installed (scripts/install.sh)`);
    const d = new Driver();
    d.engine = engine;
    d.port = port;
    const env = { ...process.env };
    if (spec.display) {
      // WebKitGTK's MiniBrowser has no headless mode: it draws into a virtual X display.
      const display = `:${port % 1000}`;
      d.xvfb = spawn('Xvfb', [display, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
      env.DISPLAY = display;
      for (let i = 0; i < 50 && !fs.existsSync(`/tmp/.X11-unix/X${port % 1000}`); i++) await sleep(100);
    }
    d.proc = spawn(cmd, args, { env, stdio: ['ignore', log, log] });
    for (let i = 0; ; i++) {
      try {
        const r = await request(port, 'GET', '/status', undefined, 2000);
        if (r.status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (i > 100) throw new Error(`${engine}: driver did not start on port ${port}`);
      await sleep(100);
    }
    return d;
  }

  async session(opts = {}) {
    const caps = ENGINES[this.engine].capabilities(opts);
    const r = await request(this.port, 'POST', '/session', { capabilities: { alwaysMatch: caps } }, 90_000);
    if (r.status !== 200) throw new WebDriverError(`${this.engine}: new session: ${JSON.stringify(r.value)}`);
    return new Session(this.port, r.value.sessionId, this.engine, r.value.capabilities || {});
  }

  stop() {
    for (const p of [this.proc, this.xvfb]) if (p && p.exitCode === null) p.kill('SIGTERM');
  }
}

/** One browser session; every method is one WebDriver command. */
class Session {
  constructor(port, id, engine, capabilities) {
    Object.assign(this, { port, id, engine, capabilities });
  }

  async cmd(method, path, body) {
    const r = await request(this.port, method, `/session/${this.id}${path}`, body);
    if (r.status !== 200) {
      const v = r.value || {};
      throw new WebDriverError(`${method} ${path}: ${v.error || r.status}: ${String(v.message || '').split('\n')[0]}`);
    }
    return r.value;
  }

  navigate(url) {
    return this.cmd('POST', '/url', { url });
  }
  /** Runs `fn` (a function or its source) in the page with `args`; returns its value. */
  execute(fn, ...args) {
    return this.cmd('POST', '/execute/sync', { script: `return (${fn}).apply(null, arguments)`, args });
  }
  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return v[ELEMENT];
  }
  /** A real, trusted click in the element's centre (scrolled into view first). */
  click(element) {
    return this.cmd('POST', `/element/${element}/click`, {});
  }
  /** Makes the frame `element` the current browsing context; `parentFrame()` leaves it. */
  switchToFrame(element) {
    return this.cmd('POST', '/frame', { id: { [ELEMENT]: element } });
  }
  parentFrame() {
    return this.cmd('POST', '/frame/parent', {});
  }
  /** A trusted mouse click at (x, y) of the current browsing context's viewport. */
  async clickAt(x, y) {
    const mouse = { type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' } };
    mouse.actions = [
      { type: 'pointerMove', duration: 0, origin: 'viewport', x: Math.round(x), y: Math.round(y) },
      { type: 'pointerDown', button: 0 },
      { type: 'pointerUp', button: 0 },
    ];
    await this.cmd('POST', '/actions', { actions: [mouse] });
    await this.cmd('DELETE', '/actions');
  }
  cookies() {
    return this.cmd('GET', '/cookie');
  }
  addCookie(cookie) {
    return this.cmd('POST', '/cookie', { cookie });
  }
  /** Deletes every cookie of the current document's origin. */
  deleteCookies() {
    return this.cmd('DELETE', '/cookie');
  }
  windowHandle() {
    return this.cmd('GET', '/window');
  }
  windowHandles() {
    return this.cmd('GET', '/window/handles');
  }
  switchToWindow(handle) {
    return this.cmd('POST', '/window', { handle });
  }
  closeWindow() {
    return this.cmd('DELETE', '/window');
  }
  setTimeouts(t) {
    return this.cmd('POST', '/timeouts', t);
  }
  async quit() {
    try {
      await request(this.port, 'DELETE', `/session/${this.id}`, undefined, 20_000);
    } catch {
      /* the driver goes anyway */
    }
  }
}

module.exports = { ENGINES, Driver, Session, WebDriverError, sleep, which };
