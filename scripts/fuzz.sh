#!/usr/bin/env bash
# Coverage-guided fuzzing of the core's parsers (fuzz/, cargo-fuzz + libFuzzer). `npm run fuzz`.
#
#   scripts/fuzz.sh [TARGET...]             every target (or those named) for 60 s each
#   scripts/fuzz.sh --time 300 url json     seconds per target
#   scripts/fuzz.sh --runs 10000000 config  executions per target (with --time: whichever first)
#   scripts/fuzz.sh --smoke                 the short pass of `npm test`: a few seconds per target
#                                           (FUZZ_SMOKE_SECONDS, default 3), one line each, the
#                                           committed corpus left as it is
#   scripts/fuzz.sh --cmin [TARGET...]      minimize the committed corpus (before committing it)
#   scripts/fuzz.sh --list
# With npm: `npm run fuzz -- --time 300 url`.
#
# cargo-fuzz passes -Z flags, so stable rustc runs it with RUSTC_BOOTSTRAP=1; the default
# AddressSanitizer build keeps the comparison tracing libFuzzer learns keywords from (see
# ../shared/toolchain.md, "Fuzzing on stable"); the dictionaries in fuzz/dict help further.
# Runs are one process, at low priority (the machine is shared); the short pass of `npm test`
# runs at the tests' own priority, so that its seconds are seconds of fuzzing.
# A crash stops the run and leaves its input in fuzz/artifacts/TARGET/; reproduce it with
# `RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET fuzz/artifacts/TARGET/crash-…` (from fuzz/), and
# add it to tests/core_fuzz_regressions.rs.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
export PATH="$HOME/.cargo/bin:$PATH" RUSTC_BOOTSTRAP=1

mode=run limit=() targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) limit+=("-max_total_time=$2"); shift 2 ;;
    --runs) limit+=("-runs=$2"); shift 2 ;;
    --smoke) mode=smoke; limit=("-max_total_time=${FUZZ_SMOKE_SECONDS:-3}"); shift ;;
    --cmin) mode=cmin; shift ;;
    --list) cargo fuzz list; exit 0 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is missing; scripts/install.sh installs it" >&2
  exit 1
fi
[ ${#limit[@]} -gt 0 ] || limit=(-max_total_time=60)
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)

dict() { [ -f "dict/$1.dict" ] && echo "-dict=dict/$1.dict"; }
stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

if [ "$mode" = cmin ]; then
  for t in "${targets[@]}"; do
    nice -n 10 cargo fuzz cmin "$t" "corpus/$t"
  done
  du -sh corpus
  exit 0
fi

if [ "$mode" = smoke ]; then
  # One build for all targets; its output only when it fails.
  log=$(mktemp)
  trap 'rm -rf "$log" "${scratch:-}"' EXIT
  start=$SECONDS
  if ! cargo fuzz build >"$log" 2>&1; then
    cat "$log"; echo "fuzz: build failed" >&2; exit 1
  fi
  echo "fuzz: built ${#targets[@]} targets in $((SECONDS - start)) s"
  scratch=$(mktemp -d)
fi

for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  if [ "$mode" = smoke ]; then
    # New inputs go to a scratch directory; the committed corpus is only read.
    mkdir -p "$scratch/$t"
    out="$scratch/$t.log"
    # The binary `cargo fuzz run` would start, started directly: cargo's second look at the
    # build costs more than a short run on a busy machine.
    mkdir -p "artifacts/$t"
    if ASAN_OPTIONS=detect_odr_violation=0 "target/$(rustc -vV | sed -n 's/^host: //p')/release/$t" \
         -artifact_prefix="artifacts/$t/" "$scratch/$t" "corpus/$t" $(dict "$t") "${limit[@]}" \
         -timeout=10 -print_final_stats=1 >"$out" 2>&1; then
      echo "fuzz $t: $(stat number_of_executed_units "$out") executions ($(stat average_exec_per_sec "$out")/s), no crash"
    else
      tail -40 "$out"
      echo "fuzz $t: CRASH (input in fuzz/artifacts/$t/)" >&2
      exit 1
    fi
  else
    echo "== fuzz $t ${limit[*]}"
    nice -n 10 cargo fuzz run "$t" -- $(dict "$t") "${limit[@]}" -timeout=10 -print_final_stats=1
  fi
done
