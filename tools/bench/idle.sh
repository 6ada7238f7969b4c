#!/usr/bin/env bash
# The `idle` benchmark (docs/benchmarks.md): resident memory per connected,
# idle device, and per registered device that never connects, on a fresh
# pando-node; the same connections against a fresh mosquitto as reference.
#
# Usage: tools/bench/idle.sh [options]
#   -n DEVICES     connected idle devices (default 10000)
#   -m REGISTERED  registered, never-connected devices (default 10000)
#   -t SECONDS     hold time before each memory sample (default 10)
#   -p PROCESSES   generator processes (default 4)
#   -o DIR         where the JSON results go (default BUILD/bench/idle-DATE)
# Environment: as tools/bench/ingest.sh.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
devices=10000 registered=10000 hold=10 processes=4 out=""
while getopts "n:m:t:p:o:h" opt; do
  case $opt in
    n) devices=$OPTARG ;;
    m) registered=$OPTARG ;;
    t) hold=$OPTARG ;;
    p) processes=$OPTARG ;;
    o) out=$OPTARG ;;
    h) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) exit 2 ;;
  esac
done
build=${PANDO_BENCH_BUILD_DIR:-$root/build-release}
out=${out:-$build/bench/idle-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"

source "$root/tools/bench/lib.sh"
bench_build
start_pando
start_mosquitto

common=(idle -n "$devices" --hold "$hold" -p "$processes" --connect-concurrency 400)
{
  machine_header
  echo "load:      pando-bench ${common[*]} --registered $registered"
  echo "results:   $out"
} | tee "$out/summary.txt" >&2

echo "== pando" >&2
"$bench_bin" "${common[@]}" --registered "$registered" --target pando \
  --url "http://127.0.0.1:$http_port" --admin-token "$admin_token" \
  --target-pid "$node_pid" --json "$out/pando.json" | tee "$out/pando.txt"
echo "== mosquitto" >&2
"$bench_bin" "${common[@]}" --target mosquitto --mqtt "127.0.0.1:$mosq_port" \
  --target-pid "$mosq_pid" --json "$out/mosquitto.json" | tee "$out/mosquitto.txt"
