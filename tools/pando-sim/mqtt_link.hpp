#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/pando-sim/events.hpp"
#include "tools/pando-sim/settings.hpp"

namespace pando::sim {

/// Where and as whom a device connects.
struct mqtt_target {
  /// Paho server URI: `tcp://host:port` or `ssl://host:port`.
  std::string uri;
  /// Client id (the device id in lowercase hex); also the user name.
  std::string client_id;
  /// The access token.
  std::string password;

  friend bool operator==(const mqtt_target&, const mqtt_target&) = default;
};

/// One device's MQTT 3.1.1 client on Paho's asynchronous C API.
///
/// Paho runs one send and one receive thread for all clients of the
/// process, so a thousand links need no thread each. Every Paho callback
/// becomes an event for device `dev` on the fleet's queue; the link itself
/// keeps no state beyond the Paho handle. Calls come from the fleet thread
/// only. Destroying the link destroys the handle (no more callbacks).
class mqtt_link {
 public:
  // -- constructors and destructors -------------------------------------------

  /// A link for device `dev` reporting to `events`; TLS options from `cfg`.
  mqtt_link(std::size_t dev, event_queue& events, const sim_settings& cfg);

  ~mqtt_link();

  mqtt_link(const mqtt_link&) = delete;
  mqtt_link& operator=(const mqtt_link&) = delete;

  // -- operations -------------------------------------------------------------

  /// Starts connecting (clean session, keepalive 30 s, user name = client
  /// id); the outcome arrives as `mqtt_connected` or `mqtt_connect_failed`.
  /// Returns a Paho error code (0 = started).
  int connect(const mqtt_target& target);

  /// Starts a publish; its outcome arrives as `mqtt_delivered`. Returns a
  /// Paho error code (0 = handed to Paho).
  int publish(const std::string& topic, const std::vector<std::uint8_t>& bytes,
              int qos, publish_kind kind);

  /// Starts a SUBSCRIBE; its outcome arrives as `mqtt_subscribed`.
  int subscribe(const std::string& filter, int qos);

  /// Sends DISCONNECT after waiting up to `timeout_ms` for in-flight
  /// publishes; `mqtt_disconnected` follows. Returns a Paho error code.
  int disconnect(int timeout_ms);

  /// The context Paho hands back with a publish outcome.
  struct publish_context {
    mqtt_link* self;
    publish_kind kind;
  };

  /// The device this link belongs to.
  std::size_t dev() const noexcept { return dev_; }

  /// Where callbacks report.
  event_queue& events() noexcept { return events_; }

 private:
  /// Creates the Paho handle for `target` (again if the address changed).
  int ensure_handle(const mqtt_target& target);

  std::size_t dev_;
  event_queue& events_;
  const sim_settings& cfg_;
  void* handle_ = nullptr;
  mqtt_target target_;
  std::array<publish_context, 3> contexts_;
};

/// Returns Paho's text for error code `code` (or the CONNACK meaning of
/// 1..5).
std::string describe_paho_code(int code);

} // namespace pando::sim
