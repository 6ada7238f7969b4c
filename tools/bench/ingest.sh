#!/usr/bin/env bash
# The `ingest` benchmark (docs/benchmarks.md): pando against mosquitto 2.0.11
# under the same pando-bench load, alternating A/B for several rounds.
#
# Builds pando-node and pando-bench (Release), starts a fresh pando-node (temp
# data dir, own loopback ports, every setting given with --set) and a
# mosquitto (persistence off, unlimited queues and in-flight, anonymous), runs
# `pando-bench ingest` against pando, then mosquitto, ROUNDS times, then a
# latency probe without queueing (1 device, 1 in flight, 3 rounds), prints the
# median and spread of each and the ratio pando/mosquitto, and stops
# everything it started.
#
# Usage: tools/bench/ingest.sh [options]
#   -r ROUNDS     rounds, each one pando run and one mosquitto run (default 5)
#   -n DEVICES    devices = MQTT connections (default 1000)
#   -w WINDOW     QoS 1 publishes in flight per connection (default 4)
#   -d SECONDS    measured seconds per run (default 10)
#   -u SECONDS    warm-up seconds per run (default 3)
#   -p PROCESSES  generator processes (default: pando-bench's)
#   -o DIR        where the JSON results go (default BUILD/bench/ingest-DATE)
#   -S            storage.sync=true for pando (fsync before acknowledging)
# Environment: PANDO_BENCH_BUILD_DIR (default build-release),
#   PANDO_BENCH_NO_BUILD=1 to skip the build, PANDO_BENCH=path to a
#   pando-bench binary to use instead of the build's.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=5 devices=1000 window=4 duration=10 warmup=3 processes="" out="" sync=false
while getopts "r:n:w:d:u:p:o:Sh" opt; do
  case $opt in
    r) rounds=$OPTARG ;;
    n) devices=$OPTARG ;;
    w) window=$OPTARG ;;
    d) duration=$OPTARG ;;
    u) warmup=$OPTARG ;;
    p) processes=$OPTARG ;;
    o) out=$OPTARG ;;
    S) sync=true ;;
    h) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) exit 2 ;;
  esac
done

build=${PANDO_BENCH_BUILD_DIR:-$root/build-release}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${out:-$build/bench/ingest-$stamp}
mkdir -p "$out"

source "$root/tools/bench/lib.sh"
bench_build
start_pando
start_mosquitto

# -- rounds ------------------------------------------------------------------

common=(ingest -n "$devices" -w "$window" -d "$duration" --warmup "$warmup")
[ -n "$processes" ] && common+=(-p "$processes")
# Latency without queueing: one device, one publish in flight.
probe=(ingest -n 1 -w 1 -p 1 -d 5 --warmup 2)
pando_args=(--target pando --url "http://127.0.0.1:$http_port"
  --admin-token "$admin_token" --credentials "$tmp/devices.json"
  --target-pid "$node_pid")
mosq_args=(--target mosquitto --mqtt "127.0.0.1:$mosq_port"
  --target-pid "$mosq_pid")

{
  machine_header
  echo "load:      pando-bench ${common[*]}"
  echo "probe:     pando-bench ${probe[*]}"
  echo "results:   $out"
} | tee "$out/summary.txt" >&2

# run_rounds NAME ROUNDS ARGS...: pando then mosquitto, ROUNDS times.
run_rounds() {
  local name=$1 n=$2 i
  shift 2
  for i in $(seq "$n"); do
    echo "== $name round $i/$n: pando" >&2
    "$bench_bin" "$@" "${pando_args[@]}" --label "$name round $i" \
      --json "$out/$name-pando-$i.json" >"$out/$name-pando-$i.txt"
    kill -0 "$node_pid" 2>/dev/null || die "pando-node died, see $out/pando-node.log"
    echo "== $name round $i/$n: mosquitto" >&2
    "$bench_bin" "$@" "${mosq_args[@]}" --label "$name round $i" \
      --json "$out/$name-mosquitto-$i.json" >"$out/$name-mosquitto-$i.txt"
  done
}
run_rounds load "$rounds" "${common[@]}"
run_rounds probe 3 "${probe[@]}"

# -- summary -----------------------------------------------------------------

python3 - "$out" "$rounds" <<'EOF' | tee -a "$out/summary.txt"
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
med = statistics.median
def load(name, t, n):
    return [json.load(open(f"{out}/{name}-{t}-{i}.json"))["results"] for i in range(1, n + 1)]
def col(runs, k):
    return [r.get(k, 0.0) for r in runs]
def others(runs):
    return [max(0.0, r.get("machine_cpu_pct", 0) - r.get("generator_cpu_pct", 0) - r.get("target_cpu_pct", 0))
            for r in runs]
def per_cpu(runs):
    return [r["acked_per_s"] / (r["target_cpu_pct"] / 100) if r.get("target_cpu_pct") else 0.0
            for r in runs]
summary = {}
for name, n in (("load", rounds), ("probe", 3)):
    runs = {t: load(name, t, n) for t in ("pando", "mosquitto")}
    print()
    print(f"{name}: {n} rounds (CPU in % of one core; the machine has {runs['pando'][0].get('machine_cpu_capacity_pct', 0):.0f} %)")
    print()
    print("| target | acked msgs/s, median | min – max | p50 ms | p99 ms | target CPU % | generator CPU % | other processes CPU % | acked per target CPU-second | errors, lost |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t, r in runs.items():
        a = col(r, "acked_per_s")
        errs = sum(col(r, "publish_errors")) + sum(col(r, "connect_failures"))
        lost = sum(col(r, "connections_lost"))
        print(f"| {t} | {med(a):,.0f} | {min(a):,.0f} – {max(a):,.0f} | "
              f"{med(col(r, 'latency_p50_ms')):.2f} | {med(col(r, 'latency_p99_ms')):.2f} | "
              f"{med(col(r, 'target_cpu_pct')):.0f} | {med(col(r, 'generator_cpu_pct')):.0f} | "
              f"{med(others(r)):.0f} | "
              f"{med(per_cpu(r)):,.0f} | {errs:.0f}, {lost:.0f} |")
    p, m = col(runs["pando"], "acked_per_s"), col(runs["mosquitto"], "acked_per_s")
    paired = [a / b for a, b in zip(p, m) if b > 0]
    eff = [a / b for a, b in zip(per_cpu(runs["pando"]), per_cpu(runs["mosquitto"])) if b > 0]
    ratio = med(p) / med(m)
    print()
    print(f"ratio pando/mosquitto, acked msgs/s: {ratio:.2f} (ratio of medians; "
          f"per-round {min(paired):.2f} – {max(paired):.2f}, median {med(paired):.2f})")
    print(f"ratio pando/mosquitto, acked per target CPU-second: {med(eff):.2f} "
          f"(per-round {min(eff):.2f} – {max(eff):.2f})")
    summary[name] = {"pando": p, "mosquitto": m, "ratio_of_medians": ratio,
                     "paired_ratios": paired, "cpu_efficiency_ratios": eff}
json.dump(summary, open(f"{out}/summary.json", "w"), indent=2)
EOF
