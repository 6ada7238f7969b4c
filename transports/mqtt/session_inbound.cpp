#include "transports/mqtt/session.hpp"

#include <algorithm>
#include <utility>

// Client PUBLISH (MQTT 3.1.1 sections 3.3 to 3.7 and 4.3). QoS 0 is forwarded
// and forgotten. QoS 1 and 2 are forwarded once and acknowledged only after
// the owner stored them (`on_publish_done`), in arrival order. A QoS 2 id
// stays known from PUBLISH until PUBREL, so a resent PUBLISH is answered with
// PUBREC but not forwarded again (spec B5).

namespace pando::mqtt {

namespace {

/// Returns the application message of `pkt`.
inbound_message to_inbound(publish&& pkt) {
  return {std::move(pkt.topic), std::move(pkt.payload), pkt.qos, pkt.retain};
}

} // namespace

void session::handle_publish(publish&& pkt) {
  ++counters_.publishes_received;
  if (pkt.qos == qos::at_most_once) {
    callee_.publish(0, to_inbound(std::move(pkt)));
    return;
  }
  if (suppress_duplicate(pkt)) {
    ++counters_.duplicates_suppressed;
    return;
  }
  if (pending_in_.size() >= settings_.max_inbound_pending) {
    shutdown(close_reason::inbound_limit, true);
    return;
  }
  auto id = pkt.packet_id;
  pending_in_.push_back({id, pkt.qos, false}); // Before the callee answers.
  callee_.publish(id, to_inbound(std::move(pkt)));
}

/// Returns whether `pkt` repeats a message that was already forwarded;
/// answers PUBREC again if that message is a stored QoS 2 message.
bool session::suppress_duplicate(const publish& pkt) {
  auto id = pkt.packet_id;
  auto same_id
    = [id](const pending_inbound& entry) { return entry.packet_id == id; };
  if (std::any_of(pending_in_.begin(), pending_in_.end(), same_id))
    return true; // Still being stored; acknowledged when done.
  if (pkt.qos == qos::exactly_once && awaiting_pubrel_.contains(id)) {
    send(pubrec{id});
    return true;
  }
  return false;
}

void session::handle_pubrel(const pubrel& pkt) {
  auto id = pkt.packet_id;
  if (awaiting_pubrel_.erase(id) == 0) {
    auto same_id
      = [id](const pending_inbound& entry) { return entry.packet_id == id; };
    if (std::any_of(pending_in_.begin(), pending_in_.end(), same_id)) {
      shutdown(close_reason::protocol_error, true); // PUBREL before PUBREC.
      return;
    }
  }
  // Unknown ids get PUBCOMP too: the client may resend PUBREL after a
  // reconnect although the first one was processed [MQTT-4.3.3-2].
  send(pubcomp{id});
}

void session::on_publish_done(std::uint16_t packet_id, bool ok) {
  if (state_ != session_state::connected)
    return;
  auto it = std::find_if(pending_in_.begin(), pending_in_.end(),
                         [packet_id](const pending_inbound& entry) {
                           return entry.packet_id == packet_id && !entry.done;
                         });
  if (it == pending_in_.end())
    return;
  if (!ok) {
    shutdown(close_reason::publish_failed, true);
    return;
  }
  it->done = true;
  flush_acks();
}

/// Acknowledges confirmed messages up to the first unconfirmed one.
void session::flush_acks() {
  while (state_ == session_state::connected && !pending_in_.empty()
         && pending_in_.front().done) {
    auto entry = pending_in_.front();
    pending_in_.pop_front();
    if (entry.qos == qos::at_least_once) {
      send(puback{entry.packet_id});
    } else {
      awaiting_pubrel_.insert(entry.packet_id);
      send(pubrec{entry.packet_id});
    }
  }
}

} // namespace pando::mqtt
