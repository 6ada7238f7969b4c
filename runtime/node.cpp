// pando-node's composition root. Each subsystem is started by one small
// function; `run_node` calls them in order and stops them in reverse order.

#include "runtime/node.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <memory>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "actors/metrics/metrics.hpp"
#include "actors/registry/registry_actor.hpp"
#include "actors/router/placement.hpp"
#include "actors/router/router.hpp"
#include "actors/rules/rules_actor.hpp"
#include "actors/storage/replica_actor.hpp"
#include "actors/storage/storage_actor.hpp"
#include "actors/type_ids.hpp"
#include "pando/version.hpp"
#include "runtime/cluster/node_agent.hpp"
#include "runtime/data_dir.hpp"
#include "runtime/logging.hpp"
#include "storage/kv_store.hpp"
#include "transports/http/api_context.hpp"
#include "transports/http/server.hpp"
#include "transports/mqtt/gateway.hpp"
#include "transports/webhook/notifier.hpp"

namespace pando::runtime {

namespace {

using clock = std::chrono::system_clock;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           clock::now().time_since_epoch())
    .count();
}

double resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * ::sysconf(_SC_PAGESIZE);
}

/// Opens the store and bumps the boot counter (a durable write, so that a
/// restart proves the previous run flushed its data).
std::optional<std::string> open_store(const node_settings& s,
                                      std::shared_ptr<storage::kv_store>& store,
                                      std::uint64_t& boots) {
  storage::rocksdb_settings rs;
  rs.path = s.node.data_dir + "/db";
  rs.block_cache_bytes = std::size_t{s.storage.block_cache_mb} << 20;
  auto opened = storage::open_rocksdb(rs);
  if (!opened)
    return "node.data_dir '" + s.node.data_dir + "': cannot open the store ("
           + opened.err().to_string() + ")";
  store = std::move(*opened);
  auto prev = store->get(storage::column::meta, "node/boots");
  if (!prev)
    return "node.data_dir: " + prev.err().to_string();
  boots = *prev && !(*prev)->empty() ? std::stoull(**prev) + 1 : 1;
  if (auto st = store->put(storage::column::meta, "node/boots",
                           std::to_string(boots), {.sync = true});
      !st)
    return "node.data_dir: " + st.err().to_string();
  return std::nullopt;
}

bool cluster_tls(const node_settings& s) { return !s.cluster.tls_cert.empty(); }

void configure_actor_system(const node_settings& s,
                            caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::pando>();
  cfg.load<caf::io::middleman>();
  if (cluster_tls(s)) {
    // Mutual TLS between nodes: each presents cluster.tls_cert and accepts
    // only peers whose certificate cluster.tls_ca signed.
    cfg.load<caf::openssl::manager>();
    cfg.openssl_certificate = s.cluster.tls_cert;
    cfg.openssl_key = s.cluster.tls_key;
    cfg.openssl_cafile = s.cluster.tls_ca;
  }
  auto threads = s.runtime.threads != 0
                   ? s.runtime.threads
                   : std::max(1u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(threads));
  // A hung peer is detected after about 2 s (CAF's default never detects it).
  cfg.set("middleman.heartbeat-interval",
          caf::timespan{std::chrono::milliseconds{200}});
  cfg.set("middleman.connection-timeout",
          caf::timespan{std::chrono::seconds{2}});
  cfg.set("logger.verbosity", caf::atom("quiet"));
}

/// The node's live state, shared by HTTP handlers.
struct node_state {
  node_info info;
  std::atomic<bool> stopping{false};
  caf::actor_system* sys = nullptr;
  std::shared_ptr<storage::kv_store> store;
  metrics::registry metrics;
};

double uptime_s(const node_state& st) {
  return static_cast<double>(now_ms() - st.info.started_at_ms) / 1000.0;
}

void register_metrics(node_state& st) {
  auto& m = st.metrics;
  m.add_callback("pando_uptime_seconds", "Seconds since this node started.",
                 [&st] { return uptime_s(st); });
  m.add_callback("pando_resident_memory_bytes",
                 "Resident memory of the pando-node process.", resident_bytes);
  m.add_callback("pando_live_actors", "Actors running in this node.", [&st] {
    return static_cast<double>(st.sys->registry().running());
  });
  m.add_callback("pando_storage_disk_bytes",
                 "Bytes of SST files in this node's store.",
                 [&st] { return static_cast<double>(st.store->disk_usage()); });
  m.get_gauge("pando_build_info", "Build of this node (always 1).",
              {{"version", pando::version}})
    .set(1);
}

void register_routes(node_state& st, http::server& srv) {
  srv.add("GET", "/healthz", "/healthz",
          [&st](const httplib::Request&, httplib::Response& res) {
            nlohmann::json body{
              {"status", st.stopping ? "stopping" : "ok"},
              {"node", st.info.name},
              {"version", st.info.build},
              {"uptime_s", uptime_s(st)},
              {"boots", st.info.boots},
            };
            res.status = st.stopping ? 503 : 200;
            res.set_content(body.dump(), "application/json");
          });
  srv.add("GET", "/metrics", "/metrics",
          [&st](const httplib::Request&, httplib::Response& res) {
            res.set_content(st.metrics.render(),
                            "text/plain; version=0.0.4; charset=utf-8");
          });
}

http::server_settings http_settings(const node_settings& s) {
  http::server_settings hs;
  hs.host = s.http.listen.host;
  hs.port = s.http.listen.port;
  hs.threads = s.http.threads;
  hs.max_body_bytes = s.http.max_body_bytes;
  if (s.http.tls.listen)
    hs.tls = http::server_settings::tls_listener{
      s.http.tls.listen->host, s.http.tls.listen->port, s.http.tls.cert_file,
      s.http.tls.key_file};
  return hs;
}

router_settings router_config(const node_settings& s) {
  router_settings rs;
  rs.shards = s.cluster.shards;
  rs.node_name = s.node.name;
  rs.device.key_secret = s.security.key_secret;
  rs.device.now_ms = now_ms;
  rs.device.history_retention_ms
    = std::int64_t{s.storage.history_retention_h} * 3600 * 1000;
  rs.device.session_expiry_ms = std::int64_t{s.mqtt.session_expiry_s} * 1000;
  return rs;
}

/// The node's load for pando-ctl, from the metrics the gateways keep.
node_load sample_load(node_state& st) {
  auto& m = st.metrics;
  node_load out;
  out.connections = static_cast<std::uint64_t>(std::max<std::int64_t>(
    0,
    m.get_gauge("pando_mqtt_connections", "Open MQTT connections.").value()));
  out.messages_in = m.get_counter("pando_mqtt_publishes_received_total",
                                  "PUBLISH packets received.")
                      .value();
  out.messages_out
    = m.get_counter("pando_mqtt_publishes_sent_total", "PUBLISH packets sent.")
        .value();
  out.resident_bytes = static_cast<std::uint64_t>(resident_bytes());
  return out;
}

/// The cluster view this node stored last (epoch 0: none).
cluster_view stored_view(caf::actor_system& sys, storage::kv_store& store) {
  cluster_view out;
  auto found = store.get(storage::column::meta, "cluster/view");
  if (!found || !*found)
    return out;
  std::vector<char> buf((*found)->begin(), (*found)->end());
  caf::binary_deserializer source{sys, buf};
  if (auto err = source(out)) {
    spdlog::warn("ignoring the stored cluster view: {}", sys.render(err));
    return {};
  }
  return out;
}

agent_settings agent_config(const node_settings& s, node_state& st,
                            const caf::actor& storage_actor) {
  agent_settings as;
  as.last_view = stored_view(*st.sys, *st.store);
  // Written by the storage actor (its own thread), never on the agent's:
  // views come in order from the one agent, so the last one written wins.
  as.save_view = [&st, storage_actor](const cluster_view& v) {
    std::vector<char> buf;
    caf::binary_serializer sink{*st.sys, buf};
    if (sink(const_cast<cluster_view&>(v)))
      return;
    caf::anon_send(storage_actor, caf::put_atom_v, storage::column::meta,
                   std::string{"cluster/view"},
                   std::string{buf.begin(), buf.end()});
  };
  as.info = st.info;
  as.self.name = s.node.name;
  as.self.cluster_address = s.cluster.listen.to_string();
  as.self.mqtt_address = s.mqtt.advertise;
  as.self.http_address = s.http.advertise;
  for (const auto& seed : s.cluster.seeds)
    as.seeds.push_back(seed.to_string());
  as.shards = s.cluster.shards;
  as.replication_factor = s.cluster.replication_factor;
  as.tls = cluster_tls(s);
  as.controller.max_moves = s.cluster.move_batch;
  as.controller.step_interval_ms = s.cluster.move_interval_ms;
  as.load = [&st] { return sample_load(st); };
  return as;
}

rules_settings rules_config() {
  rules_settings rs;
  rs.now_ms = now_ms;
  rs.utc_offset_minutes = local_utc_offset_minutes;
  return rs;
}

notifier_settings notifier_config(const node_settings& s) {
  notifier_settings ns;
  auto& d = ns.delivery;
  d.workers = s.webhooks.workers;
  d.max_queue = s.webhooks.max_queue;
  d.timeout = std::chrono::milliseconds{s.webhooks.timeout_ms};
  d.max_attempts = s.webhooks.max_attempts;
  d.tls_verify = s.webhooks.tls_verify;
  d.ca_file = s.webhooks.ca_file;
  d.user_agent = std::string{"pando/"} + pando::version;
  return ns;
}

mqtt::gateway_settings mqtt_settings(const node_settings& s) {
  mqtt::gateway_settings gs;
  gs.host = s.mqtt.listen.host;
  gs.port = s.mqtt.listen.port;
  if (s.mqtt.tls.listen)
    gs.tls = mqtt::gateway_settings::tls_listener{
      s.mqtt.tls.listen->host, s.mqtt.tls.listen->port, s.mqtt.tls.cert_file,
      s.mqtt.tls.key_file};
  gs.session.connect_timeout
    = std::chrono::milliseconds{s.mqtt.connect_timeout_ms};
  gs.session.max_keepalive = std::chrono::seconds{s.mqtt.max_keepalive_s};
  gs.session.max_packet_size = s.mqtt.max_packet_size;
  gs.session.max_inflight = s.mqtt.max_inflight;
  gs.max_outbound_bytes = s.mqtt.max_outbound_bytes;
  gs.node_name = s.node.name;
  return gs;
}

http::api_context api_context(const node_settings& s, caf::actor_system& sys,
                              const caf::actor& router,
                              const caf::actor& registry,
                              const caf::actor& agent) {
  http::api_context ctx;
  ctx.sys = &sys;
  ctx.agent = std::make_shared<caf::actor>(agent);
  ctx.router = std::make_shared<caf::actor>(router);
  ctx.registry = std::make_shared<caf::actor>(registry);
  ctx.node_name = s.node.name;
  ctx.mqtt_advertise = s.mqtt.advertise;
  ctx.http_advertise = s.http.advertise;
  ctx.admin_token = s.security.admin_token;
  ctx.key_secret = s.security.key_secret;
  return ctx;
}

/// Leaves the cluster before stopping: the controller hands this node's
/// shards to their followers, so no acknowledged write depends on it. While
/// this node holds the only in-sync copy of a shard, or the controller is
/// moving (several nodes stopping at once), it asks again, for up to 30 s.
void hand_off(caf::actor_system& sys, const caf::actor& agent) {
  caf::scoped_actor self{sys};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  for (;;) {
    caf::error failed;
    self->request(agent, std::chrono::seconds{15}, caf::leave_atom_v)
      .receive(
        [](std::uint64_t epoch) {
          spdlog::info("left the cluster at epoch {}", epoch);
        },
        [&failed](caf::error& err) { failed = std::move(err); });
    if (!failed)
      return;
    // Final answers: the last member, or a node the cluster does not know.
    auto final_answer
      = failed.category() == caf::atom("pando")
        && (static_cast<errc>(failed.code()) == errc::conflict
            || static_cast<errc>(failed.code()) == errc::not_found);
    auto again = !final_answer && std::chrono::steady_clock::now() < deadline;
    if (!again) {
      spdlog::info("left without handing off: {}", sys.render(failed));
      return;
    }
    spdlog::info("waiting to leave: {}", sys.render(failed));
    std::this_thread::sleep_for(std::chrono::milliseconds{500});
  }
}

/// Waits for SIGINT or SIGTERM; returns its number.
int wait_for_stop_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
    // Retry on spurious failures.
  }
  return sig;
}

int fail(const std::string& msg) {
  spdlog::error("cannot start: {}", msg);
  return exit_start_failed;
}

} // namespace

void block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

int run_node(const node_settings& s) {
  setup_logging(s.log.level, s.log.format, s.node.name);
  data_dir_lock lock; // released last: after the store is closed
  node_state st;
  st.info.name = s.node.name;
  st.info.build = pando::version;
  st.info.started_at_ms = now_ms();
  st.info.mqtt_advertise = s.mqtt.advertise;
  st.info.http_advertise = s.http.advertise;
  if (auto err = data_dir_lock::acquire(s.node.data_dir, lock))
    return fail(*err);
  if (auto err = open_store(s, st.store, st.info.boots))
    return fail(*err);
  caf::actor_system_config cfg;
  configure_actor_system(s, cfg);
  caf::actor_system sys{cfg};
  st.sys = &sys;
  auto storage_actor = spawn_storage_actor(sys, st.store, true, s.storage.sync);
  auto registry = spawn_registry(sys, s.security.key_secret, storage_actor);
  auto placement = std::make_shared<placement_box>();
  auto rules_cfg = rules_config();
  rules_cfg.owns = [placement, shards = s.cluster.shards](device_id id) {
    auto p = placement->get();
    auto shard = shard_of(id, shards).value;
    return p && shard < p->owned.size() && p->owned[shard];
  };
  auto rules = spawn_rules_actor(sys, std::move(rules_cfg), storage_actor,
                                 registry, &st.metrics);
  auto webhooks_active = std::make_shared<std::atomic<bool>>(false);
  auto notifier_cfg = notifier_config(s);
  notifier_cfg.placement = placement;
  auto notifier = spawn_notifier(sys, std::move(notifier_cfg), storage_actor,
                                 registry, webhooks_active, st.metrics);
  auto devices = router_config(s);
  devices.device.rules = std::make_shared<caf::actor>(rules);
  devices.device.notifier = std::make_shared<caf::actor>(notifier);
  devices.device.webhooks_active = webhooks_active;
  auto replica
    = spawn_replica_actor(sys, storage_actor, s.cluster.copy_chunk_bytes);
  devices.device.placement = placement;
  auto router = spawn_router(sys, std::move(devices), storage_actor, replica);
  caf::anon_send(rules, route_atom_v, router);
  auto agent = spawn_node_agent(sys, agent_config(s, st, storage_actor), router,
                                registry, replica);
  auto stop_actors = [&] {
    caf::scoped_actor self{sys};
    // Users of the store first, the storage actor (which flushes) last.
    for (const auto& a : {agent, registry, rules, notifier, router, replica})
      self->send_exit(a, caf::exit_reason::user_shutdown);
    self->wait_for(agent, registry, rules, notifier, router, replica);
    self->send_exit(storage_actor, caf::exit_reason::user_shutdown);
    self->wait_for(storage_actor);
  };
  auto published
    = cluster_tls(s)
        ? caf::openssl::publish(agent, s.cluster.listen.port,
                                s.cluster.listen.host.c_str(), true)
        : sys.middleman().publish(agent, s.cluster.listen.port,
                                  s.cluster.listen.host.c_str(), true);
  auto unpublish = [&] {
    if (cluster_tls(s))
      caf::anon_send(sys.openssl_manager().actor_handle(),
                     caf::unpublish_atom_v, agent.address(), *published);
    else
      sys.middleman().unpublish(agent, *published);
  };
  if (!published) {
    stop_actors();
    return fail("cluster.listen " + s.cluster.listen.to_string()
                + ": cannot listen (" + sys.render(published.error()) + ")");
  }
  register_metrics(st);
  std::unique_ptr<mqtt::gateway> mqtt_gw;
  if (auto err = mqtt::gateway::start(sys, mqtt_settings(s), router, registry,
                                      st.metrics, mqtt_gw)) {
    unpublish();
    stop_actors();
    return fail(*err);
  }
  http::server http{http_settings(s), st.metrics};
  register_routes(st, http);
  auto api = api_context(s, sys, router, registry, agent);
  http::add_device_api(http, api);
  http::add_admin_api(http, api);
  http::add_app_api(http, api);
  http::add_openapi(http);
  if (auto err = http.bind()) {
    mqtt_gw->stop();
    unpublish();
    stop_actors();
    return fail(*err);
  }
  http.start();
  spdlog::info("started version={} boots={} http={} mqtt={} cluster={} "
               "data_dir={}",
               pando::version, st.info.boots, s.http.listen.to_string(),
               s.mqtt.listen.to_string(), s.cluster.listen.to_string(),
               s.node.data_dir);
  auto sig = wait_for_stop_signal();
  spdlog::info("stopping signal={}", sig == SIGINT ? "SIGINT" : "SIGTERM");
  st.stopping = true;
  hand_off(sys, agent);
  http.stop();
  mqtt_gw->stop();
  unpublish();
  stop_actors();
  if (auto fl = st.store->flush(); !fl)
    spdlog::error("flush failed: {}", fl.err().to_string());
  spdlog::info("stopped uptime_s={:.1f}", uptime_s(st));
  return exit_ok;
}

} // namespace pando::runtime
