// Byte-vector tests for every rule the MQTT 3.1.1 decoder enforces. Each case
// names the rule it covers; the input bytes are hand-written.

#include "transports/mqtt/codec/decoder.hpp"

#include <doctest/doctest.h>

#include "tests/unit/hex.hpp"

#include <set>
#include <sstream>
#include <string>

using namespace pando::mqtt;

namespace doctest {

template<>
struct StringMaker<errc> {
  static String convert(errc code) { return to_string(code); }
};

} // namespace doctest

namespace {

/// Returns the bytes of a space-separated list of two-digit hex numbers.
bytes hex(const std::string& text) {
  bool ok = false;
  auto out = pando::test::hex_tokens(text, ok);
  REQUIRE_MESSAGE(ok, "bad hex literal: " << text);
  return out;
}

/// Returns the error that decoding `text` (hex) yields; fails otherwise.
errc error_of(const std::string& text) {
  auto result = decode(hex(text), max_remaining_length);
  auto* err = std::get_if<errc>(&result);
  REQUIRE_MESSAGE(err != nullptr, "no decode error for " << text);
  return *err;
}

/// Returns whether `text` (hex) decodes to a complete packet.
bool accepted(const std::string& text) {
  auto wire = hex(text);
  auto result = decode(wire, max_remaining_length);
  auto* ok = std::get_if<decoded>(&result);
  return ok != nullptr && ok->consumed == wire.size();
}

/// Returns a PUBLISH QoS 0 with the topic given as hex bytes.
std::string publish_topic(const std::string& topic_hex) {
  auto size = hex(topic_hex).size();
  std::ostringstream out;
  out << std::hex << "30 " << size + 2 << " 00 " << size << " " << topic_hex;
  return out.str();
}

} // namespace

// -- fixed header -------------------------------------------------------------

TEST_CASE("mqtt validation: packet types 0 and 15 are reserved") {
  CHECK(error_of("00 00") == errc::invalid_packet_type);
  CHECK(error_of("f0 00") == errc::invalid_packet_type);
  CHECK(error_of("0f") == errc::invalid_packet_type);
}

TEST_CASE("mqtt validation: reserved fixed header flags [MQTT-2.2.2-1,2]") {
  CHECK(error_of("11 0c 00 04 4d 51 54 54 04 02 00 00 00 00")
        == errc::reserved_flags);
  CHECK(error_of("28 02 00 00") == errc::reserved_flags);
  CHECK(error_of("41 02 00 01") == errc::reserved_flags);
  CHECK(error_of("52 02 00 01") == errc::reserved_flags);
  CHECK(error_of("60 02 00 01") == errc::reserved_flags); // PUBREL needs 0010
  CHECK(error_of("63 02 00 01") == errc::reserved_flags);
  CHECK(error_of("74 02 00 01") == errc::reserved_flags);
  CHECK(error_of("80 06 00 01 00 01 61 00") == errc::reserved_flags);
  CHECK(error_of("92 03 00 01 00") == errc::reserved_flags);
  CHECK(error_of("a0 05 00 01 00 01 61") == errc::reserved_flags);
  CHECK(error_of("b8 02 00 01") == errc::reserved_flags);
  CHECK(error_of("c1 00") == errc::reserved_flags);
  CHECK(error_of("d2 00") == errc::reserved_flags);
  CHECK(error_of("ef 00") == errc::reserved_flags);
  // The first byte alone is enough to tell.
  CHECK(error_of("c1") == errc::reserved_flags);
}

TEST_CASE("mqtt validation: PUBLISH QoS 3 [MQTT-3.3.1-4]") {
  CHECK(error_of("36 05 00 01 61 00 01") == errc::invalid_qos);
  CHECK(error_of("3f") == errc::invalid_qos);
}

TEST_CASE("mqtt validation: PUBLISH QoS 0 with DUP [MQTT-3.3.1-2]") {
  CHECK(error_of("38 03 00 01 61") == errc::bad_publish_flags);
  CHECK(error_of("39") == errc::bad_publish_flags);
}

// -- lengths ------------------------------------------------------------------

TEST_CASE("mqtt validation: fixed-length packets have exactly their length") {
  CHECK(error_of("20 00") == errc::truncated);
  CHECK(error_of("20 03 00 00 00") == errc::trailing_bytes);
  CHECK(error_of("40 01 00") == errc::truncated);
  CHECK(error_of("40 03 00 01 00") == errc::trailing_bytes);
  CHECK(error_of("50 00") == errc::truncated);
  CHECK(error_of("62 03 00 01 00") == errc::trailing_bytes);
  CHECK(error_of("70 04 00 01 00 00") == errc::trailing_bytes);
  CHECK(error_of("b0 01 00") == errc::truncated);
  CHECK(error_of("c0 01 00") == errc::trailing_bytes);
  CHECK(error_of("d0 01 00") == errc::trailing_bytes);
  CHECK(error_of("e0 01 00") == errc::trailing_bytes);
}

TEST_CASE("mqtt validation: fields running past the remaining length") {
  CHECK(error_of("30 00") == errc::truncated);
  CHECK(error_of("30 01 00") == errc::truncated);
  CHECK(error_of("30 03 00 05 61") == errc::truncated);
  CHECK(error_of("32 03 00 01 61") == errc::truncated); // no packet id
  CHECK(error_of("32 04 00 01 61 00") == errc::truncated);
  CHECK(error_of("10 00") == errc::truncated);
  CHECK(error_of("10 0a 00 04 4d 51 54 54 04 02 00 00") == errc::truncated);
  // Flags announce a will, user name and password that are missing.
  CHECK(error_of("10 0c 00 04 4d 51 54 54 04 06 00 00 00 00")
        == errc::truncated);
  CHECK(error_of("10 0c 00 04 4d 51 54 54 04 c2 00 00 00 00")
        == errc::truncated);
  CHECK(error_of("82 00") == errc::truncated);
  CHECK(error_of("82 05 00 01 00 01 61") == errc::truncated); // no QoS byte
  CHECK(error_of("82 06 00 01 00 03 61 00") == errc::truncated);
  CHECK(error_of("90 01 00") == errc::truncated);
  CHECK(error_of("a2 03 00 01 00") == errc::truncated);
}

TEST_CASE("mqtt validation: CONNECT with trailing bytes") {
  CHECK(error_of("10 0d 00 04 4d 51 54 54 04 02 00 00 00 00 ff")
        == errc::trailing_bytes);
}

// -- UTF-8 [MQTT-1.5.3] -------------------------------------------------------

TEST_CASE("mqtt validation: ill-formed UTF-8 in a topic name") {
  CHECK(error_of(publish_topic("00")) == errc::bad_utf8);       // U+0000
  CHECK(error_of(publish_topic("61 00 62")) == errc::bad_utf8); // U+0000
  CHECK(error_of(publish_topic("c0 af")) == errc::bad_utf8);    // overlong '/'
  CHECK(error_of(publish_topic("c1 bf")) == errc::bad_utf8);    // overlong
  CHECK(error_of(publish_topic("c0 80")) == errc::bad_utf8); // overlong U+0000
  CHECK(error_of(publish_topic("e0 80 80")) == errc::bad_utf8); // overlong
  CHECK(error_of(publish_topic("e0 9f bf")) == errc::bad_utf8); // U+07FF long
  CHECK(error_of(publish_topic("f0 8f bf bf")) == errc::bad_utf8); // overlong
  CHECK(error_of(publish_topic("ed a0 80")) == errc::bad_utf8);    // U+D800
  CHECK(error_of(publish_topic("ed bf bf")) == errc::bad_utf8);    // U+DFFF
  CHECK(error_of(publish_topic("f4 90 80 80")) == errc::bad_utf8); // >10FFFF
  CHECK(error_of(publish_topic("80")) == errc::bad_utf8);    // continuation
  CHECK(error_of(publish_topic("61 c3")) == errc::bad_utf8); // cut sequence
  CHECK(error_of(publish_topic("e2 82")) == errc::bad_utf8); // cut sequence
  CHECK(error_of(publish_topic("c3 28")) == errc::bad_utf8); // bad follower
  CHECK(error_of(publish_topic("f8 88 80 80 80")) == errc::bad_utf8);
  CHECK(error_of(publish_topic("fe")) == errc::bad_utf8);
  CHECK(error_of(publish_topic("ff")) == errc::bad_utf8);
}

TEST_CASE("mqtt validation: well-formed UTF-8 boundaries are accepted") {
  CHECK(accepted(publish_topic("7f")));          // U+007F
  CHECK(accepted(publish_topic("c2 80")));       // U+0080
  CHECK(accepted(publish_topic("df bf")));       // U+07FF
  CHECK(accepted(publish_topic("e0 a0 80")));    // U+0800
  CHECK(accepted(publish_topic("ed 9f bf")));    // U+D7FF
  CHECK(accepted(publish_topic("ee 80 80")));    // U+E000
  CHECK(accepted(publish_topic("ef bb bf")));    // U+FEFF is kept
  CHECK(accepted(publish_topic("ef bf bf")));    // U+FFFF (a MAY rule)
  CHECK(accepted(publish_topic("f0 90 80 80"))); // U+10000
  CHECK(accepted(publish_topic("f4 8f bf bf"))); // U+10FFFF
}

TEST_CASE("mqtt validation: ill-formed UTF-8 in CONNECT strings") {
  // Client id "\xff".
  CHECK(error_of("10 0d 00 04 4d 51 54 54 04 02 00 00 00 01 ff")
        == errc::bad_utf8);
  // User name "\xc0\x80" (overlong U+0000).
  CHECK(error_of("10 11 00 04 4d 51 54 54 04 82 00 00 00 01 63 00 02 c0 80")
        == errc::bad_utf8);
  // Will topic "\xed\xa0\x80" (surrogate).
  CHECK(error_of("10 14 00 04 4d 51 54 54 04 06 00 00 00 01 63"
                 " 00 03 ed a0 80 00 00")
        == errc::bad_utf8);
}

TEST_CASE("mqtt validation: ill-formed UTF-8 in topic filters") {
  CHECK(error_of("82 06 00 01 00 01 00 00") == errc::bad_utf8);
  CHECK(error_of("a2 05 00 01 00 01 ff") == errc::bad_utf8);
}

TEST_CASE("mqtt validation: is_well_formed_utf8") {
  CHECK(is_well_formed_utf8(""));
  CHECK(is_well_formed_utf8("plain/ascii"));
  CHECK(is_well_formed_utf8("\xe2\x82\xac"));
  CHECK_FALSE(is_well_formed_utf8(std::string_view{"a\0b", 3}));
  CHECK_FALSE(is_well_formed_utf8("\xed\xb0\x80"));
}

// -- CONNECT rules -----------------------------------------------------------

TEST_CASE("mqtt validation: protocol name [MQTT-3.1.2-1]") {
  CHECK(error_of("10 0c 00 04 4d 51 54 58 04 02 00 00 00 00")
        == errc::bad_protocol_name); // "MQTX"
  CHECK(error_of("10 0c 00 04 6d 71 74 74 04 02 00 00 00 00")
        == errc::bad_protocol_name); // "mqtt"
  CHECK(error_of("10 0b 00 03 4d 51 54 04 02 00 00 00 00")
        == errc::bad_protocol_name); // "MQT"
  CHECK(error_of("10 08 00 00 04 02 00 00 00 00") == errc::bad_protocol_name);
}

TEST_CASE("mqtt validation: protocol level [MQTT-3.1.2-2]") {
  CHECK(error_of("10 0c 00 04 4d 51 54 54 03 02 00 00 00 00")
        == errc::bad_protocol_level);
  CHECK(error_of("10 0c 00 04 4d 51 54 54 05 02 00 00 00 00")
        == errc::bad_protocol_level);
  // A real MQTT 5 CONNECT (with a property length) fails on its level.
  CHECK(error_of("10 0d 00 04 4d 51 54 54 05 02 00 00 00 00 00")
        == errc::bad_protocol_level);
  CHECK(error_of("10 0e 00 06 4d 51 49 73 64 70 04 02 00 00 00 00")
        == errc::bad_protocol_level);
}

TEST_CASE("mqtt validation: CONNECT flags") {
  // Reserved bit set [MQTT-3.1.2-3].
  CHECK(error_of("10 0c 00 04 4d 51 54 54 04 03 00 00 00 00")
        == errc::bad_connect_flags);
  // Will retain without will flag [MQTT-3.1.2-15].
  CHECK(error_of("10 0c 00 04 4d 51 54 54 04 22 00 00 00 00")
        == errc::bad_connect_flags);
  // Will QoS 1 or 3 without will flag [MQTT-3.1.2-13].
  CHECK(error_of("10 0c 00 04 4d 51 54 54 04 0a 00 00 00 00")
        == errc::bad_connect_flags);
  CHECK(error_of("10 0c 00 04 4d 51 54 54 04 1a 00 00 00 00")
        == errc::bad_connect_flags);
  // Password without user name [MQTT-3.1.2-22].
  CHECK(error_of("10 10 00 04 4d 51 54 54 04 42 00 00 00 00 00 02 70 77")
        == errc::bad_connect_flags);
}

TEST_CASE("mqtt validation: will QoS 3 [MQTT-3.1.2-14]") {
  CHECK(error_of("10 11 00 04 4d 51 54 54 04 1e 00 00 00 00 00 01 77 00 00")
        == errc::invalid_qos);
}

TEST_CASE("mqtt validation: will topic must be a topic name") {
  CHECK(error_of("10 11 00 04 4d 51 54 54 04 06 00 00 00 00 00 01 23 00 00")
        == errc::bad_topic_name);
  CHECK(error_of("10 10 00 04 4d 51 54 54 04 06 00 00 00 00 00 00 00 00")
        == errc::bad_topic_name);
}

// -- PUBLISH and packet ids ---------------------------------------------------

TEST_CASE("mqtt validation: PUBLISH topic name [MQTT-3.3.2-2, 4.7.3-1]") {
  CHECK(error_of("30 02 00 00") == errc::bad_topic_name);
  CHECK(error_of("30 05 00 03 61 2f 2b") == errc::bad_topic_name);
  CHECK(error_of("30 03 00 01 23") == errc::bad_topic_name);
  CHECK(error_of("30 04 00 02 61 23") == errc::bad_topic_name);
}

TEST_CASE("mqtt validation: packet id 0 [MQTT-2.3.1-1]") {
  CHECK(error_of("32 05 00 01 61 00 00") == errc::zero_packet_id);
  CHECK(error_of("34 05 00 01 61 00 00") == errc::zero_packet_id);
  CHECK(error_of("40 02 00 00") == errc::zero_packet_id);
  CHECK(error_of("50 02 00 00") == errc::zero_packet_id);
  CHECK(error_of("62 02 00 00") == errc::zero_packet_id);
  CHECK(error_of("70 02 00 00") == errc::zero_packet_id);
  CHECK(error_of("82 06 00 00 00 01 61 00") == errc::zero_packet_id);
  CHECK(error_of("90 03 00 00 00") == errc::zero_packet_id);
  CHECK(error_of("a2 05 00 00 00 01 61") == errc::zero_packet_id);
  CHECK(error_of("b0 02 00 00") == errc::zero_packet_id);
}

// -- SUBSCRIBE, SUBACK, UNSUBSCRIBE
// --------------------------------------------

TEST_CASE("mqtt validation: SUBSCRIBE needs a filter [MQTT-3.8.3-3]") {
  CHECK(error_of("82 02 00 01") == errc::empty_subscribe);
}

TEST_CASE("mqtt validation: UNSUBSCRIBE needs a filter [MQTT-3.10.3-2]") {
  CHECK(error_of("a2 02 00 01") == errc::empty_unsubscribe);
}

TEST_CASE("mqtt validation: SUBACK needs a return code") {
  CHECK(error_of("90 02 00 01") == errc::empty_suback);
}

TEST_CASE("mqtt validation: requested QoS byte [MQTT-3.8.3-4]") {
  CHECK(error_of("82 06 00 01 00 01 61 03") == errc::invalid_qos);
  CHECK(error_of("82 06 00 01 00 01 61 81") == errc::invalid_qos);
  CHECK(error_of("82 06 00 01 00 01 61 04") == errc::invalid_qos);
  // The second entry is checked too.
  CHECK(error_of("82 0a 00 01 00 01 61 00 00 01 62 fc") == errc::invalid_qos);
}

TEST_CASE("mqtt validation: topic filters [MQTT-4.7.1-2,3]") {
  CHECK(error_of("82 05 00 01 00 00 00") == errc::bad_topic_filter);
  CHECK(error_of("82 07 00 01 00 02 61 23 00") == errc::bad_topic_filter);
  CHECK(error_of("82 07 00 01 00 02 61 2b 00") == errc::bad_topic_filter);
  CHECK(error_of("82 08 00 01 00 03 23 2f 61 00") == errc::bad_topic_filter);
  CHECK(error_of("a2 04 00 01 00 00") == errc::bad_topic_filter);
  CHECK(error_of("a2 07 00 01 00 03 2b 2b 2f") == errc::bad_topic_filter);
}

TEST_CASE("mqtt validation: SUBACK return codes [MQTT-3.9.3-2]") {
  CHECK(error_of("90 03 00 01 03") == errc::invalid_return_code);
  CHECK(error_of("90 03 00 01 81") == errc::invalid_return_code);
  CHECK(error_of("90 04 00 01 00 7f") == errc::invalid_return_code);
}

// -- CONNACK ------------------------------------------------------------------

TEST_CASE("mqtt validation: CONNACK flags [MQTT-3.2.2-1,4]") {
  CHECK(error_of("20 02 02 00") == errc::bad_connack_flags);
  CHECK(error_of("20 02 80 00") == errc::bad_connack_flags);
  CHECK(error_of("20 02 01 05") == errc::bad_connack_flags);
}

TEST_CASE("mqtt validation: CONNACK return codes above 5") {
  CHECK(error_of("20 02 00 06") == errc::invalid_return_code);
  CHECK(error_of("20 02 00 ff") == errc::invalid_return_code);
}

// -- errc ---------------------------------------------------------------------

TEST_CASE("mqtt validation: every errc has its own name") {
  std::set<std::string> names;
  auto last = static_cast<int>(errc::invalid_return_code);
  for (int i = 1; i <= last; ++i) {
    auto name = std::string{to_string(static_cast<errc>(i))};
    CHECK(name != "unknown");
    names.insert(name);
  }
  CHECK(names.size() == static_cast<std::size_t>(last));
  CHECK(std::string{to_string(static_cast<errc>(0))} == "unknown");
  CHECK(std::string{to_string(errc::bad_protocol_level)}
        == "bad_protocol_level");
}
