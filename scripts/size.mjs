// Prints the size of the built tag (loader + JS glue + wasm), raw and gzipped, and fails when
// the gzipped total is over the budget. The budget lives in one place: package.json
// "adtag.sizeBudgetGzipBytes". Size is deterministic, so this check runs in `npm test`.
//   node scripts/size.mjs pkg/adtag.<hash>.js pkg/adtag_bg.<hash>.wasm   (as scripts/build.sh names them)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const [glue, wasm] = process.argv.slice(2);
if (!glue || !wasm) {
  console.error('size: usage: node scripts/size.mjs pkg/<glue>.js pkg/<wasm>.wasm');
  process.exit(2);
}
const parts = [
  ['loader', 'www/adtag.js'],
  ['glue', `www/${glue}`],
  ['wasm', `www/${wasm}`],
];
const budget = JSON.parse(readFileSync('package.json', 'utf8')).adtag.sizeBudgetGzipBytes;

let raw = 0;
let gz = 0;
const rows = parts.map(([name, file]) => {
  const bytes = readFileSync(file);
  const zipped = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += zipped;
  return [name, file, bytes.length, zipped];
});
const pad = (v, n) => String(v).padStart(n);
console.log('part    file                                   raw bytes   gzip -9');
for (const [name, file, r, z] of rows) console.log(`${name.padEnd(8)}${file.padEnd(38)}${pad(r, 10)}${pad(z, 10)}`);
console.log(`${'total'.padEnd(46)}${pad(raw, 10)}${pad(gz, 10)}   budget ${budget} (gzip)`);
// Not in the total: the frame document every slot with an ad fetches, once per slot.
const frame = readFileSync('www/adtag-frame.html');
console.log(`${'frame'.padEnd(8)}${'www/adtag-frame.html'.padEnd(38)}${pad(frame.length, 10)}${pad(gzipSync(frame, { level: 9 }).length, 10)}   per slot with an ad`);
if (gz > budget) {
  console.error(`size: the tag is ${gz} bytes gzipped, over the budget of ${budget} (package.json adtag.sizeBudgetGzipBytes)`);
  process.exit(1);
}
