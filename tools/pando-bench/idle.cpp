#include "tools/pando-bench/pando_api.hpp"
#include "tools/pando-bench/scenarios.hpp"
#include "tools/pando-bench/targets.hpp"
#include "tools/pando-bench/worker.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

namespace pando::bench {

namespace {

void hold(const options& opts, const char* what) {
  progress(opts, "  idle %s: holding %g s (%s)", opts.target.c_str(),
           opts.hold_s, what);
  std::this_thread::sleep_for(std::chrono::duration<double>(opts.hold_s));
}

/// Registers `opts.registered` devices that never connect; returns the RSS
/// afterwards and adds the per-device figure to `res`.
double measure_registered(const options& opts, double before, result& res) {
  if (opts.target != "pando")
    throw std::runtime_error("--registered needs --target pando");
  auto key = product_key_or_create(opts.url, opts.admin_token, opts.product_key,
                                   "pando-bench-idle-");
  enroll(opts.url, key, opts.id_prefix + "reg-", opts.registered,
         opts.http_clients, false, opts.quiet);
  hold(opts, "registered, never connected");
  auto after = sample_rss(opts);
  res.add("rss_after_registered_bytes", "target RSS after registering", after,
          "B");
  res.add("bytes_per_registered", "RSS per registered, inactive device",
          (after - before) / static_cast<double>(opts.registered), "B");
  return after;
}

} // namespace

result run_idle(const options& opts) {
  result res;
  auto before = sample_rss(opts);
  res.add("rss_start_bytes", "target RSS at start", before, "B");
  if (opts.registered > 0)
    before = measure_registered(opts, before, res);
  worker_set workers{prepare_endpoints(opts, opts.devices), opts.processes,
                     opts.keepalive_s};
  auto enrolled = sample_rss(opts);
  workers.broadcast("connect 0 "
                    + std::to_string(connect_share(opts, workers.size()))
                    + " 120");
  std::size_t connected = 0;
  std::size_t failed = 0;
  for (const auto& c : workers.gather("connected", 180)) {
    connected += c.at("connected").get<std::size_t>();
    failed += c.at("failed").get<std::size_t>();
    for (const auto& e : c.at("errors"))
      if (res.errors.size() < 8)
        res.errors.push_back(e.get<std::string>());
  }
  progress(opts, "  connected %zu/%zu clients", connected, opts.devices);
  if (connected == 0)
    throw std::runtime_error("no client connected");
  hold(opts, "connected, idle");
  auto after = sample_rss(opts);
  workers.broadcast("stats");
  std::uint64_t still = 0;
  std::uint64_t lost = 0;
  for (const auto& s : workers.gather("stats", 30)) {
    still += s.at("connected").get<std::uint64_t>();
    lost += s.at("lost").get<std::uint64_t>();
  }
  workers.broadcast("disconnect");
  workers.gather("disconnected", 60);
  auto n = static_cast<double>(connected);
  res.add("rss_before_bytes", "target RSS before the devices", before, "B");
  res.add("rss_enrolled_bytes", "target RSS after register + login", enrolled,
          "B");
  res.add("rss_connected_bytes", "target RSS with the devices connected", after,
          "B");
  res.add("bytes_per_connected", "RSS per connected device",
          (after - before) / n, "B");
  res.add("bytes_per_connection", "of which the MQTT connection",
          (after - enrolled) / n, "B");
  res.add("connected", "clients connected", n);
  res.add("connect_failures", "connect failures", static_cast<double>(failed));
  res.add("still_connected", "clients connected at the sample",
          static_cast<double>(still));
  res.add("connections_lost", "connections lost while idle",
          static_cast<double>(lost));
  return res;
}

} // namespace pando::bench
