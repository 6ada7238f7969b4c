#pragma once

#include "transports/mqtt/codec/packet.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

/// Plain value types exchanged between `pando::mqtt::session`, its callee and
/// its owner: settings, states, close reasons, messages and the state that a
/// persistent session (clean session 0) carries from one connection to the
/// next.
namespace pando::mqtt {

// -- settings -----------------------------------------------------------------

/// Limits of one server-side MQTT session. The defaults suit pando devices
/// (keep-alive 30 s, payloads of a few hundred bytes).
struct session_settings {
  /// Time from the session's creation until CONNECT must be accepted. Without
  /// CONNECT the session closes with `connect_timeout`; if the authenticator
  /// has not answered by then, with CONNACK 3 and `auth_timeout` (spec S9).
  std::chrono::milliseconds connect_timeout = std::chrono::seconds{10};

  /// Upper bound of the keep-alive the server enforces; 0 disables the cap.
  /// When non-zero it replaces a larger client keep-alive and a client
  /// keep-alive of 0, so idle sockets are always reaped (spec B22).
  std::chrono::seconds max_keepalive = std::chrono::seconds{3600};

  /// Largest remaining length of a received packet; larger packets close the
  /// session before their body is buffered (spec S9). Also bounds the bytes
  /// buffered while CONNECT is being authenticated.
  std::size_t max_packet_size = 256 * 1024;

  /// Outbound QoS 1 messages sent but not yet acknowledged (1 to 65535).
  std::size_t max_inflight = 16;

  /// Outbound messages waiting for a free in-flight slot or for CONNACK;
  /// further messages are dropped and reported through the callee.
  std::size_t max_queued = 256;

  /// Inbound QoS 1 and 2 messages forwarded but not yet confirmed by
  /// `session::on_publish_done`; one more closes the session.
  std::size_t max_inbound_pending = 32;

  /// Topic filters one session may hold; further filters get SUBACK 0x80.
  std::size_t max_subscriptions = 64;
};

// -- states and close reasons -------------------------------------------------

/// Lifecycle of a session; it only moves forward.
enum class session_state : std::uint8_t {
  /// Created; no CONNECT yet. Only CONNECT is accepted.
  awaiting_connect,
  /// CONNECT received; waiting for `session::on_auth_result`. Later bytes are
  /// buffered, not processed.
  authenticating,
  /// CONNACK 0 sent; all client packets are processed.
  connected,
  /// Closed; the callee received `close` and gets no further calls.
  closed,
};

/// Returns the enumerator name of `state`.
const char* to_string(session_state state);

/// Why a session closed; a metrics label, hence stable names. Values start
/// at 1 so that the enum can later back a `caf::error` (0 means "no error").
enum class close_reason : std::uint8_t {
  /// The client sent DISCONNECT (the will is discarded).
  client_disconnect = 1,
  /// The owner reported that the peer closed the socket.
  connection_lost,
  /// No CONNECT within `session_settings::connect_timeout`.
  connect_timeout,
  /// The authenticator did not answer in time; CONNACK 3 was sent.
  auth_timeout,
  /// Nothing received for 1.5 times the keep-alive.
  keepalive_timeout,
  /// A well-formed packet not allowed here: anything before CONNECT, a second
  /// CONNECT, a server-to-client packet, PUBREL before PUBREC.
  protocol_error,
  /// The decoder rejected the input (any `errc` but the two below).
  malformed_packet,
  /// A packet exceeded `session_settings::max_packet_size`.
  packet_too_large,
  /// Too many bytes arrived while CONNECT was being authenticated.
  buffer_overflow,
  /// CONNECT named an unsupported protocol level; CONNACK 1 was sent.
  unacceptable_protocol_version,
  /// CONNACK 2 was sent (empty client id with clean session 0, or the
  /// authenticator rejected the client id).
  identifier_rejected,
  /// The authenticator answered CONNACK 3.
  server_unavailable,
  /// The authenticator answered CONNACK 4.
  bad_username_or_password,
  /// The authenticator answered CONNACK 5.
  not_authorized,
  /// `session::on_publish_done` reported that a message was not stored.
  publish_failed,
  /// More than `session_settings::max_inbound_pending` unconfirmed messages.
  inbound_limit,
  /// The owner closed the session because the client connected again.
  taken_over,
  /// The owner closed the session because the server stops.
  server_shutdown,
};

/// Returns the enumerator name of `reason`.
const char* to_string(close_reason reason);

// -- messages -----------------------------------------------------------------

/// An application message from the client: a PUBLISH or the will.
struct inbound_message {
  std::string topic;
  bytes payload;
  mqtt::qos qos = qos::at_most_once;
  bool retain = false;
  bool operator==(const inbound_message&) const = default;
};

/// An application message for the client, handed to `session::deliver`.
struct outbound_message {
  std::string topic;
  bytes payload;
  /// Requested QoS; the session sends min(qos, 1) since pando never sends
  /// QoS 2.
  mqtt::qos qos = qos::at_least_once;
  /// Owner-chosen token reported back by `delivered` or `dropped`.
  std::uint64_t delivery_tag = 0;
  bool operator==(const outbound_message&) const = default;
};

/// An outbound QoS 1 message sent under `packet_id` and not yet PUBACKed.
struct inflight_message {
  std::uint16_t packet_id = 0;
  outbound_message message;
  bool operator==(const inflight_message&) const = default;
};

/// Session state kept between connections of a clean-session-0 client
/// (MQTT 3.1.1 section 3.1.2.4).
struct persistent_state {
  /// Sent and unacknowledged, in send order; resent with DUP=1 on resume.
  std::vector<inflight_message> inflight;
  /// Not yet sent, in order; sent after `inflight` on resume.
  std::vector<outbound_message> queued;
  /// Inbound QoS 2 packet ids forwarded but not yet released by PUBREL; a
  /// PUBLISH with one of them is not forwarded again.
  std::vector<std::uint16_t> inbound_qos2_ids;
  /// Granted subscriptions (`max_qos` is the granted QoS).
  std::vector<subscription> subscriptions;
  /// Where the search for the next free outbound packet id starts (1-65535).
  std::uint16_t next_packet_id = 1;
  bool operator==(const persistent_state&) const = default;
};

/// What the authenticator sees of a CONNECT.
struct connect_request {
  /// 4 for MQTT 3.1.1, 3 for MQTT 3.1.
  std::uint8_t protocol_level = protocol_level_v311;
  std::string client_id;
  std::optional<std::string> username;
  std::optional<bytes> password;
  bool clean_session = true;
  /// The keep-alive the server enforces, after `max_keepalive`; 0 = none.
  std::chrono::seconds keep_alive{0};
  std::optional<inbound_message> will;
  bool operator==(const connect_request&) const = default;
};

/// The authenticator's answer to a `connect_request`.
struct auth_result {
  /// `accepted` or the CONNACK return code to reject with.
  connect_return_code code = connect_return_code::accepted;
  /// The stored session of this client, if any. Resumed only when accepted
  /// with clean session 0; otherwise discarded (its tags are reported as
  /// dropped).
  std::optional<persistent_state> resume;
};

/// Event counts of one session, for metrics.
struct session_counters {
  std::uint64_t packets_received = 0;
  std::uint64_t packets_sent = 0;
  /// PUBLISH packets received, duplicates included.
  std::uint64_t publishes_received = 0;
  /// PUBLISH packets sent, resends included.
  std::uint64_t publishes_sent = 0;
  /// Inbound QoS 1/2 PUBLISH packets not forwarded again (same id pending).
  std::uint64_t duplicates_suppressed = 0;
  /// In-flight messages resent with DUP=1 on resume.
  std::uint64_t redeliveries = 0;
  /// Outbound messages reported through `session_callee::dropped`.
  std::uint64_t dropped = 0;
  bool operator==(const session_counters&) const = default;
};

} // namespace pando::mqtt
