#!/usr/bin/env bash
# The browser layer: wasm-bindgen-test in headless Debian Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver
