#include "transports/mqtt/codec/decoder.hpp"

#include "transports/mqtt/codec/topic.hpp"

#include <array>
#include <optional>
#include <utility>

// Decoding happens in two steps: `peek_fixed_header` validates the first
// byte and the remaining length (so oversized or malformed packets fail
// before their body is buffered), then one body decoder per packet type
// reads the fields through a `reader`. The reader keeps the first error and
// turns every later read into a no-op, so body decoders read straight
// through and the caller checks once at the end.

namespace pando::mqtt {

namespace {

// -- fixed header ------------------------------------------------------------

constexpr std::uint8_t publish_dup_bit = 0b1000;

/// Returns the flags MQTT 3.1.1 requires for `type` (PUBLISH excluded).
constexpr std::uint8_t required_flags(packet_type type) {
  switch (type) {
    case packet_type::pubrel:
    case packet_type::subscribe:
    case packet_type::unsubscribe: return 0b0010;
    default: return 0;
  }
}

/// Returns the first rule that the PUBLISH header `flags` break, if any.
std::optional<errc> check_publish_flags(std::uint8_t flags) {
  auto level = (flags >> 1) & 0b11;
  if (level == 3)
    return errc::invalid_qos;
  if (level == 0 && (flags & publish_dup_bit) != 0)
    return errc::bad_publish_flags;
  return std::nullopt;
}

/// Returns the first rule that the first byte of a packet breaks, if any.
std::optional<errc> check_first_byte(std::uint8_t byte) {
  auto nibble = byte >> 4;
  if (nibble == 0 || nibble == 15)
    return errc::invalid_packet_type;
  auto type = static_cast<packet_type>(nibble);
  std::uint8_t flags = byte & 0x0F;
  if (type == packet_type::publish)
    return check_publish_flags(flags);
  if (flags != required_flags(type))
    return errc::reserved_flags;
  return std::nullopt;
}

/// Returns the remaining length of a fixed-size packet type, if it is one.
std::optional<std::size_t> fixed_remaining_length(packet_type type) {
  switch (type) {
    case packet_type::connack:
    case packet_type::puback:
    case packet_type::pubrec:
    case packet_type::pubrel:
    case packet_type::pubcomp:
    case packet_type::unsuback: return 2;
    case packet_type::pingreq:
    case packet_type::pingresp:
    case packet_type::disconnect: return 0;
    default: return std::nullopt;
  }
}

/// Completes a fixed header whose remaining length has been read.
header_result make_header(std::uint8_t first_byte, std::size_t length,
                          std::size_t header_size) {
  auto type = static_cast<packet_type>(first_byte >> 4);
  auto exact = fixed_remaining_length(type);
  if (exact && length > *exact)
    return errc::trailing_bytes;
  if (exact && length < *exact)
    return errc::truncated;
  return fixed_header{type, static_cast<std::uint8_t>(first_byte & 0x0F),
                      length, header_size};
}

// -- UTF-8 -------------------------------------------------------------------

/// Properties of a multi-byte UTF-8 sequence, derived from its lead byte.
struct utf8_lead {
  std::size_t length;
  std::uint32_t bits;
  std::uint32_t min_code_point;
};

/// Returns the sequence properties for `lead`, or none for an invalid lead.
std::optional<utf8_lead> classify_utf8_lead(std::uint8_t lead) {
  if ((lead & 0xE0) == 0xC0)
    return utf8_lead{2, lead & 0x1Fu, 0x80};
  if ((lead & 0xF0) == 0xE0)
    return utf8_lead{3, lead & 0x0Fu, 0x800};
  if ((lead & 0xF8) == 0xF0)
    return utf8_lead{4, lead & 0x07u, 0x10000};
  return std::nullopt;
}

/// Returns the length of the well-formed, non-null UTF-8 sequence starting at
/// `str[pos]`, or 0 if there is none.
std::size_t utf8_sequence_length(std::string_view str, std::size_t pos) {
  auto first = static_cast<std::uint8_t>(str[pos]);
  if (first < 0x80)
    return first == 0 ? 0 : 1;
  auto lead = classify_utf8_lead(first);
  if (!lead || str.size() - pos < lead->length)
    return 0;
  auto code_point = lead->bits;
  for (std::size_t i = 1; i < lead->length; ++i) {
    auto next = static_cast<std::uint8_t>(str[pos + i]);
    if ((next & 0xC0) != 0x80)
      return 0;
    code_point = (code_point << 6) | (next & 0x3Fu);
  }
  bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
  if (code_point < lead->min_code_point || code_point > 0x10FFFF || surrogate)
    return 0;
  return lead->length;
}

// -- reader ------------------------------------------------------------------

/// Sequential reader over a packet body that remembers the first error.
class reader {
 public:
  explicit reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  /// Returns whether no error occurred so far.
  bool ok() const { return !error_; }

  /// Returns the first error, if any.
  std::optional<errc> error() const { return error_; }

  /// Returns whether all bytes have been consumed.
  bool at_end() const { return pos_ == bytes_.size(); }

  /// Records `code` unless an earlier error is already recorded.
  void fail(errc code) {
    if (!error_)
      error_ = code;
  }

  /// Reads one byte; returns 0 on error.
  std::uint8_t u8() {
    auto view = raw(1);
    return view.empty() ? 0 : view[0];
  }

  /// Reads a big-endian 16-bit integer; returns 0 on error.
  std::uint16_t u16() {
    auto view = raw(2);
    return view.empty() ? 0
                        : static_cast<std::uint16_t>(view[0] << 8 | view[1]);
  }

  /// Reads a non-zero packet identifier.
  std::uint16_t packet_id() {
    auto id = u16();
    if (ok() && id == 0)
      fail(errc::zero_packet_id);
    return id;
  }

  /// Reads `size` raw bytes; returns an empty view on error.
  std::span<const std::uint8_t> raw(std::size_t size) {
    if (!ok())
      return {};
    if (bytes_.size() - pos_ < size) {
      fail(errc::truncated);
      return {};
    }
    auto view = bytes_.subspan(pos_, size);
    pos_ += size;
    return view;
  }

  /// Reads binary data with a 16-bit length prefix.
  std::span<const std::uint8_t> prefixed() { return raw(u16()); }

  /// Reads a length-prefixed, well-formed UTF-8 string.
  std::string utf8() {
    auto view = prefixed();
    std::string str{view.begin(), view.end()};
    if (ok() && !is_well_formed_utf8(str))
      fail(errc::bad_utf8);
    return str;
  }

  /// Reads length-prefixed binary data.
  bytes binary() {
    auto view = prefixed();
    return {view.begin(), view.end()};
  }

  /// Reads everything up to the end of the body.
  bytes rest() {
    auto view = raw(bytes_.size() - pos_);
    return {view.begin(), view.end()};
  }

  /// Reads a topic name (PUBLISH topic or will topic).
  std::string topic_name() {
    auto str = utf8();
    if (ok() && !is_valid_topic_name(str))
      fail(errc::bad_topic_name);
    return str;
  }

  /// Reads a topic filter (SUBSCRIBE or UNSUBSCRIBE entry).
  std::string topic_filter() {
    auto str = utf8();
    if (ok() && !is_valid_topic_filter(str))
      fail(errc::bad_topic_filter);
    return str;
  }

  /// Reads a QoS byte that must be 0, 1 or 2.
  mqtt::qos qos() {
    auto value = u8();
    if (value > 2)
      fail(errc::invalid_qos);
    return static_cast<mqtt::qos>(value);
  }

  /// Fails with `code` if the reader is at the end without an error.
  void require_more(errc code) {
    if (ok() && at_end())
      fail(code);
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  std::optional<errc> error_;
};

// -- CONNECT -----------------------------------------------------------------

namespace connect_flag {

constexpr std::uint8_t reserved = 0x01;
constexpr std::uint8_t clean_session = 0x02;
constexpr std::uint8_t will = 0x04;
constexpr std::uint8_t will_retain = 0x20;
constexpr std::uint8_t password = 0x40;
constexpr std::uint8_t username = 0x80;

} // namespace connect_flag

/// Reads protocol name and level. "MQTT" needs level 4 and "MQIsdp" (MQTT
/// 3.1, still sent by some old devices) needs level 3 [MQTT-3.1.2-1,2].
std::uint8_t read_protocol(reader& r) {
  auto name = r.prefixed();
  auto level = r.u8();
  if (!r.ok())
    return level;
  std::string_view str{reinterpret_cast<const char*>(name.data()), name.size()};
  if (str != "MQTT" && str != "MQIsdp")
    r.fail(errc::bad_protocol_name);
  else if (level != (str == "MQTT" ? protocol_level_v311 : protocol_level_v31))
    r.fail(errc::bad_protocol_level);
  return level;
}

/// Checks the CONNECT flags byte [MQTT-3.1.2-3,11,13,14,15,22].
void check_connect_flags(reader& r, std::uint8_t flags) {
  using namespace connect_flag;
  auto will_qos = (flags >> 3) & 0b11;
  bool has_will = (flags & will) != 0;
  if ((flags & reserved) != 0)
    r.fail(errc::bad_connect_flags);
  else if (!has_will && (will_qos != 0 || (flags & will_retain) != 0))
    r.fail(errc::bad_connect_flags);
  else if (will_qos == 3)
    r.fail(errc::invalid_qos);
  else if ((flags & password) != 0 && (flags & username) == 0)
    r.fail(errc::bad_connect_flags);
}

/// Reads the will topic and message announced by `flags`.
will_message read_will(reader& r, std::uint8_t flags) {
  will_message result;
  result.qos = static_cast<qos>((flags >> 3) & 0b11);
  result.retain = (flags & connect_flag::will_retain) != 0;
  result.topic = r.topic_name();
  result.message = r.binary();
  return result;
}

packet decode_connect(reader& r, std::uint8_t) {
  connect result;
  result.protocol_level = read_protocol(r);
  auto flags = r.u8();
  check_connect_flags(r, flags);
  result.clean_session = (flags & connect_flag::clean_session) != 0;
  result.keep_alive = r.u16();
  result.client_id = r.utf8();
  if ((flags & connect_flag::will) != 0)
    result.will = read_will(r, flags);
  if ((flags & connect_flag::username) != 0)
    result.username = r.utf8();
  if ((flags & connect_flag::password) != 0)
    result.password = r.binary();
  return result;
}

// -- other packet types ------------------------------------------------------

packet decode_connack(reader& r, std::uint8_t) {
  auto flags = r.u8();
  auto code = r.u8();
  if (flags > 1 || (flags == 1 && code != 0))
    r.fail(errc::bad_connack_flags);
  else if (code > 5)
    r.fail(errc::invalid_return_code);
  return connack{flags == 1, static_cast<connect_return_code>(code)};
}

packet decode_publish(reader& r, std::uint8_t flags) {
  publish result;
  result.dup = (flags & publish_dup_bit) != 0;
  result.qos = static_cast<qos>((flags >> 1) & 0b11);
  result.retain = (flags & 0b0001) != 0;
  result.topic = r.topic_name();
  if (result.qos != qos::at_most_once)
    result.packet_id = r.packet_id();
  result.payload = r.rest();
  return result;
}

template<class Ack>
packet decode_ack(reader& r, std::uint8_t) {
  return Ack{r.packet_id()};
}

packet decode_subscribe(reader& r, std::uint8_t) {
  subscribe result;
  result.packet_id = r.packet_id();
  r.require_more(errc::empty_subscribe);
  while (r.ok() && !r.at_end()) {
    auto filter = r.topic_filter();
    result.subscriptions.push_back({std::move(filter), r.qos()});
  }
  return result;
}

/// Returns whether `code` is a SUBACK return code of MQTT 3.1.1.
bool is_suback_return_code(std::uint8_t code) {
  return code <= 2 || code == 0x80;
}

packet decode_suback(reader& r, std::uint8_t) {
  suback result;
  result.packet_id = r.packet_id();
  r.require_more(errc::empty_suback);
  while (r.ok() && !r.at_end()) {
    auto code = r.u8();
    if (!is_suback_return_code(code))
      r.fail(errc::invalid_return_code);
    result.return_codes.push_back(static_cast<suback_return_code>(code));
  }
  return result;
}

packet decode_unsubscribe(reader& r, std::uint8_t) {
  unsubscribe result;
  result.packet_id = r.packet_id();
  r.require_more(errc::empty_unsubscribe);
  while (r.ok() && !r.at_end())
    result.filters.push_back(r.topic_filter());
  return result;
}

template<class Empty>
packet decode_empty(reader&, std::uint8_t) {
  return Empty{};
}

/// Body decoder for each packet type, indexed by `type - 1`.
using body_decoder = packet (*)(reader&, std::uint8_t flags);

constexpr std::array<body_decoder, 14> body_decoders = {
  decode_connect,         decode_connack,           decode_publish,
  decode_ack<puback>,     decode_ack<pubrec>,       decode_ack<pubrel>,
  decode_ack<pubcomp>,    decode_subscribe,         decode_suback,
  decode_unsubscribe,     decode_ack<unsuback>,     decode_empty<pingreq>,
  decode_empty<pingresp>, decode_empty<disconnect>,
};

/// Decodes the body of a packet whose bytes are all present.
decode_result decode_body(const fixed_header& header,
                          std::span<const std::uint8_t> body) {
  reader r{body};
  auto index = static_cast<std::size_t>(header.type) - 1;
  auto result = body_decoders[index](r, header.flags);
  if (r.ok() && !r.at_end())
    r.fail(errc::trailing_bytes);
  if (auto err = r.error())
    return *err;
  return decoded{std::move(result), header.total_size()};
}

} // namespace

header_result peek_fixed_header(std::span<const std::uint8_t> bytes,
                                std::size_t max_packet_size) {
  if (bytes.empty())
    return need_more{2};
  if (auto err = check_first_byte(bytes[0]))
    return *err;
  std::size_t length = 0;
  std::size_t multiplier = 1;
  for (std::size_t pos = 1; pos <= 4; ++pos, multiplier *= 128) {
    if (pos == bytes.size())
      return need_more{1};
    length += (bytes[pos] & 0x7Fu) * multiplier;
    if (length > max_packet_size)
      return errc::packet_too_large;
    if ((bytes[pos] & 0x80) == 0)
      return make_header(bytes[0], length, pos + 1);
  }
  return errc::malformed_remaining_length;
}

decode_result decode(std::span<const std::uint8_t> bytes,
                     std::size_t max_packet_size) {
  auto header = peek_fixed_header(bytes, max_packet_size);
  if (auto* err = std::get_if<errc>(&header))
    return *err;
  if (auto* more = std::get_if<need_more>(&header))
    return *more;
  const auto& hdr = std::get<fixed_header>(header);
  if (bytes.size() < hdr.total_size())
    return need_more{hdr.total_size() - bytes.size()};
  return decode_body(hdr, bytes.subspan(hdr.header_size, hdr.remaining_length));
}

bool is_well_formed_utf8(std::string_view str) {
  for (std::size_t pos = 0; pos < str.size();) {
    auto length = utf8_sequence_length(str, pos);
    if (length == 0)
      return false;
    pos += length;
  }
  return true;
}

} // namespace pando::mqtt
