#!/usr/bin/env bash
# The `conn-storm` benchmark (docs/benchmarks.md): open N authenticated MQTT
# connections as fast as possible on a fresh pando-node, and the same number
# of anonymous ones on a fresh mosquitto, alternating for several rounds.
# Registration and login happen once, before the first round, untimed.
#
# Usage: tools/bench/conn-storm.sh [options]
#   -r ROUNDS      rounds (default 3)
#   -n DEVICES     connections per run (default 5000)
#   -c CONCURRENT  CONNECTs outstanding at once, all processes (default 0 = all;
#                  mosquitto listens with a backlog of 100, pando 4096)
#   -p PROCESSES   generator processes (default 4)
#   -o DIR         where the JSON results go (default BUILD/bench/conn-storm-DATE)
# Environment: as tools/bench/ingest.sh.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=3 devices=5000 concurrency=0 processes=4 out=""
while getopts "r:n:c:p:o:h" opt; do
  case $opt in
    r) rounds=$OPTARG ;;
    n) devices=$OPTARG ;;
    c) concurrency=$OPTARG ;;
    p) processes=$OPTARG ;;
    o) out=$OPTARG ;;
    h) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) exit 2 ;;
  esac
done
build=${PANDO_BENCH_BUILD_DIR:-$root/build-release}
out=${out:-$build/bench/conn-storm-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"

source "$root/tools/bench/lib.sh"
bench_build
start_pando
start_mosquitto

common=(conn-storm -n "$devices" -p "$processes" --connect-concurrency "$concurrency")
{
  machine_header
  echo "load:      pando-bench ${common[*]}"
  echo "results:   $out"
} | tee "$out/summary.txt" >&2

for i in $(seq "$rounds"); do
  echo "== round $i/$rounds: pando" >&2
  "$bench_bin" "${common[@]}" --target pando --url "http://127.0.0.1:$http_port" \
    --admin-token "$admin_token" --credentials "$tmp/devices.json" \
    --label "round $i" --json "$out/pando-$i.json" >"$out/pando-$i.txt"
  echo "== round $i/$rounds: mosquitto" >&2
  "$bench_bin" "${common[@]}" --target mosquitto --mqtt "127.0.0.1:$mosq_port" \
    --label "round $i" --json "$out/mosquitto-$i.json" >"$out/mosquitto-$i.txt"
done

python3 - "$out" "$rounds" <<'PY' | tee -a "$out/summary.txt"
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
med = statistics.median
print()
print("| target | connections/s, median | min – max | CONNECT→CONNACK p50 ms | p99 ms | failed (all rounds) |")
print("|---|---:|---:|---:|---:|---:|")
for t in ("pando", "mosquitto"):
    r = [json.load(open(f"{out}/{t}-{i}.json"))["results"] for i in range(1, rounds + 1)]
    c = [x["connections_per_s"] for x in r]
    print(f"| {t} | {med(c):,.0f} | {min(c):,.0f} – {max(c):,.0f} | "
          f"{med([x['connect_p50_ms'] for x in r]):.1f} | {med([x['connect_p99_ms'] for x in r]):.1f} | "
          f"{sum(x['errors'] for x in r):.0f} |")
PY
