#include "transports/mqtt/session.hpp"

#include <algorithm>
#include <utility>

// Messages to the client (MQTT 3.1.1 sections 3.3, 3.4 and 4.4). QoS 0 goes
// out at once. QoS 1 takes a free packet id and an in-flight slot until its
// PUBACK; without a slot (or before CONNACK) it waits in a bounded queue.
// Packet ids run 1..65535, wrap, and skip ids still in flight (spec B2).

namespace pando::mqtt {

void session::deliver(outbound_message message) {
  if (message.qos == qos::exactly_once)
    message.qos = qos::at_least_once; // pando never sends QoS 2.
  if (state_ == session_state::closed) {
    drop(message.delivery_tag);
    return;
  }
  if (state_ == session_state::connected && message.qos == qos::at_most_once) {
    send_publish({0, std::move(message)}, false);
    return;
  }
  enqueue(std::move(message));
  pump();
}

void session::handle_puback(const puback& pkt) {
  auto it = std::find_if(inflight_.begin(), inflight_.end(),
                         [&pkt](const inflight_message& entry) {
                           return entry.packet_id == pkt.packet_id;
                         });
  if (it == inflight_.end())
    return; // Unknown or already acknowledged: nothing to do.
  auto tag = it->message.delivery_tag;
  inflight_.erase(it);
  callee_.delivered(tag);
  pump();
}

void session::enqueue(outbound_message&& message) {
  if (queue_.size() >= settings_.max_queued)
    drop(message.delivery_tag);
  else
    queue_.push_back(std::move(message));
}

void session::drop(std::uint64_t delivery_tag) {
  ++counters_.dropped;
  callee_.dropped(delivery_tag);
}

/// Sends queued messages while connected and the window has room.
void session::pump() {
  while (state_ == session_state::connected && !queue_.empty()
         && (queue_.front().qos == qos::at_most_once
             || inflight_.size() < settings_.max_inflight)) {
    auto message = std::move(queue_.front());
    queue_.pop_front();
    send_new(std::move(message));
  }
}

void session::send_new(outbound_message&& message) {
  if (message.qos == qos::at_most_once) {
    send_publish({0, std::move(message)}, false);
    return;
  }
  inflight_.push_back({next_packet_id(), std::move(message)});
  auto entry = inflight_.back(); // A copy: `send` may re-enter the session.
  send_publish(entry, false);
}

void session::send_publish(const inflight_message& entry, bool dup) {
  const auto& message = entry.message;
  ++counters_.publishes_sent;
  send(publish{dup, message.qos, false, message.topic, entry.packet_id,
               message.payload});
}

/// Returns the next id not in flight. Terminates because fewer than 65535
/// messages are in flight whenever a new one is sent.
std::uint16_t session::next_packet_id() {
  for (;;) {
    auto id = next_id_;
    next_id_ = next_id_ == 65535 ? 1 : static_cast<std::uint16_t>(id + 1);
    auto in_use = std::any_of(
      inflight_.begin(), inflight_.end(),
      [id](const inflight_message& entry) { return entry.packet_id == id; });
    if (!in_use)
      return id;
  }
}

std::optional<persistent_state> session::take_persistent_state() {
  if (state_ != session_state::closed || !persistent_)
    return std::nullopt;
  persistent_ = false;
  persistent_state result;
  result.inflight = std::exchange(inflight_, {});
  result.queued.assign(std::make_move_iterator(queue_.begin()),
                       std::make_move_iterator(queue_.end()));
  queue_.clear();
  result.inbound_qos2_ids.assign(awaiting_pubrel_.begin(),
                                 awaiting_pubrel_.end());
  for (const auto& entry : pending_in_)
    if (entry.qos == qos::exactly_once)
      result.inbound_qos2_ids.push_back(entry.packet_id);
  result.subscriptions = subscriptions_;
  result.next_packet_id = next_id_;
  return result;
}

} // namespace pando::mqtt
