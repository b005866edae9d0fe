#!/usr/bin/env bash
# Every test layer, in order; stops at the first that fails, and ends with one line that
# counts them all.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
passed() { grep -ho 'test result: ok\. [0-9]* passed' "$1" | awk '{ n += $4 } END { print n + 0 }'; }

echo "== 1/4 native tests of the pure core (cargo test)"
cargo test 2>&1 | tee "$logs/native"
echo "== 2/4 browser tests of the glue (wasm-pack test --headless --chrome)"
bash scripts/test-browser.sh 2>&1 | tee "$logs/browser"
echo "== 3/4 release build and size budget (npm run build)"
bash scripts/build.sh
# The TypeScript declarations shipped as www/adtag.d.ts: a file using every call must compile.
echo "== typings: www/adtag.d.ts (tsc --noEmit --strict tests/types/use-every-call.ts)"
tsc --noEmit --strict --lib es2020,dom tests/types/use-every-call.ts
echo "== 4/4 end-to-end tests in Chromium (playwright test)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$logs/e2e.json" playwright test --reporter=list,json

native=$(passed "$logs/native")
browser=$(passed "$logs/browser")
e2e=$(node -e 'const s = require(process.argv[1]).stats; console.log(s.expected + s.flaky)' "$logs/e2e.json")
echo "native $native, browser $browser, end-to-end $e2e"
echo "adtag: $((native + browser + e2e)) passed, 0 failed"
