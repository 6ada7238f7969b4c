#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tools/pando-sim/events.hpp"
#include "tools/pando-sim/http_api.hpp"
#include "tools/pando-sim/settings.hpp"

namespace pando::sim {

/// A request to enrol one device: register (unless `creds` is set), then
/// log in.
struct enroll_job {
  std::size_t dev = 0;
  /// The device code to register with.
  std::string code;
  /// Credentials from an earlier registration, if any.
  std::optional<credentials> creds;
};

/// A few worker threads doing the blocking HTTP part of bringing devices up.
///
/// Each worker owns one keep-alive `http_api`, hung up whenever the queue
/// runs empty; results come back as
/// `enroll_done` events. A login that answers "unknown device" or "wrong
/// secret" for stored credentials registers the device again once (spec
/// 3.3). Constructed and stopped by the fleet.
class enroller {
 public:
  /// Starts `workers` threads reporting to `events`.
  enroller(const sim_settings& cfg, event_queue& events, std::size_t workers);

  /// Stops and joins the workers.
  ~enroller();

  enroller(const enroller&) = delete;
  enroller& operator=(const enroller&) = delete;

  /// Queues `job`.
  void submit(enroll_job job);

  /// Drops queued jobs, interrupts retries and joins the workers.
  void stop();

 private:
  void work();

  enroll_done run(http_api& api, enroll_job job);

  const sim_settings& cfg_;
  event_queue& events_;
  std::atomic<bool> stop_{false};
  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<enroll_job> jobs_;
  std::vector<std::thread> workers_;
};

} // namespace pando::sim
