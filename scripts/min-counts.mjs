// Fails when a test layer ran fewer tests than its last known count (scripts/min-counts.json):
// a layer that silently skipped tests, or did not run at all, is a failure, not a green run.
//
//   node scripts/min-counts.mjs native=135 browser-chromium=58 playwright-chromium=180 ...
//
// A layer given here but not in the file passes (a new layer: add its count to the file).
// When a layer runs more tests than the file says, the file should be raised to the new count
// in the same commit that adds them; this script says so but never edits the file.
import { readFileSync } from 'node:fs';

const file = new URL('./min-counts.json', import.meta.url);
const known = JSON.parse(readFileSync(file, 'utf8'));
const ran = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [layer, n] = arg.split('=');
    return [layer, Number(n)];
  }),
);

let failed = false;
for (const [layer, min] of Object.entries(known)) {
  if (layer.startsWith('_')) continue; // comments
  const n = ran[layer];
  if (!Number.isInteger(n)) {
    console.error(`min-counts: layer "${layer}" reported no count (expected at least ${min})`);
    failed = true;
  } else if (n < min) {
    console.error(`min-counts: layer "${layer}" ran ${n} tests, fewer than its last known ${min}`);
    failed = true;
  } else if (n > min) {
    console.log(`min-counts: layer "${layer}" ran ${n} tests (known ${min}): raise scripts/min-counts.json`);
  }
}
process.exit(failed ? 1 : 0);
