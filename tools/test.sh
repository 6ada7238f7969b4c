#!/usr/bin/env bash
# Installs what is missing, builds pando and runs every test: unit, actors,
# cluster and system (CTest labels), a formatting check, a short fuzz run of
# every fuzz target, and the unit and actor tests again under ASan + UBSan.
# Usage: tools/test.sh [--quick]   (--quick: skip the sanitizer and fuzz passes)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
quick=0
[ "${1:-}" = "--quick" ] && quick=1
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

step "install dependencies"
"$root/tools/install-deps.sh"

step "format check"
"$root/tools/check-format.sh"

step "build"
"$root/tools/build.sh" "$root/build"

step "tests: unit, actors, cluster, system"
ctest --test-dir "$root/build" -j2 --output-on-failure --timeout 300

if [ $quick = 0 ]; then
  step "fuzz smoke run"
  "$root/tools/fuzz.sh" 200000

  step "sanitizer build (address + undefined): unit and actor tests"
  "$root/tools/build.sh" "$root/build-asan" -DPANDO_SANITIZE="address;undefined" \
    -DCMAKE_BUILD_TYPE=Debug
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir "$root/build-asan" -j2 -L "unit|actors" --output-on-failure
fi
step "all tests passed"
