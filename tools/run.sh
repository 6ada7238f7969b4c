#!/usr/bin/env bash
# Installs what is missing, builds pando and runs it on this machine until
# Ctrl-C: a 3-node cluster on loopback (configs/cluster-node{1,2,3}.yaml, data
# in ./data/cluster-nodeN) with 30 simulated devices (pando-sim).
# Usage: tools/run.sh [--devices N]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
devices=30
[ "${1:-}" = "--devices" ] && devices=${2:?--devices needs a number}
"$root/tools/install-deps.sh"
"$root/tools/build.sh" "$root/build"
cd "$root"
mkdir -p data
node="$root/build/runtime/pando-node"
ctl="$root/build/tools/pando-ctl/pando-ctl"
sim="$root/build/tools/pando-sim/pando-sim"
export PANDO_URL=http://127.0.0.1:8081
export PANDO_ADMIN_TOKEN=local-admin-token-change-me
pids=()
stop() {
  trap - INT TERM
  echo
  echo "stopping: devices, then node3, node2, node1 (each hands its shards off)"
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
  exit 0
}
trap stop INT TERM
# The nodes and pando-sim run in their own sessions, so the terminal's
# Ctrl-C reaches this script alone: it stops them one at a time with
# SIGTERM, so that each node hands its shards off.
for n in 1 2 3; do
  setsid "$node" --config "configs/cluster-node$n.yaml" >"data/cluster-node$n.log" 2>&1 &
  pids+=($!)
done
echo "starting 3 nodes (logs in data/cluster-node{1,2,3}.log) ..."
for _ in $(seq 150); do
  members=$("$ctl" shards --json 2>/dev/null \
    | python3 -c 'import json,sys; print(sum(m["up"] for m in json.load(sys.stdin)["members"]))' \
    2>/dev/null || echo 0)
  [ "$members" = 3 ] && break
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "a node failed to start; see data/"; stop; }
  done
  sleep 0.2
done
key=$("$ctl" product list --json 2>/dev/null \
  | python3 -c 'import json,sys; print(next((p["key"] for p in json.load(sys.stdin) if p["name"] == "demo-lamp"), ""))')
if [ -z "$key" ]; then
  vendor=$("$ctl" vendor add --name demo --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  key=$("$ctl" product add --name demo-lamp --vendor "$vendor" --config configs/products/lamp.json --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
fi
first=$("$ctl" product list --json | python3 -c '
import json, sys
p = next(p for p in json.load(sys.stdin) if p["name"] == "demo-lamp")
print("%x-%x-sim-0" % (p["vendor_id"], p["id"]))')
setsid "$sim" --url http://127.0.0.1:8081 --product-key "$key" --devices "$devices" --quiet &
pids+=($!)
cat <<MSG

pando is running: a 3-node cluster with $devices simulated devices.
  nodes:      $ctl nodes          (PANDO_URL and PANDO_ADMIN_TOKEN as below)
  placement:  $ctl shards
  live view:  $ctl top
  a device:   $ctl locate $first
  health:     curl http://127.0.0.1:8081/healthz    (nodes on 8081, 8082, 8083)
  MQTT:       127.0.0.1:1881, 1882, 1883 (login answers with the owner's)
  export PANDO_URL=$PANDO_URL PANDO_ADMIN_TOKEN=$PANDO_ADMIN_TOKEN
Press Ctrl-C to stop.

MSG
wait "${pids[@]}"
