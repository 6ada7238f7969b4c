#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "tools/pando-sim/http_api.hpp"

namespace pando::sim {

/// What a device published; tells acknowledgements apart.
enum class publish_kind : std::uint8_t {
  /// A status report (periodic or answering a status query).
  status,
  /// An event.
  event,
  /// Any other answer, e.g. a JSON command result.
  reply,
};

// -- events: everything that happens to a device off the fleet thread --------

/// An enrolment (registration if needed, then login) ended.
struct enroll_done {
  std::size_t dev = 0;
  api_outcome outcome = api_outcome::unreachable;
  /// The credentials in use (new ones if the device registered).
  credentials creds;
  /// The login's grant; valid for `ok`.
  access_grant grant;
  /// Whether this enrolment registered the device.
  bool registered = false;
  /// Why it failed, for anything but `ok`.
  std::string message;
};

/// CONNACK 0 arrived.
struct mqtt_connected {
  std::size_t dev = 0;
};

/// The connect failed: CONNACK return code (1..5) or a negative Paho code.
struct mqtt_connect_failed {
  std::size_t dev = 0;
  int code = 0;
  std::string message;
};

/// An established connection broke.
struct mqtt_lost {
  std::size_t dev = 0;
  std::string cause;
};

/// A PUBLISH from the node.
struct mqtt_message {
  std::size_t dev = 0;
  std::string topic;
  std::vector<std::uint8_t> payload;
};

/// A publish completed (PUBACK for QoS 1, written for QoS 0) or failed.
struct mqtt_delivered {
  std::size_t dev = 0;
  publish_kind kind = publish_kind::status;
  bool ok = true;
  int code = 0;
};

/// A SUBSCRIBE was answered (JSON scheme only).
struct mqtt_subscribed {
  std::size_t dev = 0;
  bool ok = true;
  int code = 0;
};

/// Our DISCONNECT completed (or failed; the connection is gone either way).
struct mqtt_disconnected {
  std::size_t dev = 0;
};

/// Anything that happened to device `dev`.
using event = std::variant<enroll_done, mqtt_connected, mqtt_connect_failed,
                           mqtt_lost, mqtt_message, mqtt_delivered,
                           mqtt_subscribed, mqtt_disconnected>;

/// Returns the index of the device an event is about.
inline std::size_t device_of(const event& x) {
  return std::visit([](const auto& e) { return e.dev; }, x);
}

/// A multi-producer queue of events drained by the fleet thread.
///
/// Paho's threads and the HTTP workers push; the fleet thread takes all
/// pending events at once, so every device's state machine runs on one
/// thread and needs no locks.
class event_queue {
 public:
  /// Appends `x` and wakes the fleet thread.
  void push(event x) {
    {
      std::lock_guard guard{mtx_};
      items_.push_back(std::move(x));
    }
    cv_.notify_one();
  }

  /// Moves all pending events into `out`, waiting until `deadline` for the
  /// first one.
  void take_all(std::chrono::steady_clock::time_point deadline,
                std::vector<event>& out) {
    std::unique_lock guard{mtx_};
    cv_.wait_until(guard, deadline, [this] { return !items_.empty(); });
    out.insert(out.end(), std::make_move_iterator(items_.begin()),
               std::make_move_iterator(items_.end()));
    items_.clear();
  }

 private:
  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<event> items_;
};

} // namespace pando::sim
