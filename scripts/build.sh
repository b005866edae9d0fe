#!/usr/bin/env bash
# Builds the release tag into www/: the loader www/adtag.js (minified from src/loader.js) plus
# the wasm-pack output in www/pkg/ (both git-ignored), shrinks the wasm with wasm-opt and the
# glue with esbuild,
# then prints the sizes and
# fails when the gzipped total is over the budget (scripts/size.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
# npm's wasm-opt first: Debian's binaryen 108 produces broken output (toolchain trap 1).
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# The release wasm rebuilds core and alloc with the panic strategy `immediate-abort`: every
# panic is a bare trap, so core's panic entry points, their messages and locations and the
# formatting they pull in leave the wasm. The crate's panic handler (src/lib.rs) is no longer
# reached: a panic traps without its log line; the trap surfaces in JS, where the loader's
# guards and dom.js's wake report it as one "adtag: internal error" line. -Zbuild-std and -Cpanic=immediate-abort are
# unstable: RUSTC_BOOTSTRAP lets stable cargo and rustc take them (spelled as rustc 1.95 wants
# them; a new release may rename them), rust-src (scripts/install.sh) holds the sources. The
# flags are set for this command only: `cargo test` and the browser tests build without them,
# and a target directory of its own keeps the two kinds of build from evicting each other.
# -Zlocation-detail=none: no file/line/column constants for #[track_caller] code, which
# nothing reads once panics trap.
# -reference-types: wasm-bindgen then keeps JS values in a JS array in the glue instead of an
# externref table managed by code in the wasm; the glue grows less than the wasm shrinks. The
# other default features (bulk-memory, sign-ext, nontrapping-fptoint, multivalue,
# mutable-globals) stay: every engine since Safari 15 has them, and dropping them measured
# larger or the same.
# optimize_for_size (a feature of core and alloc themselves, built here with -Zbuild-std):
# their smaller implementations where there is a choice (sorting, searching); ~0.2 KB gz.
# -Zcross-crate-inline-threshold=always: every function of every crate (core, alloc,
# wasm-bindgen, ours) is compiled where it is used, as if marked #[inline], so that LLVM
# decides each call with the body in view: about 3.5 KB gz off the wasm. (rustc's MIR inliner,
# off at opt-level "z", measured ~1.6 KB on its own, and larger together with this.)
release_rustflags=(-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none
  -Ctarget-feature=-reference-types -Zcross-crate-inline-threshold=always)
env -u CARGO_ENCODED_RUSTFLAGS RUSTC_BOOTSTRAP=1 RUSTFLAGS="${release_rustflags[*]}" \
  CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/tag" \
  wasm-pack --log-level warn build --release --target web --out-dir www/pkg --out-name adtag \
  --no-typescript --no-pack -- --features standalone -Zbuild-std=core,alloc \
  -Zbuild-std-features=optimize_for_size
# --converge repeats -Oz while it still shrinks; --low-memory-unused lets binaryen fold
# pointer+offset arithmetic, sound here because Rust's wasm32 layout puts the 1 MiB stack first
# (growing down from 1 MiB, data and heap above it): the lowest 1024 bytes are touched only by
# a stack 1 MiB deep. About 0.37 KB gz together.
# -ocimfs: binaryen inlines a function with one caller only up to this size (its default: any
# size). Big single-caller functions then stay out of line: the raw wasm grows a little but
# gzips smaller (measured, not derived). 15 to 50 measured close to each other; 25 sits in
# that flat stretch.
# --flatten --rereloop then rebuilds each function's control flow from scratch (binaryen's
# relooper) before another -Oz; the shapes it finds gzip better than LLVM's. --converge
# repeats the whole list while it still shrinks.
wasm-opt -Oz --low-memory-unused -ocimfs 25 --flatten --rereloop -Oz --converge www/pkg/adtag_bg.wasm -o www/pkg/adtag_bg.wasm.opt
mv www/pkg/adtag_bg.wasm.opt www/pkg/adtag_bg.wasm
# Short names between the wasm and the glue instead of wasm-bindgen's hashed ones (~3 KB gz).
node scripts/minify-names.mjs www/pkg/adtag.js www/pkg/adtag_bg.wasm
# wasm-bindgen's JS glue ships unminified: esbuild keeps its exports and import.meta.url
# and saves about 1.6 KB gzipped; --bundle inlines src/web/dom.js (no extra request).
# The banner is V8's explicit compile hint (Chrome 136+; a comment elsewhere): the tag calls
# nearly every function of the glue while it starts, so V8 compiles them all while it streams
# the file, off the page's main thread, instead of each on its first call, in the tag's tasks.
esbuild www/pkg/adtag.js --bundle --minify --format=esm --log-level=warning --allow-overwrite \
  --banner:js='//# allFunctionsCalledOnLoad' --outfile=www/pkg/adtag.js
# Content-hashed copies of the glue and the wasm, which the loader names: a CDN can serve them
# `immutable` (www/server.js does), and only the small loader needs revalidating. Only the
# hashed files stay in www/pkg, so that it holds exactly what a deployment serves (dom.js,
# which wasm-bindgen copies to snippets/, is bundled into the glue already).
rm -f www/pkg/adtag.*.js www/pkg/adtag_bg.*.wasm
hash() { sha256sum "$1" | cut -c1-12; }
glue="adtag.$(hash www/pkg/adtag.js).js"
wasm="adtag_bg.$(hash www/pkg/adtag_bg.wasm).wasm"
mv www/pkg/adtag.js "www/pkg/$glue"
mv www/pkg/adtag_bg.wasm "www/pkg/$wasm"
rm -rf www/pkg/snippets
# The loader, minified without its comments (about 0.5 KB gzipped less).
esbuild src/loader.js --minify --legal-comments=none --log-level=warning \
  --define:ADTAG_GLUE="\"$glue\"" --define:ADTAG_WASM="\"$wasm\"" --outfile=www/adtag.js
# The ad frame document, from src/frame.html without its comments (about 0.9 KB gzipped less
# per slot with an ad).
node scripts/minify-frame.mjs src/frame.html www/adtag-frame.html
node scripts/size.mjs "pkg/$glue" "pkg/$wasm"
# The consent demo page's CMP (IAB's own cmpapi + core), bundled for the browser.
esbuild www/consent-demo.js --bundle --format=iife --minify --log-level=warning --outfile=www/vendor/consent-demo.js
