#!/usr/bin/env bash
# The `ingest` benchmark through a cluster (docs/benchmarks.md): the same
# pando-bench QoS 1 load against one pando-node and against a 3-node cluster
# on this machine (replication factor 2: every report is written on its
# owner and confirmed by a follower on another node before the PUBACK),
# alternating for several rounds. Devices register and log in through the
# first node and connect to the MQTT address login hands out, their shard's
# owner, so the cluster's connections spread over its three nodes. Prints
# the median and spread of each and the ratio cluster/single node, and stops
# everything it started.
#
# Usage: tools/bench/cluster-ingest.sh [options]
#   -r ROUNDS     rounds, each one single-node run and one cluster run
#                 (default 3)
#   -n DEVICES    devices = MQTT connections (default 1000)
#   -w WINDOW     QoS 1 publishes in flight per connection (default 4)
#   -d SECONDS    measured seconds per run (default 10)
#   -u SECONDS    warm-up seconds per run (default 3)
#   -N NODES      cluster size (default 3)
#   -o DIR        where the JSON results go (default BUILD/bench/cluster-DATE)
# Environment: PANDO_BENCH_BUILD_DIR (default build-release),
#   PANDO_BENCH_NO_BUILD=1 to skip the build, PANDO_BENCH=path to a
#   pando-bench binary to use instead of the build's.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=3 devices=1000 window=4 duration=10 warmup=3 nodes=3 out=""
while getopts "r:n:w:d:u:N:o:h" opt; do
  case $opt in
    r) rounds=$OPTARG ;;
    n) devices=$OPTARG ;;
    w) window=$OPTARG ;;
    d) duration=$OPTARG ;;
    u) warmup=$OPTARG ;;
    N) nodes=$OPTARG ;;
    o) out=$OPTARG ;;
    h) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) exit 2 ;;
  esac
done
[ "$nodes" -ge 2 ] || { echo "$(basename "$0"): -N needs at least 2 nodes" >&2; exit 2; }

build=${PANDO_BENCH_BUILD_DIR:-$root/build-release}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=${out:-$build/bench/cluster-$stamp}
mkdir -p "$out"

source "$root/tools/bench/lib.sh"
bench_build
start_pando
echo "== starting a $nodes-node cluster" >&2
start_cluster "$nodes"

common=(ingest -n "$devices" -w "$window" -d "$duration" --warmup "$warmup")
single_args=(--target pando --url "http://127.0.0.1:$http_port"
  --admin-token "$admin_token" --credentials "$tmp/single-devices.json"
  --target-pid "$node_pid")
cluster_args=(--target pando --url "http://127.0.0.1:${cluster_http[0]}"
  --admin-token "$admin_token" --credentials "$tmp/cluster-devices.json")

{
  machine_header
  echo "cluster:   $nodes nodes, replication factor 2, 1024 shards"
  echo "load:      pando-bench ${common[*]}"
  echo "results:   $out"
} | tee "$out/summary.txt" >&2

for i in $(seq "$rounds"); do
  echo "== round $i/$rounds: one node" >&2
  "$bench_bin" "${common[@]}" "${single_args[@]}" --label "single round $i" \
    --json "$out/single-$i.json" >"$out/single-$i.txt"
  kill -0 "$node_pid" 2>/dev/null || die "pando-node died, see $out/pando-node.log"
  echo "== round $i/$rounds: $nodes-node cluster" >&2
  "$bench_bin" "${common[@]}" "${cluster_args[@]}" --label "cluster round $i" \
    --json "$out/cluster-$i.json" >"$out/cluster-$i.txt"
  for pid in "${cluster_pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || die "a cluster node died, see $out/cluster-node*.log"
  done
done

python3 - "$out" "$rounds" "$nodes" <<'EOF' | tee -a "$out/summary.txt"
import json, statistics, sys
out, rounds, nodes = sys.argv[1], int(sys.argv[2]), sys.argv[3]
med = statistics.median
runs = {t: [json.load(open(f"{out}/{t}-{i}.json"))["results"] for i in range(1, rounds + 1)]
        for t in ("single", "cluster")}
print()
print(f"ingest, {rounds} rounds (machine CPU in % of one core; the machine has "
      f"{runs['single'][0].get('machine_cpu_capacity_pct', 0):.0f} %)")
print()
print("| target | acked msgs/s, median | min – max | p50 ms | p99 ms | machine CPU % | errors, lost |")
print("|---|---:|---:|---:|---:|---:|---:|")
names = {"single": "one node", "cluster": f"{nodes}-node cluster, rf 2"}
for t, r in runs.items():
    a = [x["acked_per_s"] for x in r]
    errs = sum(x.get("publish_errors", 0) + x.get("connect_failures", 0) for x in r)
    lost = sum(x.get("connections_lost", 0) for x in r)
    print(f"| {names[t]} | {med(a):,.0f} | {min(a):,.0f} – {max(a):,.0f} | "
          f"{med([x.get('latency_p50_ms', 0) for x in r]):.2f} | "
          f"{med([x.get('latency_p99_ms', 0) for x in r]):.2f} | "
          f"{med([x.get('machine_cpu_pct', 0) for x in r]):.0f} | {errs:.0f}, {lost:.0f} |")
s = [x["acked_per_s"] for x in runs["single"]]
c = [x["acked_per_s"] for x in runs["cluster"]]
paired = [b / a for a, b in zip(s, c) if a > 0]
print()
print(f"ratio cluster/one node, acked msgs/s: {med(c) / med(s):.2f} (ratio of medians; "
      f"per-round {min(paired):.2f} – {max(paired):.2f})")
json.dump({"single": s, "cluster": c, "paired_ratios": paired}, open(f"{out}/summary.json", "w"), indent=2)
EOF
