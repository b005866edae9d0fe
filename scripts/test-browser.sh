#!/usr/bin/env bash
# The browser layer: wasm-bindgen-test in every engine a visitor uses, one after the other:
# Debian's Chromium (chromedriver), Firefox ESR (geckodriver) and WebKitGTK's MiniBrowser
# (WebKitWebDriver, drawn into a virtual X display: it has no headless mode).
#
#   bash scripts/test-browser.sh                  all three
#   bash scripts/test-browser.sh firefox webkit   some of them
#
# The test binaries are built once (the first engine) and reused by the others. Ends with one
# line per engine, `browser <engine>: N passed` (scripts/test.sh counts them).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# wasm-bindgen-test-runner prefers geckodriver when several drivers are on PATH; each run
# below names its driver, and this keeps a direct `cargo test --target wasm32...` on Chromium.
export CHROMEDRIVER=/usr/bin/chromedriver

engines=("$@")
[ ${#engines[@]} -gt 0 ] || engines=(chromium firefox webkit)
logs=$(mktemp -d)
xvfb_pid=""
cleanup() {
  [ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$logs"
}
trap cleanup EXIT

# A display of its own (not the WebDriver suite's, which uses :114), started once.
start_display() {
  export DISPLAY=:98
  if [ -z "$xvfb_pid" ]; then
    Xvfb "$DISPLAY" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 50); do [ -e /tmp/.X11-unix/X98 ] && break; sleep 0.1; done
  fi
}

for engine in "${engines[@]}"; do
  echo "== browser tests in $engine"
  case "$engine" in
    chromium) wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver ;;
    # wasm-pack ignores $GECKODRIVER and would try to download one; name it.
    firefox) wasm-pack test --headless --firefox --geckodriver "$(command -v geckodriver)" ;;
    webkit) start_display; wasm-pack test --headless --safari --safaridriver /usr/bin/WebKitWebDriver ;;
    *) echo "unknown engine $engine (chromium, firefox, webkit)" >&2; exit 2 ;;
  esac 2>&1 | tee "$logs/$engine"
done

for engine in "${engines[@]}"; do
  n=$(grep -ho 'test result: ok\. [0-9]* passed' "$logs/$engine" | awk '{ n += $4 } END { print n + 0 }')
  echo "browser $engine: $n passed"
done
