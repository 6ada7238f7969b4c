#include "transports/mqtt/codec/encoder.hpp"

#include <array>
#include <span>
#include <string_view>

namespace pando::mqtt {

namespace {

// -- primitives --------------------------------------------------------------

void put_u16(bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

/// Appends `data` with its 16-bit length prefix.
void put_prefixed(bytes& out, std::span<const std::uint8_t> data) {
  put_u16(out, static_cast<std::uint16_t>(data.size()));
  out.insert(out.end(), data.begin(), data.end());
}

/// Appends `str` with its 16-bit length prefix.
void put_string(bytes& out, std::string_view str) {
  put_u16(out, static_cast<std::uint16_t>(str.size()));
  out.insert(out.end(), str.begin(), str.end());
}

std::uint8_t qos_bits(qos level) { return static_cast<std::uint8_t>(level); }

/// Inserts the variable-length encoding of `length` at `pos`.
void insert_remaining_length(bytes& out, std::size_t pos, std::size_t length) {
  std::array<std::uint8_t, 4> buf{};
  std::size_t size = 0;
  do {
    auto digit = static_cast<std::uint8_t>(length % 128);
    length /= 128;
    buf[size++] = length > 0 ? digit | 0x80 : digit;
  } while (length > 0 && size < buf.size());
  auto at = out.begin() + static_cast<std::ptrdiff_t>(pos);
  out.insert(at, buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(size));
}

// -- bodies: each appends its fields and returns the fixed header flags ------

/// Returns the CONNECT flags byte describing `value`.
std::uint8_t connect_flags(const connect& value) {
  std::uint8_t flags = value.clean_session ? 0x02 : 0x00;
  if (value.will) {
    flags |= 0x04 | static_cast<std::uint8_t>(qos_bits(value.will->qos) << 3);
    flags |= value.will->retain ? 0x20 : 0x00;
  }
  flags |= value.password ? 0x40 : 0x00;
  flags |= value.username ? 0x80 : 0x00;
  return flags;
}

std::uint8_t write_body(const connect& value, bytes& out) {
  bool v31 = value.protocol_level == protocol_level_v31;
  put_string(out, v31 ? "MQIsdp" : "MQTT");
  out.push_back(value.protocol_level);
  out.push_back(connect_flags(value));
  put_u16(out, value.keep_alive);
  put_string(out, value.client_id);
  if (value.will) {
    put_string(out, value.will->topic);
    put_prefixed(out, value.will->message);
  }
  if (value.username)
    put_string(out, *value.username);
  if (value.password)
    put_prefixed(out, *value.password);
  return 0;
}

std::uint8_t write_body(const connack& value, bytes& out) {
  out.push_back(value.session_present ? 1 : 0);
  out.push_back(static_cast<std::uint8_t>(value.return_code));
  return 0;
}

std::uint8_t write_body(const publish& value, bytes& out) {
  put_string(out, value.topic);
  if (value.qos != qos::at_most_once)
    put_u16(out, value.packet_id);
  out.insert(out.end(), value.payload.begin(), value.payload.end());
  auto flags = static_cast<std::uint8_t>(qos_bits(value.qos) << 1);
  return flags | (value.dup ? 0b1000 : 0) | (value.retain ? 0b0001 : 0);
}

template<class Ack>
std::uint8_t write_ack(const Ack& value, bytes& out, std::uint8_t flags) {
  put_u16(out, value.packet_id);
  return flags;
}

std::uint8_t write_body(const puback& value, bytes& out) {
  return write_ack(value, out, 0);
}

std::uint8_t write_body(const pubrec& value, bytes& out) {
  return write_ack(value, out, 0);
}

std::uint8_t write_body(const pubrel& value, bytes& out) {
  return write_ack(value, out, 0b0010);
}

std::uint8_t write_body(const pubcomp& value, bytes& out) {
  return write_ack(value, out, 0);
}

std::uint8_t write_body(const unsuback& value, bytes& out) {
  return write_ack(value, out, 0);
}

std::uint8_t write_body(const subscribe& value, bytes& out) {
  put_u16(out, value.packet_id);
  for (const auto& entry : value.subscriptions) {
    put_string(out, entry.filter);
    out.push_back(qos_bits(entry.max_qos));
  }
  return 0b0010;
}

std::uint8_t write_body(const suback& value, bytes& out) {
  put_u16(out, value.packet_id);
  for (auto code : value.return_codes)
    out.push_back(static_cast<std::uint8_t>(code));
  return 0;
}

std::uint8_t write_body(const unsubscribe& value, bytes& out) {
  put_u16(out, value.packet_id);
  for (const auto& filter : value.filters)
    put_string(out, filter);
  return 0b0010;
}

std::uint8_t write_body(const pingreq&, bytes&) { return 0; }

std::uint8_t write_body(const pingresp&, bytes&) { return 0; }

std::uint8_t write_body(const disconnect&, bytes&) { return 0; }

} // namespace

void encode(const packet& value, std::vector<std::uint8_t>& out) {
  auto start = out.size();
  out.push_back(0);
  auto write = [&out](const auto& body) { return write_body(body, out); };
  auto flags = std::visit(write, value);
  auto type = static_cast<std::uint8_t>(type_of(value));
  out[start] = static_cast<std::uint8_t>(type << 4 | flags);
  insert_remaining_length(out, start + 1, out.size() - start - 1);
}

std::vector<std::uint8_t> encode(const packet& value) {
  std::vector<std::uint8_t> out;
  encode(value, out);
  return out;
}

} // namespace pando::mqtt
