#!/usr/bin/env bash
# Every test layer, in order; stops at the first that fails. Each layer's count (per engine
# where it runs in several) and time are printed at the end, then one line that counts them all.
#
#   native     cargo test: the pure core and its properties
#   browser    wasm-bindgen-test in Chromium, Firefox and WebKit (scripts/test-browser.sh)
#   build      the release tag and its size budget (scripts/build.sh)
#   playwright the end-to-end suite in Chromium (tests/e2e): Chromium-only tooling
#   webdriver  the shared end-to-end scenarios in Chromium, Firefox and WebKit (tests/wd)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# What the closing lines print, in order: `counts` ("<layer> <engine>" → passed tests) and
# `took` (each layer's seconds).
declare -A counts=()
order=()
took=()
count() { # name passed
  order+=("$1")
  counts[$1]=$2
}

# Runs one layer (name, then its command), its output kept in $logs/<name> and timed.
layer() {
  local name=$1 start=$SECONDS
  shift
  echo "== $name: $*"
  "$@" 2>&1 | tee "$logs/$name"
  took+=("$name $((SECONDS - start)) s")
  echo "== $name took $((SECONDS - start)) s"
}
# `test result: ok. N passed` lines (cargo, wasm-bindgen-test), summed.
cargo_passed() { grep -ho 'test result: ok\. [0-9]* passed' "$1" | awk '{ n += $4 } END { print n + 0 }'; }

layer native cargo test
count "native" "$(cargo_passed "$logs/native")"

# -- fuzz: a few seconds per parser on the committed corpus plus new inputs (scripts/fuzz.sh).
# One summary line per target, none in the counts; a crash stops the run.
layer fuzz bash scripts/fuzz.sh --smoke

layer browser bash scripts/test-browser.sh chromium firefox webkit
while read -r _ engine n _; do count "browser ${engine%:}" "$n"; done < <(grep '^browser [a-z]*: [0-9]* passed$' "$logs/browser")

layer build bash scripts/build.sh

# The TypeScript declarations shipped as www/adtag.d.ts: a file using every call must compile.
layer typings tsc --noEmit --strict --lib es2020,dom tests/types/use-every-call.ts

layer playwright env PLAYWRIGHT_JSON_OUTPUT_NAME="$logs/e2e.json" playwright test --reporter=list,json
count "playwright chromium" "$(node -e 'const s = require(process.argv[1]).stats; console.log(s.expected + s.flaky)' "$logs/e2e.json")"

layer webdriver node tests/wd/run.js chromium firefox webkit
while read -r _ engine n _; do count "webdriver ${engine%:}" "$n"; done < <(grep '^wd [a-z]*: [0-9]* passed, 0 failed' "$logs/webdriver")

# Minimum test counts (scripts/min-counts.json holds the last known count of each layer and
# engine; one that runs fewer, or reports none, fails the run: a silently skipped layer is a
# failure, not a green run).
args=()
for name in "${order[@]}"; do args+=("${name// /-}=${counts[$name]}"); done
node scripts/min-counts.mjs "${args[@]}"

total=0
for name in "${order[@]}"; do
  echo "$name: ${counts[$name]} passed"
  total=$((total + counts[$name]))
done
echo "time: $(IFS=,; echo "${took[*]}" | sed 's/,/, /g')"
echo "adtag: $total passed, 0 failed"
