#pragma once

#include "transports/mqtt/codec/errc.hpp"
#include "transports/mqtt/codec/packet.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

/// Incremental, stateless MQTT 3.1.1 decoder.
///
/// The caller keeps its receive buffer and calls `decode` whenever bytes
/// arrive. The decoder never reads past `bytes`, never throws on bad input and
/// keeps no state between calls: a `need_more` answer simply means "call again
/// with a longer span starting at the same byte".
namespace pando::mqtt {

/// Largest value the four-byte remaining length field can express.
inline constexpr std::size_t max_remaining_length = 268'435'455;

/// Answer of the decoder when the span ends before the packet does.
struct need_more {
  /// Minimum number of additional bytes required before calling again.
  std::size_t at_least = 1;
  bool operator==(const need_more&) const = default;
};

/// Parsed fixed header of a control packet.
struct fixed_header {
  packet_type type = packet_type::connect;
  /// Low nibble of the first byte.
  std::uint8_t flags = 0;
  std::size_t remaining_length = 0;
  /// Size of the fixed header itself: 2 to 5 bytes.
  std::size_t header_size = 0;

  /// Returns the size of the whole packet, header included.
  std::size_t total_size() const { return header_size + remaining_length; }

  bool operator==(const fixed_header&) const = default;
};

/// A complete packet and the number of bytes it occupied in the input.
struct decoded {
  mqtt::packet packet;
  std::size_t consumed = 0;
  bool operator==(const decoded&) const = default;
};

/// Result of `peek_fixed_header`.
using header_result = std::variant<need_more, fixed_header, errc>;

/// Result of `decode`.
using decode_result = std::variant<need_more, decoded, errc>;

/// Reads and validates the fixed header at the start of `bytes`.
///
/// Rejects a reserved packet type or wrong flags as soon as the first byte is
/// there, a remaining length above `max_packet_size` (or above
/// `max_remaining_length`) as soon as the length bytes read so far prove it,
/// and a wrong remaining length of a fixed-size packet (CONNACK, the four
/// publish acknowledgements, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT) without
/// waiting for its body.
header_result peek_fixed_header(std::span<const std::uint8_t> bytes,
                                std::size_t max_packet_size);

/// Decodes the packet at the start of `bytes`.
///
/// Returns `need_more` until the whole packet is in `bytes`, then either the
/// packet with the number of bytes it used or the first rule it breaks.
/// `max_packet_size` limits the remaining length (the packet without its
/// 2 to 5 byte fixed header); larger packets fail with `errc::packet_too_large`
/// before their body arrives.
decode_result decode(std::span<const std::uint8_t> bytes,
                     std::size_t max_packet_size);

/// Returns whether `str` is a well-formed MQTT UTF-8 string [MQTT-1.5.3]:
/// no ill-formed or overlong sequence, no surrogate code point (U+D800 to
/// U+DFFF), nothing above U+10FFFF and no U+0000.
bool is_well_formed_utf8(std::string_view str);

} // namespace pando::mqtt
