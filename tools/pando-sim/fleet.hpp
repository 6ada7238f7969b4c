#pragma once

#include <chrono>
#include <memory>
#include <random>
#include <vector>

#include "tools/pando-sim/device.hpp"
#include "tools/pando-sim/enroller.hpp"
#include "tools/pando-sim/events.hpp"
#include "tools/pando-sim/payloads.hpp"
#include "tools/pando-sim/report.hpp"
#include "tools/pando-sim/settings.hpp"

namespace pando::sim {

/// Exit status: every device connected and every publish succeeded.
inline constexpr int exit_ok = 0;
/// Exit status: a device never connected or a publish failed.
inline constexpr int exit_failed = 1;
/// Exit status: bad command line.
inline constexpr int exit_usage = 2;

/// All simulated devices of one pando-sim run.
///
/// The fleet thread (the caller of `run`) owns every device and drives their
/// state machines: it starts `--connect-rate` devices per second, hands each
/// device the events Paho and the HTTP workers queue for it, ticks their
/// timers every 10 ms and refreshes the progress line. The run ends after
/// `--duration`, on SIGINT/SIGTERM (a second one exits at once) or when
/// every device gave up. Then reports stop, in-flight publishes get up to
/// 5 s to be acknowledged, every device disconnects (up to 5 s more) and the
/// summary is printed.
class fleet {
 public:
  explicit fleet(const sim_settings& cfg);

  ~fleet();

  fleet(const fleet&) = delete;
  fleet& operator=(const fleet&) = delete;

  /// Runs the fleet; returns `exit_ok` or `exit_failed`.
  int run();

 private:
  using clock_type = std::chrono::steady_clock;

  /// Starts the devices whose turn has come.
  void start_due(clock_type::time_point now);

  /// Handles queued events until `deadline` (at most one tick period), ticks
  /// the devices and refreshes the progress line.
  void pump(clock_type::time_point deadline);

  /// Drains, disconnects and ends every device.
  void shut_down();

  std::size_t in_flight() const;

  bool all_finished() const;

  const sim_settings& cfg_;
  sim_stats stats_;
  console out_;
  event_queue events_;
  std::mt19937_64 rng_;
  std::unique_ptr<payload_scheme> scheme_;
  std::unique_ptr<enroller> http_;
  std::unique_ptr<device_env> env_;
  std::vector<std::unique_ptr<device>> devices_;
  std::size_t started_ = 0;
  clock_type::time_point t0_;
  clock_type::time_point last_tick_;
  std::vector<event> batch_;
};

} // namespace pando::sim
