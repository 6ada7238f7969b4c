#pragma once

// A compact binary form of a persistent MQTT session (clean session 0), kept
// by the device actor between connections. Pure.

#include <optional>
#include <string>

#include "transports/mqtt/session_types.hpp"

namespace pando::mqtt {

/// Returns `x` as bytes (version 1 layout).
std::string encode_persistent(const persistent_state& x);

/// Parses bytes written by `encode_persistent`; nullopt if malformed.
std::optional<persistent_state> decode_persistent(const std::string& bytes);

} // namespace pando::mqtt
