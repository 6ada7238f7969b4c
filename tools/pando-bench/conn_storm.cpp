#include "tools/pando-bench/scenarios.hpp"
#include "tools/pando-bench/targets.hpp"
#include "tools/pando-bench/worker.hpp"

#include <algorithm>
#include <limits>

namespace pando::bench {

result run_conn_storm(const options& opts) {
  worker_set workers{prepare_endpoints(opts, opts.devices), opts.processes,
                     opts.keepalive_s};
  progress(opts, "  conn-storm %s: opening %zu connections from %zu processes",
           opts.target.c_str(), opts.devices, workers.size());
  auto per_worker = connect_share(opts, workers.size());
  auto at = mono_ns() + 500'000'000; // every worker starts at the same time
  workers.broadcast("connect " + std::to_string(at) + " "
                    + std::to_string(per_worker) + " 120");
  auto answers = workers.gather("connected", 180);
  workers.broadcast("stats");
  auto stats = workers.gather("stats", 30);
  workers.broadcast("disconnect");
  workers.gather("disconnected", 60);

  histogram latency;
  std::size_t connected = 0;
  std::size_t failed = 0;
  auto first = std::numeric_limits<std::int64_t>::max();
  std::int64_t last = 0;
  result res;
  for (const auto& a : answers) {
    connected += a.at("connected").get<std::size_t>();
    failed += a.at("failed").get<std::size_t>();
    first = std::min(first, a.at("started_ns").get<std::int64_t>());
    last = std::max(last, a.at("finished_ns").get<std::int64_t>());
    merge_json(latency, a.at("latency"));
    for (const auto& e : a.at("errors"))
      if (res.errors.size() < 8)
        res.errors.push_back(e.get<std::string>());
  }
  std::uint64_t lost = 0;
  for (const auto& s : stats)
    lost += s.at("lost").get<std::uint64_t>();
  auto elapsed = last > first ? static_cast<double>(last - first) / 1e9 : 0.0;
  res.add("connections_per_s", "connections/s",
          elapsed > 0 ? static_cast<double>(connected) / elapsed : 0.0);
  res.add("connected", "connections established",
          static_cast<double>(connected));
  res.add("errors", "connections failed", static_cast<double>(failed));
  res.add("elapsed_s", "first CONNECT to last CONNACK", elapsed, "s");
  res.add("connect_p50_ms", "CONNECT→CONNACK p50",
          static_cast<double>(latency.percentile(0.50)) / 1000.0, "ms");
  res.add("connect_p99_ms", "CONNECT→CONNACK p99",
          static_cast<double>(latency.percentile(0.99)) / 1000.0, "ms");
  res.add("connect_max_ms", "CONNECT→CONNACK max",
          static_cast<double>(latency.max()) / 1000.0, "ms");
  res.add("connections_lost", "connections lost before close",
          static_cast<double>(lost));
  res.add("generator_processes", "generator processes",
          static_cast<double>(workers.size()));
  return res;
}

} // namespace pando::bench
