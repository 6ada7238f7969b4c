#pragma once

// pando's JSON topic scheme for new devices. Pure. Every topic is under
// `pando/v1/<identifier>/` (the device identifier from registration); JSON
// bodies are mapped through the product configuration onto the same device
// actor messages as the binary protocol. See docs/mqtt.md.
//
//   device -> platform   status            {"<label>":[values...], ...}
//   device -> platform   events            {"<event name>":[params...]}
//   device -> platform   commands/result   {"tag":N,"result":R,"message":"..."}
//   platform -> device   commands {"tag":N,"name":"<command>","params":[...]}
//   platform -> device   status/set        {"<label>":[values...], ...}
//   platform -> device   status/get        {"tag":N}   (answer on status)

#include <optional>
#include <span>
#include <string>

#include "actors/device/messages.hpp"
#include "actors/registry/product_config.hpp"
#include "transports/mqtt/device_topics.hpp"

namespace pando::mqtt {

/// Returns "pando/v1/<identifier>/".
std::string json_prefix(const std::string& identifier);

/// Returns whether `topic` belongs to the JSON scheme (any identifier).
bool is_json_topic(const std::string& topic);

/// Maps a JSON publish of device `identifier` onto a device actor message.
upstream map_json_upstream(const registry::product_config& cfg,
                           const std::string& identifier,
                           const std::string& topic,
                           std::span<const std::uint8_t> payload);

/// Returns the granted QoS for a JSON-scheme SUBSCRIBE, or -1.
int json_subscribe_grant(const std::string& identifier,
                         const std::string& filter, int requested_qos);

/// A downstream message in the JSON scheme.
struct json_downstream {
  std::string topic;
  std::string payload;
};

/// Maps a binary downstream message (Command on `c`, Data on `s`) for a
/// device that uses the JSON scheme; nullopt if it does not map.
std::optional<json_downstream>
map_json_downstream(const registry::product_config& cfg,
                    const std::string& identifier, const downstream& msg);

} // namespace pando::mqtt
