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

# 1b. The standard library's sources: scripts/build.sh rebuilds core and alloc for the
#     release wasm (-Zbuild-std, for the panic strategy `immediate-abort`).
if ! rustup component list --installed | grep -q '^rust-src'; then
  say "rustup component add rust-src"
  rustup component add rust-src
fi

# 2. The engines a visitor uses, from Debian, each with its WebDriver: Chromium
#    (chromium-driver matches it), Firefox ESR (its geckodriver comes from crates.io, step 6)
#    and WebKitGTK (webkit2gtk-driver: WebKitWebDriver and MiniBrowser, which has no headless
#    mode and draws into Xvfb). Only what is missing; apt's index is refreshed once.
apt_missing() { # command:package ...
  for want in "$@"; do command -v "${want%%:*}" >/dev/null 2>&1 || echo "${want#*:}"; done
}
apt_install() { # [apt options] packages...
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  if [ -z "${apt_updated:-}" ]; then $sudo apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
mapfile -t browsers < <(apt_missing chromium:chromium chromedriver:chromium-driver firefox-esr:firefox-esr)
if [ ${#browsers[@]} -gt 0 ]; then
  say "apt-get install ${browsers[*]}"
  apt_install "${browsers[@]}"
fi
mapfile -t webkit < <(apt_missing WebKitWebDriver:webkit2gtk-driver Xvfb:xvfb)
if [ ${#webkit[@]} -gt 0 ]; then
  say "apt-get install --no-install-recommends ${webkit[*]}"
  # Without recommends: they would pull in a desktop's worth for a driver and a virtual display.
  apt_install --no-install-recommends "${webkit[@]}"
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
# A node_modules that is a symlink (a git worktree sharing another checkout's packages) is left
# alone: npm ci would empty the folder it points to, under the other checkout's running tests.
if [ ! -L node_modules ] && { [ ! -f node_modules/.package-lock.json ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/@playwright/test ]; }; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 6. cargo-fuzz, for the fuzz targets in fuzz/ (`npm run fuzz`, and the short pass of
#    `npm test`). It runs on stable with RUSTC_BOOTSTRAP=1 (toolchain.md, "Fuzzing on stable").
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "cargo install cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

# 7. geckodriver (Firefox's WebDriver), pinned: Debian has no package of it, and a prebuilt
#    one can't be downloaded here (wasm-pack would try).
gecko=$(geckodriver --version 2>/dev/null || true) # several lines: no early-closing grep -q
if [[ "$gecko" != "geckodriver 0.37.1"* ]]; then
  say "cargo install geckodriver 0.37.1"
  cargo install geckodriver --version 0.37.1 --locked
fi
