#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "tools/pando-sim/enroller.hpp"
#include "tools/pando-sim/events.hpp"
#include "tools/pando-sim/mqtt_link.hpp"
#include "tools/pando-sim/payloads.hpp"
#include "tools/pando-sim/report.hpp"
#include "tools/pando-sim/settings.hpp"

namespace pando::sim {

/// What every device of a fleet shares; owned by the fleet.
struct device_env {
  /// The command line.
  const sim_settings& cfg;
  /// Builds and classifies payloads.
  const payload_scheme& scheme;
  /// The fleet's counters.
  sim_stats& stats;
  /// Message, error and progress output.
  console& out;
  /// Where the devices' MQTT links report.
  event_queue& events;
  /// Registers and logs in devices.
  enroller& http;
  /// Phases and backoff jitter.
  std::mt19937_64& rng;
};

/// The life of one simulated device (spec 3.3 and 9.2).
///
/// ```
/// idle -> enrolling -> connecting -> online -> stopping -> stopped
///            ^   |          |          |
///            |   v          v          v
///            +-- waiting (backoff 1 s .. 30 s) <---+
/// ```
/// Enrolling registers (once) and logs in; connecting opens MQTT with the
/// token. A refused CONNACK 4/5 (token) leads back to a login, 2 (unknown
/// device) to a new registration, anything else to a reconnect; so does a
/// lost connection. Online, the device reports status and events on its
/// timers (first ones at a random point of the interval, so a fleet spreads
/// out), answers status queries with a status report, takes over a set
/// status of its switch and confirms it with a report, and prints every
/// message (Paho acknowledges QoS 1 itself). A device whose enrolment the
/// node rejects three times gives up.
///
/// Created by the fleet, driven only from the fleet thread (events and
/// `tick`), stopped with `stop()`; the fleet destroys it after `finished()`.
class device {
 public:
  // -- constructors -----------------------------------------------------------

  /// Device number `index` with device code `code`.
  device(device_env& env, std::size_t index, std::string code);

  device(const device&) = delete;
  device& operator=(const device&) = delete;

  // -- inputs -----------------------------------------------------------------

  /// Begins enrolling.
  void start();

  /// Sends what is due and retries what waited long enough.
  void tick(std::chrono::steady_clock::time_point now);

  /// Dispatches one event about this device.
  void handle(event& ev, std::chrono::steady_clock::time_point now);

  /// Stops periodic reports and events (the fleet is draining).
  void quiesce() noexcept { quiet_ = true; }

  /// Disconnects (if connected) and ends the device.
  void stop();

  // -- observers --------------------------------------------------------------

  /// Returns whether the device ended (stopped or gave up) or never began.
  bool finished() const noexcept;

  /// Returns whether the device gave up.
  bool gave_up() const noexcept { return state_ == state::gave_up; }

  /// Returns the publishes not yet acknowledged or failed.
  std::size_t in_flight() const noexcept { return in_flight_; }

 private:
  // -- member types -----------------------------------------------------------

  /// Where a device is in its life (see the diagram above).
  enum class state {
    idle,
    enrolling,
    connecting,
    online,
    waiting,
    stopping,
    stopped,
    gave_up,
  };

  /// What a `waiting` device does when its pause ends.
  enum class retry { enroll, connect };

  // -- event handlers ---------------------------------------------------------

  void on(enroll_done& ev, std::chrono::steady_clock::time_point now);
  void on(mqtt_connected& ev, std::chrono::steady_clock::time_point now);
  void on(mqtt_connect_failed& ev, std::chrono::steady_clock::time_point now);
  void on(mqtt_lost& ev, std::chrono::steady_clock::time_point now);
  void on(mqtt_message& ev, std::chrono::steady_clock::time_point now);
  void on(mqtt_delivered& ev, std::chrono::steady_clock::time_point now);
  void on(mqtt_subscribed& ev, std::chrono::steady_clock::time_point now);
  void on(mqtt_disconnected& ev, std::chrono::steady_clock::time_point now);

  // -- actions ----------------------------------------------------------------

  /// Queues registration (unless registered) and login.
  void enroll();

  /// Starts the MQTT connect with the current grant.
  void connect();

  /// Waits the current backoff (with jitter), then does `what`.
  void wait_then(retry what, std::chrono::steady_clock::time_point now);

  /// Books the end of a connection in the statistics (once).
  void went_down();

  /// Publishes `msg` and counts it as sent, or as failed.
  void publish(const outgoing& msg, int qos, publish_kind kind);

  /// Reports the switch; `toggle` flips it first (periodic reports).
  void send_status(bool toggle);

  /// Publishes the event.
  void send_event();

  /// Returns a random offset in [0, `interval_s`).
  std::chrono::steady_clock::duration phase(double interval_s);

  /// Returns the name used in printed lines: client id, else device code.
  std::string who() const;

  // -- member variables -------------------------------------------------------

  device_env& env_;
  std::size_t index_;
  std::string code_;
  state state_ = state::idle;
  std::optional<credentials> creds_;
  access_grant grant_;
  mqtt_link link_;
  std::string client_id_;
  bool registered_ = false;
  bool up_ = false;
  bool ever_up_ = false;
  bool quiet_ = false;
  std::uint8_t onoff_ = 0;
  std::size_t in_flight_ = 0;
  int rejections_ = 0;
  retry retry_ = retry::enroll;
  std::chrono::steady_clock::duration backoff_;
  std::chrono::steady_clock::time_point retry_at_;
  std::chrono::steady_clock::time_point next_status_;
  std::chrono::steady_clock::time_point next_event_;
};

} // namespace pando::sim
