#!/usr/bin/env bash
# Installs what is missing, builds pando and runs the platform on this
# machine until Ctrl-C: one pando-node on the embedded default storage, data in ./data/.
# Usage: tools/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install-deps.sh"
"$root/tools/build.sh" "$root/build"
cd "$root"
mkdir -p data
node="$root/build/runtime/pando-node"
"$node" --config configs/single-node.yaml &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM
for _ in $(seq 50); do
  curl -fsS http://127.0.0.1:8080/healthz >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { wait $pid; exit $?; }
  sleep 0.1
done
cat <<MSG

pando is running (node1, data in $root/data/node1).
  health:   curl http://127.0.0.1:8080/healthz
  metrics:  curl http://127.0.0.1:8080/metrics
  MQTT:     127.0.0.1:1883
Press Ctrl-C to stop.

MSG
wait $pid
