#pragma once

#include "tools/pando-bench/client_pool.hpp"
#include "tools/pando-bench/histogram.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace pando::bench {

/// Generator processes, each owning a `client_pool` for a slice of the
/// endpoints (Paho's client library is one set of threads per process).
///
/// The parent sends one-line commands and reads one JSON object per line
/// back; all times are `mono_ns()` values:
/// - `connect T CONCURRENCY TIMEOUT_S`: connect at T; answers `connected`.
/// - `publish START WARM END WINDOW`: publish from START, measure from WARM
///   to END; sends `progress` every second, then answers `published`.
/// - `stats`: answers `stats` (connected, lost).
/// - `disconnect`: answers `disconnected` and exits.
/// A failing worker answers `error` with a `message`.
class worker_set {
 public:
  /// Forks `processes` workers (at most one per endpoint) and deals the
  /// endpoints out round-robin. Call only while this process runs no other
  /// threads.
  worker_set(std::vector<endpoint> endpoints, std::size_t processes,
             int keepalive_s);

  /// Closes the pipes and reaps the workers (killing them after 30 s).
  ~worker_set();

  worker_set(const worker_set&) = delete;
  worker_set& operator=(const worker_set&) = delete;

  /// Sends `command` to every worker.
  void broadcast(const std::string& command);

  /// Waits until every worker has answered with a message of `type`;
  /// `progress` messages go to `on_progress` (latest one of every worker).
  /// Throws on an `error` message, a worker exit or after `timeout_s`.
  std::vector<nlohmann::json> gather(
    const std::string& type, double timeout_s,
    const std::function<void(const std::vector<nlohmann::json>&)>& on_progress
    = {});

  /// Number of workers.
  std::size_t size() const noexcept { return workers_.size(); }

 private:
  struct worker {
    pid_t pid = -1;
    int to_child = -1;
    int from_child = -1;
    std::string buffer;
  };
  std::vector<worker> workers_;
};

/// Serializes a histogram snapshot for the parent.
nlohmann::json to_json(const histogram::snapshot& x);

/// Adds a serialized snapshot to `h`.
void merge_json(histogram& h, const nlohmann::json& j);

} // namespace pando::bench
