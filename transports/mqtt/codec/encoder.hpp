#pragma once

#include "transports/mqtt/codec/packet.hpp"

#include <cstdint>
#include <vector>

/// MQTT 3.1.1 encoder for all 14 control packets.
namespace pando::mqtt {

/// Appends the wire encoding of `value` to `out`.
///
/// The flags of the fixed header follow from the packet (PUBLISH dup, qos and
/// retain; 0b0010 for PUBREL, SUBSCRIBE and UNSUBSCRIBE; 0 otherwise), the
/// remaining length uses the fewest bytes, and CONNECT flags follow from its
/// optional fields. The caller must pass a packet that `decode` would accept:
/// strings and binary fields of at most 65535 bytes, a remaining length of at
/// most 268435455, non-zero packet ids where required and valid topics. The
/// encoder does not check this; a violation yields bytes that peers reject.
void encode(const packet& value, std::vector<std::uint8_t>& out);

/// Returns the wire encoding of `value`; see the overload above.
std::vector<std::uint8_t> encode(const packet& value);

} // namespace pando::mqtt
