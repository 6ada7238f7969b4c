#pragma once

#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

/// Value types for the 14 MQTT 3.1.1 control packets.
///
/// Text fields (client id, topics, filters, user name) are `std::string`
/// holding UTF-8; binary fields (payload, will message, password) are
/// `bytes`. Every type is a plain aggregate with defaulted `==`, so tests and
/// the fuzz target can compare a decoded packet with its re-decoded encoding.
namespace pando::mqtt {

/// Raw binary data (payloads, will messages, passwords).
using bytes = std::vector<std::uint8_t>;

/// Control packet type as carried in the high nibble of the first byte.
enum class packet_type : std::uint8_t {
  connect = 1,
  connack = 2,
  publish = 3,
  puback = 4,
  pubrec = 5,
  pubrel = 6,
  pubcomp = 7,
  subscribe = 8,
  suback = 9,
  unsubscribe = 10,
  unsuback = 11,
  pingreq = 12,
  pingresp = 13,
  disconnect = 14,
};

/// Returns the enumerator name of `type`, or "invalid" for other values.
constexpr const char* to_string(packet_type type) {
  constexpr const char* names[] = {
    "invalid",     "connect",  "connack", "publish",   "puback",
    "pubrec",      "pubrel",   "pubcomp", "subscribe", "suback",
    "unsubscribe", "unsuback", "pingreq", "pingresp",  "disconnect",
  };
  auto index = static_cast<std::uint8_t>(type);
  return index < std::size(names) ? names[index] : "invalid";
}

/// Delivery guarantee of a message or subscription.
enum class qos : std::uint8_t {
  at_most_once = 0,
  at_least_once = 1,
  exactly_once = 2,
};

/// CONNACK return codes defined by MQTT 3.1.1 section 3.2.2.3.
enum class connect_return_code : std::uint8_t {
  accepted = 0,
  unacceptable_protocol_version = 1,
  identifier_rejected = 2,
  server_unavailable = 3,
  bad_username_or_password = 4,
  not_authorized = 5,
};

/// SUBACK return codes defined by MQTT 3.1.1 section 3.9.3.
enum class suback_return_code : std::uint8_t {
  granted_qos0 = 0x00,
  granted_qos1 = 0x01,
  granted_qos2 = 0x02,
  failure = 0x80,
};

/// Protocol level of MQTT 3.1.1 (protocol name "MQTT").
inline constexpr std::uint8_t protocol_level_v311 = 4;

/// Protocol level of MQTT 3.1 (protocol name "MQIsdp").
inline constexpr std::uint8_t protocol_level_v31 = 3;

/// Will message announced in CONNECT.
struct will_message {
  std::string topic;
  bytes message;
  mqtt::qos qos = qos::at_most_once;
  bool retain = false;
  bool operator==(const will_message&) const = default;
};

/// CONNECT: client to server connection request.
struct connect {
  /// 4 for "MQTT" (3.1.1) or 3 for "MQIsdp" (3.1); the name follows the level.
  std::uint8_t protocol_level = protocol_level_v311;
  bool clean_session = true;
  std::uint16_t keep_alive = 0;
  std::string client_id;
  std::optional<will_message> will;
  std::optional<std::string> username;
  std::optional<bytes> password;
  bool operator==(const connect&) const = default;
};

/// CONNACK: server answer to CONNECT.
struct connack {
  bool session_present = false;
  connect_return_code return_code = connect_return_code::accepted;
  bool operator==(const connack&) const = default;
};

/// PUBLISH: application message in either direction.
struct publish {
  bool dup = false;
  mqtt::qos qos = qos::at_most_once;
  bool retain = false;
  std::string topic;
  /// Not on the wire for QoS 0, where it is always 0; non-zero otherwise.
  std::uint16_t packet_id = 0;
  bytes payload;
  bool operator==(const publish&) const = default;
};

/// PUBACK: QoS 1 acknowledgement.
struct puback {
  std::uint16_t packet_id = 0;
  bool operator==(const puback&) const = default;
};

/// PUBREC: QoS 2 delivery, part 1.
struct pubrec {
  std::uint16_t packet_id = 0;
  bool operator==(const pubrec&) const = default;
};

/// PUBREL: QoS 2 delivery, part 2 (fixed header flags 0b0010).
struct pubrel {
  std::uint16_t packet_id = 0;
  bool operator==(const pubrel&) const = default;
};

/// PUBCOMP: QoS 2 delivery, part 3.
struct pubcomp {
  std::uint16_t packet_id = 0;
  bool operator==(const pubcomp&) const = default;
};

/// One topic filter with its requested maximum QoS.
struct subscription {
  std::string filter;
  mqtt::qos max_qos = qos::at_most_once;
  bool operator==(const subscription&) const = default;
};

/// SUBSCRIBE: client subscription request with at least one filter.
struct subscribe {
  std::uint16_t packet_id = 0;
  std::vector<subscription> subscriptions;
  bool operator==(const subscribe&) const = default;
};

/// SUBACK: one return code per requested filter, in request order.
struct suback {
  std::uint16_t packet_id = 0;
  std::vector<suback_return_code> return_codes;
  bool operator==(const suback&) const = default;
};

/// UNSUBSCRIBE: client request to drop at least one filter.
struct unsubscribe {
  std::uint16_t packet_id = 0;
  std::vector<std::string> filters;
  bool operator==(const unsubscribe&) const = default;
};

/// UNSUBACK: acknowledgement of UNSUBSCRIBE.
struct unsuback {
  std::uint16_t packet_id = 0;
  bool operator==(const unsuback&) const = default;
};

/// PINGREQ: client keep-alive probe.
struct pingreq {
  bool operator==(const pingreq&) const = default;
};

/// PINGRESP: server answer to PINGREQ.
struct pingresp {
  bool operator==(const pingresp&) const = default;
};

/// DISCONNECT: orderly client shutdown.
struct disconnect {
  bool operator==(const disconnect&) const = default;
};

/// Any control packet; alternative `i` has packet type `i + 1`.
using packet = std::variant<connect, connack, publish, puback, pubrec, pubrel,
                            pubcomp, subscribe, suback, unsubscribe, unsuback,
                            pingreq, pingresp, disconnect>;

/// Returns the control packet type of `value`.
inline packet_type type_of(const packet& value) {
  return static_cast<packet_type>(value.index() + 1);
}

static_assert(std::variant_size_v<packet> == 14);
static_assert(std::is_same_v<std::variant_alternative_t<0, packet>, connect>);
static_assert(
  std::is_same_v<std::variant_alternative_t<13, packet>, disconnect>);

} // namespace pando::mqtt
