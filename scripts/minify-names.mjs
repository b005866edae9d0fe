// Shortens the names the wasm and its JS glue use for each other. wasm-bindgen names every
// import `__wbg_<name>_<16 hex digits>` under the module "./adtag_bg.js" (and the snippets'
// functions under their file's path), and its exports by their Rust names: about 2.5 KB
// gzipped of names that nobody reads. binaryen renames them all (module "a", names "a", "b",
// …) and prints the mapping; this script applies it to the glue (before esbuild minifies it).
// It fails the build if the glue does not look as expected (a wasm-bindgen upgrade), rather
// than produce a tag that can't link.
//
// The same wasm-opt run drops the producers and target-features sections (wasm-opt has read
// the latter by then; see toolchain trap 7 on stripping it before).
//
// Usage: node scripts/minify-names.mjs www/pkg/adtag.js www/pkg/adtag_bg.wasm
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';

const [gluePath, wasmPath] = process.argv.slice(2);
const fail = (msg) => {
  console.error(`minify-names: ${msg}`);
  process.exit(1);
};

const out = `${wasmPath}.min`;
const stdout = execFileSync('wasm-opt', [wasmPath, '--minify-imports-and-exports-and-modules', '--strip-producers', '--strip-target-features', '-o', out], {
  encoding: 'utf8',
});
// The mapping is JSON printed on stdout; binaryen writes a trailing comma after the last
// import, which JSON.parse refuses.
const json = stdout.slice(stdout.indexOf('{'), stdout.lastIndexOf('}') + 1).replace(/,(\s*\])/g, '$1');
const map = JSON.parse(json);

let glue = readFileSync(gluePath, 'utf8');
const count = (s) => glue.split(s).length - 1;
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\$]/g, '\\$&');

// The glue's own imports live in `const import0 = { __proto__: null, name: function…, … }`;
// the snippets' come from `import * as importN from "./snippets/…"` namespaces.
const namespaces = new Map();
for (const m of glue.matchAll(/^import \* as (import\d+) from "([^"]+)"/gm)) namespaces.set(m[2], m[1]);
const head = '    const import0 = {\n        __proto__: null,\n';
if (count(head) !== 1) fail('no `const import0 = {` in the glue');

const fromSnippets = [];
for (const [module, base, min] of map.imports) {
  if (module === './adtag_bg.js') {
    const re = new RegExp(`^(        )${escape(base)}(: )`, 'm');
    if (count(`\n        ${base}: `) !== 1) fail(`import ${base}: not exactly one definition in the glue`);
    glue = glue.replace(re, (_, indent, colon) => indent + min + colon); // (min may be `$`)
  } else if (namespaces.has(module)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(base)) fail(`snippet import ${base} is not an identifier`);
    fromSnippets.push(`        ${min}: ${namespaces.get(module)}.${base},\n`);
  } else {
    fail(`import from an unknown module ${module}`);
  }
}
glue = glue.replace(head, () => head + fromSnippets.join(''));

// The object of modules handed to WebAssembly.instantiate: one module "a" now.
const modules = /    return \{\n        __proto__: null,\n        "\.\/adtag_bg\.js": import0,\n(        "[^"]+": import\d+,\n)*    \};/;
if (!modules.test(glue)) fail('no `return { "./adtag_bg.js": import0, … }` in the glue');
glue = glue.replace(modules, () => '    return { a: import0 };');

for (const [name, min] of map.exports) {
  glue = glue.replace(new RegExp(`\\bwasm\\.${escape(name)}\\b`, 'g'), () => `wasm.${min}`);
}
// Every use of an export goes through `wasm.`: any other spelling would be missed.
if (/\bwasm\[/.test(glue) || /instance\.exports\.\w/.test(glue)) fail('an export used other than as wasm.name');

// Every import the wasm now asks for is defined, under its new name.
for (const [, , min] of map.imports) {
  if (count(`\n        ${min}: `) !== 1) fail(`import ${min}: not exactly one definition after renaming`);
}

writeFileSync(gluePath, glue);
renameSync(out, wasmPath);
