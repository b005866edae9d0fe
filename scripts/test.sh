#!/usr/bin/env bash
# Every test layer, in order; stops at the first that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

echo "== 1/4 native tests of the pure core (cargo test)"
cargo test
echo "== 2/4 browser tests of the glue (wasm-pack test --headless --chrome)"
bash scripts/test-browser.sh
echo "== 3/4 release build and size budget (npm run build)"
bash scripts/build.sh
echo "== 4/4 end-to-end tests in Chromium (playwright test)"
playwright test
