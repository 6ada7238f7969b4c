#pragma once

// Which topics a device may use, and what its upstream publishes mean. Pure.
//
// Legacy pando devices (spec 4.4) publish pando's binary payloads on `s`
// (Data: status) and `e` (Event), and receive `c` (Command) and `s` (Data:
// set status) without subscribing. See docs/mqtt.md.

#include <cstdint>
#include <span>
#include <string>
#include <variant>

#include "actors/device/messages.hpp"

namespace pando::mqtt {

/// Why an upstream publish was refused.
struct upstream_error {
  std::string message;
};

/// What an upstream publish asks the device actor to record.
using upstream = std::variant<status_report, event_report, upstream_error>;

/// Maps a PUBLISH from device `client_id` onto a device actor message.
upstream map_upstream(const std::string& client_id, const std::string& topic,
                      std::span<const std::uint8_t> payload);

/// Returns the granted QoS (0 or 1) for a SUBSCRIBE of `filter` by device
/// `client_id`, or -1 when the device may not subscribe to it.
int subscribe_grant(const std::string& client_id, const std::string& filter,
                    int requested_qos);

/// Maps a will message onto an event: a legacy Event payload on `e` is taken
/// as is; anything else becomes platform event 65532 (device offline) with
/// the will payload as one bytes parameter.
event_report will_event(const std::string& topic,
                        std::span<const std::uint8_t> payload);

} // namespace pando::mqtt
