#include "transports/mqtt/session.hpp"

#include "transports/mqtt/codec/topic.hpp"

#include <algorithm>

// SUBSCRIBE and UNSUBSCRIBE (MQTT 3.1.1 sections 3.8 to 3.11). pando does not
// route by subscription: devices get their messages whether subscribed or not
// (legacy devices never subscribe). Subscriptions are still answered (spec
// B3), authorised by the owner, and kept in the persistent state.

namespace pando::mqtt {

namespace {

/// Returns whether `code` grants a QoS.
bool is_grant(suback_return_code code) {
  return static_cast<std::uint8_t>(code) <= 2;
}

} // namespace

void session::handle_subscribe(const subscribe& pkt) {
  suback ack{pkt.packet_id, {}};
  ack.return_codes.reserve(pkt.subscriptions.size());
  for (const auto& sub : pkt.subscriptions)
    ack.return_codes.push_back(grant(sub));
  send(ack);
}

/// Returns the SUBACK code for `sub` and records a granted subscription,
/// replacing one with the same filter [MQTT-3.8.4-3].
suback_return_code session::grant(const subscription& sub) {
  auto same_filter = [&sub](const subscription& existing) {
    return existing.filter == sub.filter;
  };
  auto known
    = std::any_of(subscriptions_.begin(), subscriptions_.end(), same_filter);
  if (!is_valid_topic_filter(sub.filter)
      || (!known && subscriptions_.size() >= settings_.max_subscriptions))
    return suback_return_code::failure;
  auto code = callee_.authorize_subscribe(sub.filter, sub.max_qos);
  if (!is_grant(code))
    return suback_return_code::failure;
  auto granted
    = std::min({static_cast<std::uint8_t>(code),
                static_cast<std::uint8_t>(sub.max_qos), std::uint8_t{1}});
  auto it
    = std::find_if(subscriptions_.begin(), subscriptions_.end(), same_filter);
  if (it != subscriptions_.end())
    it->max_qos = static_cast<qos>(granted);
  else
    subscriptions_.push_back({sub.filter, static_cast<qos>(granted)});
  return static_cast<suback_return_code>(granted);
}

void session::handle_unsubscribe(const unsubscribe& pkt) {
  for (const auto& filter : pkt.filters)
    std::erase_if(subscriptions_, [&filter](const subscription& existing) {
      return existing.filter == filter;
    });
  send(unsuback{pkt.packet_id});
}

} // namespace pando::mqtt
