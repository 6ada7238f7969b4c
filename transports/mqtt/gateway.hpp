#pragma once

// The MQTT gateway: CAF io brokers that accept device connections (plain
// TCP and TLS), run one `mqtt::session` per connection, and bridge it to the
// device's actor through the router. Started by the node; stopped with it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "transports/tls/listener.hpp"

#include "transports/mqtt/session_types.hpp"

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace pando::metrics {
class registry;
} // namespace pando::metrics

namespace pando::mqtt {

/// How the gateway listens and limits its sessions.
struct gateway_settings {
  std::string host;
  std::uint16_t port = 0;
  using tls_listener = tls::listener_settings;
  std::optional<tls_listener> tls;
  session_settings session;
  /// Unsent bytes per connection before a slow reader is disconnected.
  std::size_t max_outbound_bytes = 1024 * 1024;
  /// Name of this node (recorded by device actors as the session's node).
  std::string node_name;
  /// How long to wait for a device actor's answer.
  std::chrono::milliseconds request_timeout{10000};
};

/// The running gateway (its acceptors).
class gateway {
 public:
  ~gateway();

  /// Binds the listeners and starts accepting. Returns a message naming the
  /// failing setting (`mqtt.listen`, `mqtt.tls_listen`) on failure.
  static std::optional<std::string>
  start(caf::actor_system& sys, const gateway_settings& settings,
        const caf::actor& router, const caf::actor& registry,
        metrics::registry& metrics, std::unique_ptr<gateway>& out);

  /// Stops accepting and closes every connection.
  void stop();

  /// Returns the bound plain-TCP port.
  std::uint16_t port() const noexcept { return port_; }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::uint16_t port_ = 0;
};

} // namespace pando::mqtt
