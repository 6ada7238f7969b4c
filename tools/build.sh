#!/usr/bin/env bash
# Configures and builds pando with CMake and Ninja (-j2).
# Usage: tools/build.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${PANDO_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
ninja -C "$build" -j"${PANDO_JOBS:-2}"
