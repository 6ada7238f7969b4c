#include "tools/pando-bench/scenarios.hpp"
#include "tools/pando-bench/targets.hpp"
#include "tools/pando-bench/worker.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace pando::bench {

namespace {

constexpr std::int64_t ns_per_s = 1'000'000'000;

std::int64_t to_ns(double seconds) {
  return static_cast<std::int64_t>(seconds * 1e9);
}

/// Prints the summed progress of all workers, once a second.
class progress_printer {
 public:
  progress_printer(const options& opts, std::int64_t start, std::int64_t warm)
      : opts_(opts), start_(start), warm_(warm), last_(start) {}

  void operator()(const std::vector<nlohmann::json>& latest) {
    for (const auto& p : latest)
      if (p.empty())
        return; // wait until every worker has reported once
    std::uint64_t acked = 0;
    std::int64_t in_flight = 0;
    std::uint64_t connected = 0;
    std::uint64_t errors = 0;
    std::uint64_t lost = 0;
    for (const auto& p : latest) {
      acked += p.value("acked", std::uint64_t{0});
      in_flight += p.value("in_flight", std::int64_t{0});
      connected += p.value("connected", std::uint64_t{0});
      errors += p.value("publish_errors", std::uint64_t{0});
      lost += p.value("lost", std::uint64_t{0});
    }
    auto now = mono_ns();
    auto dt = static_cast<double>(now - last_) / 1e9;
    progress(opts_,
             "  ingest %s %s %5.1f s: %8.0f acks/s, %lld in flight, %llu "
             "connected, %llu errors, %llu lost",
             opts_.target.c_str(), now < warm_ ? "warm-up" : "measure",
             static_cast<double>(now - start_) / 1e9,
             dt > 0 ? static_cast<double>(acked - last_acked_) / dt : 0.0,
             static_cast<long long>(in_flight),
             static_cast<unsigned long long>(connected),
             static_cast<unsigned long long>(errors),
             static_cast<unsigned long long>(lost));
    last_ = now;
    last_acked_ = acked;
  }

 private:
  const options& opts_;
  std::int64_t start_;
  std::int64_t warm_;
  std::int64_t last_;
  std::uint64_t last_acked_ = 0;
};

} // namespace

result run_ingest(const options& opts) {
  auto setup_start = mono_ns();
  worker_set workers{prepare_endpoints(opts, opts.devices), opts.processes,
                     opts.keepalive_s};
  auto per_worker = connect_share(opts, workers.size());
  workers.broadcast("connect 0 " + std::to_string(per_worker) + " 60");
  std::size_t connected = 0;
  std::size_t failed = 0;
  std::vector<std::string> errors;
  for (const auto& c : workers.gather("connected", 120)) {
    connected += c.at("connected").get<std::size_t>();
    failed += c.at("failed").get<std::size_t>();
    for (const auto& e : c.at("errors"))
      if (errors.size() < 8)
        errors.push_back(e.get<std::string>());
  }
  progress(opts, "  connected %zu/%zu clients from %zu processes", connected,
           opts.devices, workers.size());
  if (connected == 0)
    throw std::runtime_error("no client connected"
                             + (errors.empty() ? "" : ": " + errors.front()));
  auto setup_s = static_cast<double>(mono_ns() - setup_start) / 1e9;

  auto start = mono_ns() + ns_per_s / 5;
  auto warm = start + to_ns(opts.warmup_s);
  auto end = warm + to_ns(opts.duration_s);
  workers.broadcast("publish " + std::to_string(start) + " "
                    + std::to_string(warm) + " " + std::to_string(end) + " "
                    + std::to_string(opts.window) + " "
                    + std::to_string(opts.target_pid));
  progress_printer printer{opts, start, warm};
  auto answers = workers.gather(
    "published", opts.warmup_s + opts.duration_s + 60, std::ref(printer));
  workers.broadcast("disconnect");
  workers.gather("disconnected", 60);

  histogram latency;
  double rate = 0;
  double measured = 0;
  std::uint64_t acked = 0;
  std::uint64_t publish_errors = 0;
  std::uint64_t lost = 0;
  std::uint64_t unacked = 0;
  double generator_cpu = 0;
  double target_cpu = 0;
  double machine_busy = 0;
  double machine_total = 0;
  for (const auto& a : answers) {
    auto n = a.at("acked").get<std::uint64_t>();
    auto s = a.at("measured_s").get<double>();
    acked += n;
    rate += s > 0 ? static_cast<double>(n) / s : 0.0;
    measured = std::max(measured, s);
    merge_json(latency, a.at("latency"));
    publish_errors += a.at("publish_errors").get<std::uint64_t>();
    lost += a.at("lost").get<std::uint64_t>();
    unacked += a.at("unacked").get<std::uint64_t>();
    generator_cpu += a.at("cpu_s").get<double>();
    target_cpu = std::max(target_cpu, a.at("target_cpu_s").get<double>());
    if (machine_total == 0) {
      machine_busy = a.at("machine_busy_s").get<double>();
      machine_total = a.at("machine_total_s").get<double>();
    }
    for (const auto& e : a.at("errors"))
      if (errors.size() < 8)
        errors.push_back(e.get<std::string>());
  }
  result res;
  res.add("acked_per_s", "acked msgs/s", rate);
  res.add("acked", "PUBACKs in the measured window",
          static_cast<double>(acked));
  res.add("measured_s", "measured window", measured, "s");
  res.add("latency_p50_ms", "publish→PUBACK p50",
          static_cast<double>(latency.percentile(0.50)) / 1000.0, "ms");
  res.add("latency_p99_ms", "publish→PUBACK p99",
          static_cast<double>(latency.percentile(0.99)) / 1000.0, "ms");
  res.add("latency_max_ms", "publish→PUBACK max",
          static_cast<double>(latency.max()) / 1000.0, "ms");
  res.add("latency_mean_ms", "publish→PUBACK mean", latency.mean() / 1000.0,
          "ms");
  res.add("connected", "clients connected", static_cast<double>(connected));
  res.add("connect_failures", "connect failures", static_cast<double>(failed));
  res.add("publish_errors", "publish errors",
          static_cast<double>(publish_errors));
  res.add("connections_lost", "connections lost", static_cast<double>(lost));
  res.add("unacked_at_stop", "publishes unacknowledged 10 s after stop",
          static_cast<double>(unacked));
  res.add("generator_processes", "generator processes",
          static_cast<double>(workers.size()));
  res.add("generator_cpu_pct", "generator CPU while measuring",
          measured > 0 ? 100.0 * generator_cpu / measured : 0.0, "%");
  if (opts.target_pid != 0)
    res.add("target_cpu_pct", "target CPU while measuring",
            measured > 0 ? 100.0 * target_cpu / measured : 0.0, "%");
  // All CPU figures are in % of one core, like top; the machine has
  // nproc * 100 %.
  auto cores = static_cast<double>(std::thread::hardware_concurrency());
  auto machine_pct
    = machine_total > 0 ? 100.0 * cores * machine_busy / machine_total : 0.0;
  res.add("machine_cpu_pct", "machine CPU busy while measuring (all cores)",
          machine_pct, "%");
  res.add("machine_cpu_capacity_pct", "machine CPU capacity", 100.0 * cores,
          "%");
  res.add("setup_s", "setup (enroll + connect)", setup_s, "s");
  res.errors = std::move(errors);
  return res;
}

} // namespace pando::bench
