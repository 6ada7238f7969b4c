#pragma once

#include "tools/pando-bench/histogram.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pando::bench {

/// Nanoseconds on the system-wide monotonic clock; comparable between the
/// processes of one machine.
std::int64_t mono_ns() noexcept;

/// Where and how one MQTT client connects.
struct endpoint {
  /// Paho server URI, e.g. `tcp://127.0.0.1:1883`.
  std::string uri;
  /// MQTT client identifier.
  std::string client_id;
  /// User name; empty: none.
  std::string username;
  /// Password; empty: none.
  std::string password;
};

/// Outcome of `client_pool::connect_all`.
struct connect_outcome {
  /// Clients that received a successful CONNACK.
  std::size_t connected = 0;
  /// Clients refused, failed or timed out.
  std::size_t failed = 0;
  /// Seconds from the first CONNECT to the last answer.
  double elapsed_s = 0;
  /// When the first CONNECT went out (`mono_ns` clock).
  std::int64_t started_ns = 0;
  /// When the last answer came in (`mono_ns` clock).
  std::int64_t finished_ns = 0;
  /// The first few failure descriptions.
  std::vector<std::string> errors;
};

/// A snapshot of a pool's counters.
struct pool_stats {
  /// Connections currently up.
  std::uint64_t connected = 0;
  /// Publishes handed to the client library.
  std::uint64_t sent = 0;
  /// PUBACKs received.
  std::uint64_t acked = 0;
  /// Publishes refused by the library or failed by it.
  std::uint64_t publish_errors = 0;
  /// Connections the broker closed or lost.
  std::uint64_t connections_lost = 0;
  /// Publishes sent and not yet acknowledged or failed.
  std::int64_t in_flight = 0;
};

/// N MQTT 3.1.1 clients on Paho's asynchronous API in this process.
///
/// Paho runs its own send and receive threads; callbacks keep each
/// connection's in-flight window full by publishing again on every PUBACK.
class client_pool {
 public:
  /// Creates one (unconnected) client per endpoint.
  client_pool(std::vector<endpoint> endpoints, int keepalive_s);

  /// Destroys every client (disconnect first for a clean close).
  ~client_pool();

  client_pool(const client_pool&) = delete;
  client_pool& operator=(const client_pool&) = delete;

  /// Connects every client with clean session, at most `concurrency`
  /// (0 = all) CONNECTs outstanding; waits at most `timeout_s` seconds.
  /// Records each CONNECT→CONNACK time into `latency` if not null.
  connect_outcome connect_all(std::size_t concurrency, double timeout_s,
                              histogram* latency);

  /// Starts publishing `payload` on `topic` at QoS 1 from every connected
  /// client, keeping `window` publishes unacknowledged per client.
  void start_publishing(std::string topic, std::vector<std::uint8_t> payload,
                        std::size_t window);

  /// Publish→PUBACK latencies are recorded only while this is on.
  void set_recording(bool on) noexcept;

  /// The publish→PUBACK latencies recorded so far.
  const histogram& publish_latency() const noexcept;

  /// Stops publishing and waits at most `timeout_s` seconds for the
  /// outstanding PUBACKs.
  void stop_publishing(double timeout_s);

  /// Sends DISCONNECT on every connected client; waits at most `timeout_s`.
  void disconnect_all(double timeout_s);

  /// Current counters.
  pool_stats stats() const noexcept;

  /// The first few publish or connection errors seen.
  std::vector<std::string> errors() const;

  /// Number of clients.
  std::size_t size() const noexcept;

  struct state;

 private:
  std::unique_ptr<state> st_;
};

} // namespace pando::bench
