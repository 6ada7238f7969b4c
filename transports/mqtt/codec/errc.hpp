#pragma once

#include <cstdint>

namespace pando::mqtt {

/// Reasons why the codec rejects input; every one is fatal for the connection.
///
/// Except for `bad_protocol_level` (answer CONNACK 0x01 first, per
/// [MQTT-3.1.2-2]) the session closes the network connection without a reply.
/// Values start at 1 because CAF treats error code 0 as "no error".
enum class errc : std::uint8_t {
  /// The packet type nibble is 0 or 15 (reserved).
  invalid_packet_type = 1,
  /// The fixed header flags differ from the value MQTT 3.1.1 requires.
  reserved_flags,
  /// The remaining length uses more than four bytes.
  malformed_remaining_length,
  /// The remaining length exceeds the caller's maximum packet size.
  packet_too_large,
  /// The remaining length ends before all required fields were read.
  truncated,
  /// Bytes are left after the last field of a packet with a defined end.
  trailing_bytes,
  /// A UTF-8 string is ill-formed, overlong, a surrogate or contains U+0000.
  bad_utf8,
  /// CONNECT names a protocol other than "MQTT" or "MQIsdp".
  bad_protocol_name,
  /// CONNECT has a known protocol name with an unsupported level.
  bad_protocol_level,
  /// CONNECT flags break a rule: reserved bit, will or password flags.
  bad_connect_flags,
  /// A QoS value (PUBLISH, will or requested QoS byte) is not 0, 1 or 2.
  invalid_qos,
  /// PUBLISH with QoS 0 has the DUP flag set [MQTT-3.3.1-2].
  bad_publish_flags,
  /// A packet identifier is 0 where a non-zero one is required.
  zero_packet_id,
  /// A topic name is empty or contains a wildcard character.
  bad_topic_name,
  /// A topic filter is empty or places '+' or '#' incorrectly.
  bad_topic_filter,
  /// SUBSCRIBE carries no topic filter.
  empty_subscribe,
  /// UNSUBSCRIBE carries no topic filter.
  empty_unsubscribe,
  /// SUBACK carries no return code.
  empty_suback,
  /// CONNACK acknowledge flags have reserved bits or a contradictory value.
  bad_connack_flags,
  /// A CONNACK or SUBACK return code is not defined by MQTT 3.1.1.
  invalid_return_code,
};

/// Returns the enumerator name of `code`, or "unknown" for other values.
const char* to_string(errc code);

} // namespace pando::mqtt
