# Shared parts of the benchmark scripts in tools/bench/; sourced, not run.
# Needs: root (repository), build (build dir), out (results dir).

tmp=$(mktemp -d /tmp/pando-bench.XXXXXX)
pids=()
# Stops what we started: SIGTERM, then SIGKILL after 15 s (and says so).
cleanup() {
  local pid _
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$(basename "$0"): process $pid did not stop within 15 s of SIGTERM; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# Builds pando-node and pando-bench (Release) unless PANDO_BENCH_NO_BUILD=1;
# sets node_bin and bench_bin.
bench_build() {
  if [ "${PANDO_BENCH_NO_BUILD:-0}" != 1 ]; then
    echo "== building pando-node and pando-bench (Release) in $build" >&2
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DPANDO_ENABLE_TESTING=OFF >/dev/null
    local targets=(pando-node)
    [ -n "${PANDO_BENCH:-}" ] || targets+=(pando-bench)
    ninja -C "$build" -j"${PANDO_JOBS:-2}" "${targets[@]}" >&2
  fi
  node_bin=$build/runtime/pando-node
  bench_bin=${PANDO_BENCH:-$build/tools/pando-bench/pando-bench}
  local b
  for b in "$node_bin" "$bench_bin"; do
    [ -x "$b" ] || die "$b is missing"
  done
  command -v mosquitto >/dev/null || die "mosquitto is not installed (tools/install-deps.sh)"
}

# A TCP port below the ephemeral range that no socket uses (in any state).
free_port() {
  local p low
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  for p in $(shuf -i 20000-$((low - 1)) -n 100); do
    if [ -z "$(ss -Htan "sport = :$p")" ]; then echo "$p"; return; fi
  done
  die "no free port"
}

# Sets node_args for one pando-node: NAME, its data dir, HTTP, MQTT and
# cluster ports, and its seeds (a YAML list); every setting given with --set,
# storage.sync from $sync (default false). Needs admin_token.
make_node_args() {
  local name=$1 data=$2 http=$3 mqtt=$4 cport=$5 seeds=$6 key value
  node_args=(
    --set "node.name=$name"
    --set "node.data_dir=$data"
    --set "cluster.listen=127.0.0.1:$cport"
    --set "cluster.seeds=$seeds"
    --set cluster.shards=1024
    --set cluster.replication_factor=2
    --set "mqtt.listen=127.0.0.1:$mqtt"
    --set mqtt.max_packet_size=262144
    --set mqtt.connect_timeout_ms=10000
    --set mqtt.max_keepalive_s=3600
    --set mqtt.max_inflight=32
    --set mqtt.session_expiry_s=7200
    --set mqtt.max_outbound_bytes=1048576
    --set "http.listen=127.0.0.1:$http"
    --set http.max_body_bytes=1048576
    --set http.threads=8
    --set "security.admin_token=$admin_token"
    --set security.key_secret=ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP
    --set log.level=warn
    --set log.format=text
    --set runtime.threads=0
    --set "storage.sync=${sync:-false}"
    --set storage.block_cache_mb=32
  )
  # Settings this list does not know yet get their documented default,
  # spelled out, so the command line always shows every setting. (TLS and
  # advertise keys have no default and stay off.)
  while read -r key value; do
    [[ " ${node_args[*]} " == *" $key="* ]] || node_args+=(--set "$key=$value")
  done < <("$node_bin" --help |
    sed -n 's/^  \([a-z_]*\.[a-z_]*\) ([^,]*, default \(.*\))$/\1 \2/p')
}

new_admin_token() {
  admin_token="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
}

# Waits until pando-node PID answers /healthz on HTTP port PORT (log: LOG).
wait_healthy() {
  local pid=$1 port=$2 log=$3 _
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return
    kill -0 "$pid" 2>/dev/null || die "pando-node exited, see $log"
    sleep 0.1
  done
  die "pando-node is not healthy after 10 s, see $log"
}

# Starts a fresh pando-node on its own loopback ports and a temp data dir.
# Sets node_pid, node_args, http_port, mqtt_port, admin_token.
start_pando() {
  local cluster_port
  http_port=$(free_port); mqtt_port=$(free_port); cluster_port=$(free_port)
  new_admin_token
  make_node_args bench "$tmp/node" "$http_port" "$mqtt_port" "$cluster_port" "[]"
  echo "pando-node ${node_args[*]}" >"$out/pando-node.cmd"
  "$node_bin" "${node_args[@]}" >"$out/pando-node.log" 2>&1 &
  node_pid=$!; pids+=("$node_pid")
  wait_healthy "$node_pid" "$http_port" "$out/pando-node.log"
}

# Starts an N-node cluster (N >= 2) of fresh nodes on loopback, every node a
# seed, and waits until all N are members, balanced, with no replica still
# copying. Sets
# cluster_pids, cluster_http (HTTP ports) and admin_token (shared).
start_cluster() {
  local n=$1 i seeds="" cports=() mports=() _ members
  cluster_pids=(); cluster_http=()
  [ -n "${admin_token:-}" ] || new_admin_token
  for i in $(seq "$n"); do
    cports+=("$(free_port)"); mports+=("$(free_port)"); cluster_http+=("$(free_port)")
    seeds+="${seeds:+,}127.0.0.1:${cports[-1]}"
  done
  for i in $(seq 0 $((n - 1))); do
    make_node_args "node$((i + 1))" "$tmp/cluster-node$((i + 1))" "${cluster_http[$i]}" \
      "${mports[$i]}" "${cports[$i]}" "[$seeds]"
    echo "pando-node ${node_args[*]}" >"$out/cluster-node$((i + 1)).cmd"
    "$node_bin" "${node_args[@]}" >"$out/cluster-node$((i + 1)).log" 2>&1 &
    cluster_pids+=("$!"); pids+=("$!")
  done
  for i in $(seq 0 $((n - 1))); do
    wait_healthy "${cluster_pids[$i]}" "${cluster_http[$i]}" "$out/cluster-node$((i + 1)).log"
  done
  for _ in $(seq 300); do
    members=$(curl -fsS -H "Authorization: Bearer $admin_token" \
      "http://127.0.0.1:${cluster_http[0]}/admin/v1/cluster/shards" 2>/dev/null |
      python3 -c '
import json, sys
v = json.load(sys.stdin)
up = [m for m in v["members"] if m["up"]]
even = all(abs(m["shards_owned"] - v["shards"] / len(up)) <= 1 for m in up)
print(len(up) if even and v["replicas_syncing"] == 0 else 0)' 2>/dev/null || echo 0)
    [ "$members" = "$n" ] && return
    sleep 0.1
  done
  die "the $n nodes did not form a cluster within 30 s, see $out/cluster-node*.log"
}

# Starts mosquitto on its own loopback port: anonymous, no persistence, no
# queue or in-flight limits. Sets mosq_pid, mosq_port, mosq_version.
start_mosquitto() {
  mosq_port=$(free_port)
  cat >"$tmp/mosquitto.conf" <<CONF
listener $mosq_port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_inflight_messages 0
CONF
  mosquitto -c "$tmp/mosquitto.conf" >"$out/mosquitto.log" 2>&1 &
  mosq_pid=$!; pids+=("$mosq_pid")
  local _
  for _ in $(seq 100); do
    if [ -n "$(ss -Htln "sport = :$mosq_port")" ]; then
      mosq_version=$(mosquitto -h 2>/dev/null | head -1 || true)
      return
    fi
    kill -0 "$mosq_pid" 2>/dev/null || die "mosquitto exited, see $out/mosquitto.log"
    sleep 0.1
  done
  die "mosquitto does not listen on $mosq_port"
}

# Prints machine, date and versions.
machine_header() {
  echo "machine:   nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "pando:     $("$node_bin" --version 2>&1 | head -1), storage.sync=${sync:-false}"
  echo "reference: ${mosq_version:-mosquitto not started}"
}
