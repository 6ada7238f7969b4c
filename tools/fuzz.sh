#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each one.
# Usage: tools/fuzz.sh [RUNS]   (default 1000000 executions per target)
# Each target starts from a copy of its seed corpus in tests/fuzz/corpora/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-1000000}
build="$root/build-fuzz"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPANDO_ENABLE_FUZZING=ON \
  -DPANDO_ENABLE_TESTING=OFF -DPANDO_SANITIZE="address;undefined" >/dev/null
ninja -C "$build" -j"${PANDO_JOBS:-2}" >/dev/null
status=0
for bin in "$build"/tests/fuzz/*_fuzz; do
  name=$(basename "$bin" _fuzz)
  work=$(mktemp -d)
  cp -r "$root/tests/fuzz/corpora/$name/." "$work/" 2>/dev/null || true
  echo "fuzz: $name, $runs runs"
  if "$bin" -runs="$runs" -max_len=4096 "$work" >"$work.log" 2>&1; then
    grep -E "^(#[0-9]+ *DONE|Done [0-9]+ runs)" "$work.log" | tail -n 1
  else
    echo "fuzz: $name FAILED"; tail -n 40 "$work.log"; status=1
  fi
  rm -rf "$work" "$work.log"
done
exit $status
