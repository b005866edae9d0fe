'use strict';
// Runs the shared end-to-end scenarios (tests/wd/scenarios.js) in each engine over W3C
// WebDriver, one engine after the other (2-core machines):
//
//   node tests/wd/run.js [chromium] [firefox] [webkit]     (all three when none is named)
//   ADTAG_WD_GREP=optOut node tests/wd/run.js webkit       (only scenarios whose name matches)
//
// Ports 8110-8119: 8110 the ad network (demo server), 8111 the publisher's pages, 8112-8114
// the drivers. Prints one line per scenario and, per engine, `wd <engine>: N passed, M failed`
// (scripts/test.sh counts those); exits non-zero when any failed. Driver and browser output
// goes to $TMPDIR/adtag-wd-<engine>.log.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Driver } = require('./webdriver');
const harness = require('./harness');
const { scenarios } = require('./scenarios');

const DRIVER_PORTS = { chromium: 8112, firefox: 8113, webkit: 8114 };
const SCENARIO_TIMEOUT_MS = 60_000;

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function runEngine(engine, publisher) {
  const logFile = path.join(os.tmpdir(), `adtag-wd-${engine}.log`);
  const log = fs.openSync(logFile, 'w');
  const grep = process.env.ADTAG_WD_GREP ? new RegExp(process.env.ADTAG_WD_GREP, 'i') : null;
  const key = (s) => JSON.stringify(s.session || {});
  // Scenarios that need a browser of their own (e.g. GPC switched on) run last: one restart.
  const mine = scenarios
    .filter((s) => (!s.engines || s.engines.includes(engine)) && (!grep || grep.test(s.name)))
    .sort((a, b) => (key(a) === '{}' ? 0 : 1) - (key(b) === '{}' ? 0 : 1));
  const result = { engine, passed: 0, failed: 0, ms: 0 };
  const t0 = Date.now();
  let driver;
  const sessions = new Map(); // one browser per distinct `session` option, started when first needed
  try {
    driver = await Driver.start(engine, DRIVER_PORTS[engine], log);
    for (const sc of mine) {
      const started = Date.now();
      try {
        if (!sessions.has(key(sc))) {
          // One browser at a time: a scenario with options of its own gets a fresh one.
          for (const s of sessions.values()) await s.quit();
          sessions.clear();
          sessions.set(key(sc), await withTimeout(driver.session(sc.session), 120_000, 'new session'));
        }
        const session = sessions.get(key(sc));
        await session.setTimeouts({ script: 10_000, pageLoad: 30_000, implicit: 0 });
        await harness.forget(session);
        const notes = [];
        const ctx = new harness.Context({ session, publisher, engine, name: sc.name, log: (m) => notes.push(m) });
        await withTimeout(sc.run(ctx), SCENARIO_TIMEOUT_MS, sc.name);
        result.passed++;
        const extra = notes.length ? ` (${notes.join('; ')})` : '';
        console.log(`  ok   [${engine}] ${sc.name} (${Date.now() - started} ms)${extra}`);
      } catch (e) {
        result.failed++;
        console.log(`  FAIL [${engine}] ${sc.name} (${Date.now() - started} ms)\n       ${String(e && e.message).split('\n').join('\n       ')}`);
        // A wedged browser must not fail every scenario after it.
        for (const s of sessions.values()) await s.quit();
        sessions.clear();
      }
    }
  } catch (e) {
    result.failed += Math.max(1, mine.length - result.passed - result.failed);
    console.log(`  FAIL [${engine}] could not start: ${e.message} (see ${logFile})`);
  } finally {
    for (const s of sessions.values()) await s.quit();
    if (driver) driver.stop();
    fs.closeSync(log);
  }
  result.ms = Date.now() - t0;
  return result;
}

async function main() {
  const engines = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(DRIVER_PORTS);
  for (const e of engines) if (!DRIVER_PORTS[e]) throw new Error(`unknown engine ${e} (chromium, firefox, webkit)`);
  const adNetwork = await harness.startAdNetwork();
  const publisher = harness.startPublisher();
  const results = [];
  try {
    for (const engine of engines) {
      console.log(`== WebDriver scenarios in ${engine}`);
      results.push(await runEngine(engine, publisher));
    }
  } finally {
    publisher.close();
    adNetwork.kill('SIGTERM');
  }
  for (const r of results) console.log(`wd ${r.engine}: ${r.passed} passed, ${r.failed} failed (${(r.ms / 1000).toFixed(1)} s)`);
  process.exitCode = results.some((r) => r.failed > 0) ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
