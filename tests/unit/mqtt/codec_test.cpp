// Byte-vector tests for the MQTT 3.1.1 codec: every packet type in both
// directions, the remaining-length boundaries, incremental feeding and
// back-to-back packets. Expected bytes are written by hand from the standard
// (and pando spec 5.4), never produced by the code under test.

#include "transports/mqtt/codec/decoder.hpp"
#include "transports/mqtt/codec/encoder.hpp"

#include <doctest/doctest.h>

#include "tests/unit/hex.hpp"

#include <sstream>
#include <string>
#include <vector>

using namespace pando::mqtt;

namespace {

constexpr std::size_t no_limit = max_remaining_length;

/// Returns the bytes of a space-separated list of two-digit hex numbers.
bytes hex(const std::string& text) {
  bool ok = false;
  auto out = pando::test::hex_tokens(text, ok);
  REQUIRE_MESSAGE(ok, "bad hex literal: " << text);
  return out;
}

/// Returns `head` followed by `tail`.
bytes cat(bytes head, const bytes& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

/// Returns the bytes of `str`.
bytes ascii(std::string_view str) { return {str.begin(), str.end()}; }

/// Returns a human-readable summary of `result` for failure messages.
std::string describe(const decode_result& result) {
  if (auto* err = std::get_if<errc>(&result))
    return std::string{"error "} + to_string(*err);
  if (auto* more = std::get_if<need_more>(&result))
    return "need_more " + std::to_string(more->at_least);
  const auto& ok = std::get<decoded>(result);
  return std::string{"decoded "} + to_string(type_of(ok.packet)) + " consumed "
         + std::to_string(ok.consumed);
}

/// Decodes `wire`, which must hold exactly one complete packet.
packet decode_one(const bytes& wire, std::size_t max = no_limit) {
  auto result = decode(wire, max);
  auto* ok = std::get_if<decoded>(&result);
  REQUIRE_MESSAGE(ok != nullptr, describe(result));
  CHECK(ok->consumed == wire.size());
  return ok->packet;
}

/// Checks that `wire` decodes to `value` and `value` encodes to `wire`.
void check_wire(const packet& value, const bytes& wire) {
  CHECK(decode_one(wire) == value);
  CHECK(encode(value) == wire);
}

/// The 16-byte token of spec 5.4(b) as 32 ASCII hex characters.
const std::string pando_token = "00112233445566778899aabbccddeeff";

/// The 34-byte status report payload of spec 5.4(a).
bytes status_report() {
  return hex("00"
             " 00 00 01 54 65 fd 9c 00"
             " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
             " 00 01 00 01 00 01"
             " 00 07 01");
}

/// Returns a QoS 0 PUBLISH on topic "a" whose remaining length is `length`.
publish publish_with_remaining_length(std::size_t length) {
  publish result;
  result.topic = "a";
  result.payload.resize(length - 3);
  for (std::size_t i = 0; i < result.payload.size(); ++i)
    result.payload[i] = static_cast<std::uint8_t>(i * 7);
  return result;
}

} // namespace

// -- pando examples (spec 5.4) ------------------------------------------------

TEST_CASE("mqtt codec: pando device CONNECT of spec 5.4(e)") {
  auto wire = cat(hex("10 34 00 04 4d 51 54 54 04 c2 00 1e"
                      " 00 02 31 61 00 02 31 61 00 20"),
                  ascii(pando_token));
  REQUIRE(wire.size() == 2 + 0x34);
  connect expected;
  expected.protocol_level = 4;
  expected.clean_session = true;
  expected.keep_alive = 30;
  expected.client_id = "1a";
  expected.username = "1a";
  expected.password = ascii(pando_token);
  check_wire(expected, wire);
}

TEST_CASE("mqtt codec: pando status PUBLISH of spec 5.4(a)") {
  auto payload = status_report();
  REQUIRE(payload.size() == 34);
  auto wire = cat(hex("32 27 00 01 73 00 01"), payload);
  publish expected;
  expected.qos = qos::at_least_once;
  expected.topic = "s";
  expected.packet_id = 1;
  expected.payload = payload;
  check_wire(expected, wire);
}

TEST_CASE("mqtt codec: broker CONNACK accepted is 20 02 00 00") {
  check_wire(connack{}, hex("20 02 00 00"));
}

// -- CONNECT variants ---------------------------------------------------------

TEST_CASE("mqtt codec: minimal CONNECT with empty client id") {
  connect expected;
  check_wire(expected, hex("10 0c 00 04 4d 51 54 54 04 02 00 00 00 00"));
}

TEST_CASE("mqtt codec: CONNECT with will, QoS 1, retain and keep-alive 60") {
  connect expected;
  expected.keep_alive = 60;
  expected.client_id = "c";
  expected.will = will_message{"w", ascii("bye"), qos::at_least_once, true};
  check_wire(expected, hex("10 15 00 04 4d 51 54 54 04 2e 00 3c 00 01 63"
                           " 00 01 77 00 03 62 79 65"));
}

TEST_CASE("mqtt codec: CONNECT with will QoS 2 and no retain") {
  connect expected;
  expected.clean_session = false;
  expected.client_id = "c";
  expected.will = will_message{"w", {}, qos::exactly_once, false};
  check_wire(expected, hex("10 12 00 04 4d 51 54 54 04 14 00 00 00 01 63"
                           " 00 01 77 00 00"));
}

TEST_CASE("mqtt codec: CONNECT with user name only") {
  connect expected;
  expected.clean_session = false;
  expected.client_id = "c";
  expected.username = "u";
  check_wire(expected, hex("10 10 00 04 4d 51 54 54 04 80 00 00 00 01 63"
                           " 00 01 75"));
}

TEST_CASE("mqtt codec: CONNECT password is binary, not UTF-8") {
  connect expected;
  expected.clean_session = false;
  expected.keep_alive = 10;
  expected.username = "";
  expected.password = hex("ff 00");
  check_wire(expected, hex("10 12 00 04 4d 51 54 54 04 c0 00 0a 00 00"
                           " 00 00 00 02 ff 00"));
}

TEST_CASE("mqtt codec: MQTT 3.1 CONNECT (MQIsdp, level 3) is accepted") {
  connect expected;
  expected.protocol_level = protocol_level_v31;
  check_wire(expected, hex("10 0e 00 06 4d 51 49 73 64 70 03 02 00 00 00 00"));
}

// -- CONNACK and PUBLISH ------------------------------------------------------

TEST_CASE("mqtt codec: CONNACK variants") {
  check_wire(connack{true, connect_return_code::accepted}, hex("20 02 01 00"));
  check_wire(connack{false, connect_return_code::unacceptable_protocol_version},
             hex("20 02 00 01"));
  check_wire(connack{false, connect_return_code::not_authorized},
             hex("20 02 00 05"));
}

TEST_CASE("mqtt codec: PUBLISH QoS 0 has no packet id") {
  publish expected;
  expected.topic = "a";
  expected.payload = ascii("hi!");
  check_wire(expected, hex("30 06 00 01 61 68 69 21"));
  expected.retain = true;
  check_wire(expected, hex("31 06 00 01 61 68 69 21"));
}

TEST_CASE("mqtt codec: PUBLISH with empty payload") {
  publish expected;
  expected.topic = "a";
  check_wire(expected, hex("30 03 00 01 61"));
}

TEST_CASE("mqtt codec: PUBLISH QoS 2 with DUP and RETAIN") {
  publish expected;
  expected.dup = true;
  expected.qos = qos::exactly_once;
  expected.retain = true;
  expected.topic = "a/b";
  expected.packet_id = 0x1234;
  check_wire(expected, hex("3d 07 00 03 61 2f 62 12 34"));
}

TEST_CASE("mqtt codec: PUBLISH topic with multi-byte UTF-8") {
  publish expected;
  expected.topic = "\xc3\xa9/\xe2\x82\xac/\xf0\x9f\x98\x80"; // é/€/😀
  check_wire(expected, hex("30 0d 00 0b c3 a9 2f e2 82 ac 2f f0 9f 98 80"));
}

// -- acknowledgements and the rest --------------------------------------------

TEST_CASE("mqtt codec: publish acknowledgements") {
  check_wire(puback{1}, hex("40 02 00 01"));
  check_wire(pubrec{0x1234}, hex("50 02 12 34"));
  check_wire(pubrel{0xffff}, hex("62 02 ff ff"));
  check_wire(pubcomp{7}, hex("70 02 00 07"));
}

TEST_CASE("mqtt codec: SUBSCRIBE with two filters") {
  subscribe expected{10,
                     {{"a/+", qos::at_least_once}, {"#", qos::exactly_once}}};
  check_wire(expected, hex("82 0c 00 0a 00 03 61 2f 2b 01 00 01 23 02"));
}

TEST_CASE("mqtt codec: SUBACK with every return code") {
  suback expected{
    10,
    {suback_return_code::granted_qos0, suback_return_code::granted_qos1,
     suback_return_code::granted_qos2, suback_return_code::failure}};
  check_wire(expected, hex("90 06 00 0a 00 01 02 80"));
}

TEST_CASE("mqtt codec: UNSUBSCRIBE and UNSUBACK") {
  check_wire(unsubscribe{11, {"c", "a/#"}},
             hex("a2 0a 00 0b 00 01 63 00 03 61 2f 23"));
  check_wire(unsuback{11}, hex("b0 02 00 0b"));
}

TEST_CASE("mqtt codec: PINGREQ, PINGRESP and DISCONNECT") {
  check_wire(pingreq{}, hex("c0 00"));
  check_wire(pingresp{}, hex("d0 00"));
  check_wire(disconnect{}, hex("e0 00"));
}

TEST_CASE("mqtt codec: encode appends to existing bytes") {
  auto out = hex("aa");
  encode(pingreq{}, out);
  encode(puback{2}, out);
  CHECK(out == hex("aa c0 00 40 02 00 02"));
}

TEST_CASE("mqtt codec: to_string of packet_type") {
  CHECK(std::string{to_string(packet_type::connect)} == "connect");
  CHECK(std::string{to_string(packet_type::pubrel)} == "pubrel");
  CHECK(std::string{to_string(packet_type::disconnect)} == "disconnect");
  CHECK(std::string{to_string(static_cast<packet_type>(0))} == "invalid");
  CHECK(std::string{to_string(static_cast<packet_type>(15))} == "invalid");
  CHECK(type_of(packet{unsuback{1}}) == packet_type::unsuback);
}

// -- remaining length boundaries ---------------------------------------------

TEST_CASE("mqtt codec: remaining length 0") {
  check_wire(pingreq{}, hex("c0 00"));
  auto header = peek_fixed_header(hex("c0 00"), no_limit);
  CHECK(header == header_result{fixed_header{packet_type::pingreq, 0, 0, 2}});
}

TEST_CASE("mqtt codec: remaining length boundaries round trip") {
  struct boundary {
    std::size_t length;
    std::string header;
  };
  // Expected headers from the table in MQTT 3.1.1 section 2.2.3.
  auto boundaries = std::vector<boundary>{
    {127, "30 7f"},           {128, "30 80 01"},
    {16383, "30 ff 7f"},      {16384, "30 80 80 01"},
    {2097151, "30 ff ff 7f"}, {2097152, "30 80 80 80 01"},
  };
  for (const auto& entry : boundaries) {
    CAPTURE(entry.length);
    auto value = publish_with_remaining_length(entry.length);
    auto wire = cat(hex(entry.header + " 00 01 61"), value.payload);
    REQUIRE(wire.size() == hex(entry.header).size() + entry.length);
    check_wire(value, wire);
  }
}

TEST_CASE("mqtt codec: largest remaining length 268435455") {
  auto wire = hex("30 ff ff ff 7f");
  auto header = peek_fixed_header(wire, no_limit);
  CHECK(header
        == header_result{fixed_header{packet_type::publish, 0, 268435455, 5}});
  CHECK(decode(wire, no_limit) == decode_result{need_more{268435455}});
}

TEST_CASE("mqtt codec: a fifth remaining length byte is an error") {
  CHECK(decode(hex("30 ff ff ff ff 01"), no_limit)
        == decode_result{errc::malformed_remaining_length});
  CHECK(decode(hex("30 80 80 80 80 00"), no_limit)
        == decode_result{errc::malformed_remaining_length});
  // The error shows as soon as the fourth byte has its continuation bit.
  CHECK(decode(hex("c0 80 80 80 80"), no_limit)
        == decode_result{errc::malformed_remaining_length});
}

TEST_CASE("mqtt codec: non-minimal remaining length is accepted") {
  // MQTT 3.1.1 section 2.2.3 does not require the shortest encoding.
  auto result = decode(hex("c0 80 00"), no_limit);
  CHECK(result == decode_result{decoded{pingreq{}, 3}});
}

// -- packet size limit --------------------------------------------------------

TEST_CASE("mqtt codec: oversized packet is rejected before its body") {
  // Only the fixed header of the spec 5.4(a) PUBLISH (remaining length 39).
  CHECK(decode(hex("32 27"), 38) == decode_result{errc::packet_too_large});
  CHECK(decode(hex("32 27"), 39) == decode_result{need_more{39}});
  auto wire = cat(hex("32 27 00 01 73 00 01"), status_report());
  CHECK(std::holds_alternative<decoded>(decode(wire, 39)));
  CHECK(decode(wire, 38) == decode_result{errc::packet_too_large});
}

TEST_CASE("mqtt codec: oversize shows before the length field is complete") {
  // After "ff ff" the length is at least 16383, whatever follows.
  CHECK(peek_fixed_header(hex("30 ff ff"), 16382)
        == header_result{errc::packet_too_large});
  CHECK(peek_fixed_header(hex("30 ff ff"), 16383)
        == header_result{need_more{}});
}

TEST_CASE("mqtt codec: fixed-size packets fail on their header alone") {
  CHECK(peek_fixed_header(hex("40 03"), no_limit)
        == header_result{errc::trailing_bytes});
  CHECK(peek_fixed_header(hex("40 01"), no_limit)
        == header_result{errc::truncated});
  CHECK(peek_fixed_header(hex("c0 ff ff 7f"), no_limit)
        == header_result{errc::trailing_bytes});
}

// -- incremental decoding
// -------------------------------------------------------

TEST_CASE("mqtt codec: feeding a CONNECT byte by byte") {
  auto wire = cat(hex("10 34 00 04 4d 51 54 54 04 c2 00 1e"
                      " 00 02 31 61 00 02 31 61 00 20"),
                  ascii(pando_token));
  std::span<const std::uint8_t> all{wire};
  CHECK(decode(all.first(0), no_limit) == decode_result{need_more{2}});
  CHECK(decode(all.first(1), no_limit) == decode_result{need_more{1}});
  for (std::size_t size = 2; size < wire.size(); ++size) {
    CAPTURE(size);
    CHECK(decode(all.first(size), no_limit)
          == decode_result{need_more{wire.size() - size}});
  }
  auto result = decode(all, no_limit);
  REQUIRE(std::holds_alternative<decoded>(result));
  CHECK(std::get<decoded>(result).consumed == wire.size());
}

TEST_CASE("mqtt codec: feeding a two-byte remaining length byte by byte") {
  auto value = publish_with_remaining_length(200);
  auto wire = cat(hex("30 c8 01 00 01 61"), value.payload);
  std::span<const std::uint8_t> all{wire};
  CHECK(decode(all.first(2), no_limit) == decode_result{need_more{1}});
  CHECK(decode(all.first(3), no_limit) == decode_result{need_more{200}});
  CHECK(decode(all.first(202), no_limit) == decode_result{need_more{1}});
  CHECK(decode(all, no_limit) == decode_result{decoded{value, 203}});
}

TEST_CASE("mqtt codec: two packets back to back") {
  auto first = cat(hex("32 27 00 01 73 00 01"), status_report());
  auto wire = cat(first, hex("c0 00"));
  auto result = decode(wire, no_limit);
  REQUIRE(std::holds_alternative<decoded>(result));
  auto consumed = std::get<decoded>(result).consumed;
  CHECK(consumed == 41);
  CHECK(type_of(std::get<decoded>(result).packet) == packet_type::publish);
  auto rest = std::span<const std::uint8_t>{wire}.subspan(consumed);
  CHECK(decode(rest, no_limit) == decode_result{decoded{pingreq{}, 2}});
}

TEST_CASE("mqtt codec: a complete packet followed by a partial one") {
  auto wire = hex("40 02 00 05 40 02 00");
  CHECK(decode(wire, no_limit) == decode_result{decoded{puback{5}, 4}});
  auto rest = std::span<const std::uint8_t>{wire}.subspan(4);
  CHECK(decode(rest, no_limit) == decode_result{need_more{1}});
}

TEST_CASE("mqtt codec: receive loop over a stream cut into 5-byte chunks") {
  auto stream = cat(
    cat(hex("10 34 00 04 4d 51 54 54 04 c2 00 1e"
            " 00 02 31 61 00 02 31 61 00 20"),
        ascii(pando_token)),
    cat(cat(hex("32 27 00 01 73 00 01"), status_report()), hex("c0 00 e0 00")));
  constexpr std::size_t max_packet_size = 1024;
  std::vector<packet> received;
  bytes buffer;
  for (std::size_t pos = 0; pos < stream.size(); pos += 5) {
    auto end = stream.begin() + static_cast<std::ptrdiff_t>(pos);
    buffer.insert(buffer.end(), end,
                  end + std::min<std::ptrdiff_t>(5, stream.end() - end));
    // --(receive-loop-begin)--
    for (;;) {
      auto result = decode(buffer, max_packet_size);
      if (auto* ok = std::get_if<decoded>(&result)) {
        received.push_back(std::move(ok->packet));
        buffer.erase(buffer.begin(),
                     buffer.begin()
                       + static_cast<std::ptrdiff_t>(ok->consumed));
      } else if (std::holds_alternative<need_more>(result)) {
        break; // Wait for at least `need_more::at_least` further bytes.
      } else {
        FAIL(to_string(std::get<errc>(result))); // Close the connection.
      }
    }
    // --(receive-loop-end)--
  }
  CHECK(buffer.empty());
  REQUIRE(received.size() == 4);
  CHECK(type_of(received[0]) == packet_type::connect);
  CHECK(type_of(received[1]) == packet_type::publish);
  CHECK(received[2] == packet{pingreq{}});
  CHECK(received[3] == packet{disconnect{}});
}
