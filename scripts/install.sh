#!/usr/bin/env bash
# Installs everything building, serving and testing adtag needs, skipping what is already
# there (a second run takes seconds). Called by `npm start`, `npm test`, `npm run build`.
# Why each piece comes from where it does: ../shared/toolchain.md (no downloads of prebuilt
# binaries work here, so wasm-pack must find every tool it needs already installed).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
say() { echo "[install] $*"; }

# 1. The wasm32 target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. Debian's Chromium and its matching driver (browser tests and end-to-end tests).
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  say "apt-get install chromium chromium-driver"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# 3. wasm-pack, pinned.
if ! wasm-pack --version 2>/dev/null | grep -q '0\.15\.1'; then
  say "cargo install wasm-pack 0.15.1"
  cargo install wasm-pack --version 0.15.1 --locked
fi

# 4. wasm-bindgen-cli: exactly the wasm-bindgen version in Cargo.lock, or wasm-pack tries to
#    download its own. Its --locked install fails on this registry for some versions
#    (toolchain trap 4), so fall back to a normal install.
bindgen=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ -z "$bindgen" ]; then echo "[install] no wasm-bindgen in Cargo.lock" >&2; exit 1; fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $bindgen\$"; then
  say "cargo install wasm-bindgen-cli $bindgen"
  cargo install wasm-bindgen-cli --version "$bindgen" --locked 2>/dev/null \
    || cargo install wasm-bindgen-cli --version "$bindgen"
fi

# 5. npm packages (Playwright, binaryen's wasm-opt), exactly as package-lock.json says.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/@playwright/test ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 6. cargo-fuzz, for the fuzz targets in fuzz/ (`npm run fuzz`, and the short pass of
#    `npm test`). It runs on stable with RUSTC_BOOTSTRAP=1 (toolchain.md, "Fuzzing on stable").
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "cargo install cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
