#!/usr/bin/env bash
# Checks that every C++ file follows .clang-format (CAF's style as the base).
# Usage: tools/check-format.sh [--fix]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if clang-format --dry-run --Werror "${files[@]}" 2>/tmp/pando-format.log; then
  echo "check-format: ${#files[@]} files formatted"
else
  grep -E "^[^ ].*error:" /tmp/pando-format.log | cut -d: -f1 | sort -u | sed 's/^/check-format: needs formatting: /'
  echo "check-format: run tools/check-format.sh --fix"
  exit 1
fi
