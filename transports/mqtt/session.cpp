#include "transports/mqtt/session.hpp"

#include "transports/mqtt/codec/decoder.hpp"
#include "transports/mqtt/codec/encoder.hpp"

#include <algorithm>
#include <utility>

// The session is a state machine over four states (see `session_state`).
// This file holds its spine: the receive loop, the one dispatch point that
// maps packets to handlers, the deadlines and the single exit `shutdown`.
// Handlers live in one file per concern: session_connect.cpp (CONNECT,
// authentication, resume), session_inbound.cpp (client PUBLISH and the QoS
// 1/2 handshakes), session_outbound.cpp (`deliver`, in-flight window, packet
// ids, persistent state) and session_subscribe.cpp.
//
// Invariants:
// - Nothing but CONNECT is decoded before CONNACK 0 (spec S3). While the
//   authenticator works, received bytes stay in `buffer_`, bounded by one
//   maximum-size packet (spec S9), and are decoded after acceptance.
// - `shutdown` is the only way to `closed`; it calls `callee_.close` exactly
//   once, as the last callee call, after the will and the dropped tags.
// - Every acknowledgement is sent only after the owner confirmed the message
//   (`on_publish_done`), and in arrival order [MQTT-4.6.0-2,3].
// - The session never keeps an iterator or reference into its containers
//   across a callee call, and `process_buffer` does not re-enter itself, so
//   `authenticate` and `publish` may answer synchronously.
//
// Prior art: CAF 0.17 `io::basp::instance` (state machine + callee),
// Mosquitto `read_handle.c` (dispatch) and `keepalive` (time passed in).

namespace pando::mqtt {

namespace {

/// Largest fixed header: the type byte and four remaining-length bytes.
constexpr std::size_t max_fixed_header_size = 5;

/// Returns `settings` with every limit in its valid range.
session_settings clamp(session_settings settings) {
  settings.max_inflight
    = std::clamp<std::size_t>(settings.max_inflight, 1, 65535);
  settings.max_packet_size
    = std::min(settings.max_packet_size, max_remaining_length);
  return settings;
}

/// Returns the close reason for a decoder error.
close_reason close_reason_of(errc code) {
  return code == errc::packet_too_large ? close_reason::packet_too_large
                                        : close_reason::malformed_packet;
}

} // namespace

session_callee::~session_callee() = default;

// -- constructors -------------------------------------------------------------

session::session(session_callee& callee, session_settings settings,
                 std::chrono::milliseconds now)
    : callee_(callee), settings_(clamp(settings)),
      connect_deadline_(now + settings_.connect_timeout) {}

// -- input from the owner -----------------------------------------------------

session_state session::on_bytes(std::span<const std::uint8_t> bytes,
                                std::chrono::milliseconds now) {
  if (state_ == session_state::closed)
    return state_;
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  process_buffer(now);
  return state_;
}

session_state session::on_tick(std::chrono::milliseconds now) {
  switch (state_) {
    case session_state::awaiting_connect:
      if (now > connect_deadline_)
        shutdown(close_reason::connect_timeout, false);
      break;
    case session_state::authenticating:
      if (now > connect_deadline_) {
        send(connack{false, connect_return_code::server_unavailable});
        shutdown(close_reason::auth_timeout, false);
      }
      break;
    case session_state::connected: {
      auto limit = std::chrono::milliseconds{request_.keep_alive} * 3 / 2;
      if (limit.count() > 0 && now - last_packet_ > limit)
        shutdown(close_reason::keepalive_timeout, true);
      break;
    }
    case session_state::closed: break;
  }
  return state_;
}

void session::on_connection_lost() {
  shutdown(close_reason::connection_lost, true);
}

void session::close(close_reason reason) { shutdown(reason, false); }

// -- receiving ----------------------------------------------------------------

void session::process_buffer(std::chrono::milliseconds now) {
  if (processing_)
    return; // The outer call picks up where this state change leaves off.
  processing_ = true;
  while (process_one(now)) {
    // nop
  }
  buffer_.erase(buffer_.begin(),
                buffer_.begin() + static_cast<std::ptrdiff_t>(offset_));
  offset_ = 0;
  processing_ = false;
  auto limit = settings_.max_packet_size + max_fixed_header_size;
  if (state_ == session_state::authenticating && buffer_.size() > limit)
    shutdown(close_reason::buffer_overflow, false);
}

/// Decodes and dispatches the next packet; returns whether to continue.
bool session::process_one(std::chrono::milliseconds now) {
  if (state_ != session_state::awaiting_connect
      && state_ != session_state::connected)
    return false;
  auto input = std::span<const std::uint8_t>{buffer_}.subspan(offset_);
  auto result = decode(input, settings_.max_packet_size);
  if (auto* err = std::get_if<errc>(&result)) {
    on_decode_error(*err);
    return false;
  }
  auto* ok = std::get_if<decoded>(&result);
  if (ok == nullptr)
    return false; // need_more
  offset_ += ok->consumed;
  ++counters_.packets_received;
  dispatch(std::move(ok->packet), now);
  return true;
}

void session::on_decode_error(errc code) {
  if (code == errc::bad_protocol_level
      && state_ == session_state::awaiting_connect) {
    // [MQTT-3.1.2-2]: answer CONNACK 0x01, then close.
    send(connack{false, connect_return_code::unacceptable_protocol_version});
    shutdown(close_reason::unacceptable_protocol_version, false);
    return;
  }
  shutdown(close_reason_of(code), true);
}

void session::dispatch(packet&& pkt, std::chrono::milliseconds now) {
  if (state_ == session_state::awaiting_connect) {
    if (auto* request = std::get_if<connect>(&pkt))
      handle_connect(std::move(*request), now);
    else
      shutdown(close_reason::protocol_error, false); // Spec S3.
    return;
  }
  last_packet_ = now;
  dispatch_connected(std::move(pkt));
}

/// The one place that maps a client packet to its handler once connected.
void session::dispatch_connected(packet&& pkt) {
  switch (type_of(pkt)) {
    case packet_type::publish:
      return handle_publish(std::get<publish>(std::move(pkt)));
    case packet_type::puback: return handle_puback(std::get<puback>(pkt));
    case packet_type::pubrec:
    case packet_type::pubcomp:
      return; // pando never sends QoS 2, so these acknowledge nothing.
    case packet_type::pubrel: return handle_pubrel(std::get<pubrel>(pkt));
    case packet_type::subscribe:
      return handle_subscribe(std::get<subscribe>(pkt));
    case packet_type::unsubscribe:
      return handle_unsubscribe(std::get<unsubscribe>(pkt));
    case packet_type::pingreq: return send(pingresp{});
    case packet_type::disconnect:
      return shutdown(close_reason::client_disconnect, false);
    default:
      // A second CONNECT [MQTT-3.1.0-2] or a server-to-client packet.
      return shutdown(close_reason::protocol_error, true);
  }
}

// -- sending and closing ------------------------------------------------------

void session::send(const packet& pkt) {
  ++counters_.packets_sent;
  callee_.send(encode(pkt));
}

void session::shutdown(close_reason reason, bool publish_will) {
  if (state_ == session_state::closed)
    return;
  bool was_connected = state_ == session_state::connected;
  state_ = session_state::closed;
  reason_ = reason;
  buffer_.clear();
  offset_ = 0;
  if (was_connected && publish_will && request_.will)
    callee_.will(std::move(*request_.will));
  request_.will.reset();
  if (!persistent_)
    drop_outbound();
  callee_.close(reason);
}

/// Reports every queued or in-flight message as dropped.
void session::drop_outbound() {
  std::vector<std::uint64_t> tags;
  for (const auto& entry : inflight_)
    tags.push_back(entry.message.delivery_tag);
  for (const auto& message : queue_)
    tags.push_back(message.delivery_tag);
  inflight_.clear();
  queue_.clear();
  for (auto tag : tags)
    drop(tag);
}

} // namespace pando::mqtt
