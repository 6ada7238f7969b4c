#include "transports/mqtt/session.hpp"

#include <utility>

// CONNECT, the authenticator's answer and the resumption of a persistent
// session (MQTT 3.1.1 sections 3.1, 3.2 and 4.4).

namespace pando::mqtt {

namespace {

/// Returns the keep-alive to enforce for a client that asked for `requested`
/// seconds: `max` replaces 0 and anything above it, unless `max` is 0.
std::chrono::seconds effective_keepalive(std::uint16_t requested,
                                         std::chrono::seconds max) {
  std::chrono::seconds result{requested};
  if (max.count() > 0 && (result.count() == 0 || result > max))
    return max;
  return result;
}

/// Returns what the authenticator needs to see of `pkt`.
connect_request make_request(connect&& pkt, std::chrono::seconds max) {
  connect_request result;
  result.protocol_level = pkt.protocol_level;
  result.client_id = std::move(pkt.client_id);
  result.username = std::move(pkt.username);
  result.password = std::move(pkt.password);
  result.clean_session = pkt.clean_session;
  result.keep_alive = effective_keepalive(pkt.keep_alive, max);
  if (auto& will = pkt.will)
    result.will
      = inbound_message{std::move(will->topic), std::move(will->message),
                        will->qos, will->retain};
  return result;
}

/// Returns the close reason for a CONNACK rejection `code`.
close_reason close_reason_of(connect_return_code code) {
  switch (code) {
    case connect_return_code::unacceptable_protocol_version:
      return close_reason::unacceptable_protocol_version;
    case connect_return_code::identifier_rejected:
      return close_reason::identifier_rejected;
    case connect_return_code::server_unavailable:
      return close_reason::server_unavailable;
    case connect_return_code::bad_username_or_password:
      return close_reason::bad_username_or_password;
    default: return close_reason::not_authorized;
  }
}

/// Returns `code`, or `not_authorized` if it is not a rejection code of
/// MQTT 3.1.1.
connect_return_code sanitize_rejection(connect_return_code code) {
  auto value = static_cast<std::uint8_t>(code);
  return value >= 1 && value <= 5 ? code : connect_return_code::not_authorized;
}

} // namespace

void session::handle_connect(connect&& pkt, std::chrono::milliseconds) {
  request_ = make_request(std::move(pkt), settings_.max_keepalive);
  if (request_.client_id.empty() && !request_.clean_session) {
    reject(connect_return_code::identifier_rejected); // [MQTT-3.1.3-8]
    return;
  }
  state_ = session_state::authenticating; // Before the callee may answer.
  callee_.authenticate(request_);
}

session_state session::on_auth_result(auth_result result,
                                      std::chrono::milliseconds now) {
  if (state_ != session_state::authenticating)
    return state_;
  if (result.code != connect_return_code::accepted) {
    reject(sanitize_rejection(result.code));
    return state_;
  }
  accept(std::move(result.resume), now);
  process_buffer(now);
  return state_;
}

void session::reject(connect_return_code code) {
  send(connack{false, code});
  shutdown(close_reason_of(code), false);
}

void session::accept(std::optional<persistent_state> resume,
                     std::chrono::milliseconds now) {
  state_ = session_state::connected;
  last_packet_ = now;
  persistent_ = !request_.clean_session;
  bool present = persistent_ && resume.has_value();
  send(connack{present, connect_return_code::accepted});
  if (present)
    this->resume(std::move(*resume));
  else if (resume)
    discard(std::move(*resume)); // Clean session 1 [MQTT-3.1.2-6].
  pump();
}

/// Restores `state`: resends its in-flight messages with DUP=1 and their
/// packet ids [MQTT-4.4.0-1], then queues its messages before any that
/// arrived during authentication.
void session::resume(persistent_state&& state) {
  subscriptions_ = std::move(state.subscriptions);
  awaiting_pubrel_.insert(state.inbound_qos2_ids.begin(),
                          state.inbound_qos2_ids.end());
  next_id_ = state.next_packet_id != 0 ? state.next_packet_id : 1;
  auto later = std::exchange(queue_, {});
  for (auto& message : state.queued)
    enqueue(std::move(message));
  for (auto& message : later)
    enqueue(std::move(message));
  inflight_ = state.inflight;
  for (const auto& entry : state.inflight) {
    ++counters_.redeliveries;
    send_publish(entry, true);
  }
}

/// Reports every message of a state that is not resumed as dropped.
void session::discard(persistent_state&& state) {
  for (const auto& entry : state.inflight)
    drop(entry.message.delivery_tag);
  for (const auto& message : state.queued)
    drop(message.delivery_tag);
}

} // namespace pando::mqtt
