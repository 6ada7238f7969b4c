#include "actors/registry/payload_mapping.hpp"

#include <doctest/doctest.h>

#include "tests/unit/hex.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

using namespace pando::registry;
namespace proto = pando::proto;
using nlohmann::json;
using proto::tag;

namespace {

using byte_vec = std::vector<uint8_t>;

byte_vec hex(std::string_view str) { return pando::test::hex_pairs(str); }

template<class Message>
byte_vec encoded(const Message& x) {
  byte_vec out;
  if (proto::encode(x, out) != proto::errc::none)
    return {};
  return out;
}

/// Returns the TLV bytes of the value `x` maps to for `type`, or {} on error.
byte_vec tlv_of(tag type, const json& x) {
  auto val = value_from_json(type, x);
  byte_vec out;
  if (!val || proto::encode(*val, out) != proto::errc::none)
    return {};
  return out;
}

/// Returns the error message of mapping `x` to `type` ("" on success).
std::string value_error(tag type, const json& x) {
  auto val = value_from_json(type, x);
  return val ? "" : val.error().message;
}

std::string rendered(const mapping_error& x) { return to_string(x); }

product_config config_of(std::string_view text, config_options opts = {}) {
  auto res = parse_product_config(text, opts);
  REQUIRE_MESSAGE(res, (res.errors.empty() ? "" : to_string(res.errors[0])));
  return res.config;
}

// Spec 5.4 (a), (b) and (c) definitions in one config.
constexpr std::string_view spec_5_4 = R"({
  "objects": [{"no":1,"label":"switch","part":1,
               "status":[{"value_type":7,"name":"onoff"}]}],
  "commands": [{"no":1,"part":1,"name":"switch","priority":0,
                "params":[{"value_type":7},{"value_type":7}]}],
  "events": [{"no":1,"part":1,"name":"alarm","params":[{"value_type":12}]}]
})";

/// One object per value type, for the type round trip.
constexpr std::string_view all_types = R"({
  "objects": [{"no":1,"label":"all","part":2,"status":[
    {"value_type":1},{"value_type":2},{"value_type":3},{"value_type":4},
    {"value_type":5},{"value_type":6},{"value_type":7},{"value_type":8},
    {"value_type":9},{"value_type":10},{"value_type":11},{"value_type":12},
    {"value_type":13}]}],
  "commands": [{"no":7,"part":3,"name":"upgrade","priority":42,
                "params":[{"value_type":12},{"value_type":11}]},
               {"no":8,"part":3,"name":"reboot","params":[]}],
  "events": [{"no":9,"part":3,"name":"fault","priority":1,
              "params":[{"value_type":4}]}]
})";

const proto::token_bytes test_token{0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
                                    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
                                    0xcc, 0xdd, 0xee, 0xff};

// -- worked examples of spec 5.4, typed from the spec -------------------------

/// (a) device status report, 34 bytes.
const byte_vec example_a = hex("00"
                               "00 00 01 54 65 fd 9c 00"
                               "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                               "00 01 00 01 00 01"
                               "00 07 01");

/// (b) command to device, 39 bytes.
const byte_vec example_b
  = hex("00 | 00 00 00 00 57 24 59 80 |"
        "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff |"
        "00 01 00 01 00 00 00 02 | 00 07 01 | 00 07 02");

/// (c) event from device, 41 bytes.
const byte_vec example_c
  = hex("00 | 00 00 00 00 00 00 00 00 |"
        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 |"
        "00 01 00 01 00 00 00 01 | 00 0c 00 04 74 65 73 74");

} // namespace

// -- spec vectors -------------------------------------------------------------

TEST_CASE("payload mapping: spec 5.4 (a) status report renders as JSON") {
  auto cfg = config_of(spec_5_4);
  REQUIRE_EQ(example_a.size(), 34u);
  auto msg = proto::decode_data(example_a);
  REQUIRE(msg);
  auto res = status_to_json(cfg, *msg);
  REQUIRE(res);
  CHECK_EQ(*res, json::parse(R"({"switch":[1]})"));
}

TEST_CASE("payload mapping: spec 5.4 (a) status JSON maps to the bytes") {
  auto cfg = config_of(spec_5_4);
  auto res = status_from_json(cfg, json::parse(R"({"switch":[1]})"));
  REQUIRE(res);
  res->timestamp = 1462000000000;
  CHECK_EQ(encoded(*res), example_a);
}

TEST_CASE("payload mapping: spec 5.4 (b) command JSON maps to the bytes") {
  auto cfg = config_of(spec_5_4);
  auto res = command_from_json(cfg, json::parse(R"({"switch":[1,2]})"));
  REQUIRE(res);
  res->timestamp = 1462000000;
  res->token = test_token;
  REQUIRE_EQ(example_b.size(), 39u);
  CHECK_EQ(encoded(*res), example_b);
  auto back = command_to_json(cfg, *res);
  REQUIRE(back);
  CHECK_EQ(*back, json::parse(R"({"switch":[1,2]})"));
}

TEST_CASE("payload mapping: spec 5.4 (c) event renders as JSON") {
  auto cfg = config_of(spec_5_4);
  REQUIRE_EQ(example_c.size(), 41u);
  auto msg = proto::decode_event(example_c);
  REQUIRE(msg);
  auto res = event_to_json(cfg, *msg);
  REQUIRE(res);
  CHECK_EQ(*res, json::parse(R"({"alarm":["test"]})"));
  auto back = event_from_json(cfg, *res);
  REQUIRE(back);
  CHECK_EQ(encoded(*back), example_c);
}

TEST_CASE("payload mapping: spec 5.1 TLV examples from JSON values") {
  CHECK_EQ(tlv_of(tag::float64, 0.1), hex("00 01 3f b9 99 99 99 99 99 9a"));
  CHECK_EQ(tlv_of(tag::float32, 3.2), hex("00 02 40 4c cc cd"));
  CHECK_EQ(tlv_of(tag::int8, 1), hex("00 03 01"));
  CHECK_EQ(tlv_of(tag::int16, 20), hex("00 04 00 14"));
  CHECK_EQ(tlv_of(tag::int32, 16), hex("00 05 00 00 00 10"));
  CHECK_EQ(tlv_of(tag::int64, 100), hex("00 06 00 00 00 00 00 00 00 64"));
  CHECK_EQ(tlv_of(tag::uint8, 2), hex("00 07 02"));
  CHECK_EQ(tlv_of(tag::uint16, 30), hex("00 08 00 1e"));
  CHECK_EQ(tlv_of(tag::uint32, 300), hex("00 09 00 00 01 2c"));
  CHECK_EQ(tlv_of(tag::uint64, 200), hex("00 0a 00 00 00 00 00 00 00 c8"));
  // bytes "123" is base64 "MTIz" in JSON.
  CHECK_EQ(tlv_of(tag::bytes, "MTIz"), hex("00 0b 00 03 31 32 33"));
  CHECK_EQ(tlv_of(tag::string, "itachili"),
           hex("00 0c 00 08 69 74 61 63 68 69 6c 69"));
  CHECK_EQ(tlv_of(tag::boolean, true), hex("00 0d 01"));
  CHECK_EQ(tlv_of(tag::boolean, false), hex("00 0d 00"));
}

// -- JSON -> value ------------------------------------------------------------

TEST_CASE("payload mapping: integer ranges") {
  CHECK_EQ(tlv_of(tag::int8, -128), hex("00 03 80"));
  CHECK_EQ(tlv_of(tag::int8, 127), hex("00 03 7f"));
  CHECK_EQ(value_error(tag::int8, 128), "128 is out of range for int8 "
                                        "(-128..127)");
  CHECK_EQ(value_error(tag::int8, -129), "-129 is out of range for int8 "
                                         "(-128..127)");
  CHECK_EQ(tlv_of(tag::int16, -32768), hex("00 04 80 00"));
  CHECK_EQ(value_error(tag::int16, 32768), "32768 is out of range for int16 "
                                           "(-32768..32767)");
  CHECK_EQ(tlv_of(tag::int32, 2147483647), hex("00 05 7f ff ff ff"));
  CHECK_EQ(value_error(tag::int32, -2147483649LL),
           "-2147483649 is out of range for int32 (-2147483648..2147483647)");
  CHECK_EQ(value_error(tag::uint8, 300),
           "300 is out of range for uint8 (0..255)");
  CHECK_EQ(value_error(tag::uint8, -1),
           "-1 is out of range for uint8 (0..255)");
  CHECK_EQ(tlv_of(tag::uint16, 65535), hex("00 08 ff ff"));
  CHECK_EQ(value_error(tag::uint16, 65536),
           "65536 is out of range for uint16 (0..65535)");
  CHECK_EQ(tlv_of(tag::uint32, 4294967295u), hex("00 09 ff ff ff ff"));
  CHECK_EQ(value_error(tag::uint32, 4294967296),
           "4294967296 is out of range for uint32 (0..4294967295)");
}

TEST_CASE("payload mapping: int64 and uint64 keep their full range") {
  auto i64 = json::parse("[-9223372036854775808, 9223372036854775807, "
                         "9223372036854775808, 18446744073709551615, -1]");
  CHECK_EQ(tlv_of(tag::int64, i64[0]), hex("00 06 80 00 00 00 00 00 00 00"));
  CHECK_EQ(tlv_of(tag::int64, i64[1]), hex("00 06 7f ff ff ff ff ff ff ff"));
  CHECK_EQ(value_error(tag::int64, i64[2]),
           "9223372036854775808 is out of range for int64 "
           "(-9223372036854775808..9223372036854775807)");
  CHECK_EQ(tlv_of(tag::uint64, i64[3]), hex("00 0a ff ff ff ff ff ff ff ff"));
  CHECK_EQ(tlv_of(tag::uint64, i64[2]), hex("00 0a 80 00 00 00 00 00 00 00"));
  CHECK_EQ(value_error(tag::uint64, i64[4]),
           "-1 is out of range for uint64 (0..18446744073709551615)");
}

TEST_CASE("payload mapping: floats for integer types") {
  // An integral float is accepted, a fractional one is not.
  CHECK_EQ(tlv_of(tag::uint8, json::parse("1.0")), hex("00 07 01"));
  CHECK_EQ(tlv_of(tag::int16, json::parse("-2e2")), hex("00 04 ff 38"));
  CHECK_EQ(value_error(tag::uint8, json::parse("1.5")),
           "1.5 is not an integer (uint8)");
  CHECK_EQ(value_error(tag::uint8, json::parse("256.0")),
           "256.0 is out of range for uint8 (0..255)");
  // 2^63 is just out of range for int64; -2^63 is its minimum.
  CHECK_EQ(value_error(tag::int64, json::parse("9.223372036854775808e18")),
           "9.223372036854776e+18 is out of range for int64 "
           "(-9223372036854775808..9223372036854775807)");
  CHECK_EQ(tlv_of(tag::int64, json::parse("-9.223372036854775808e18")),
           hex("00 06 80 00 00 00 00 00 00 00"));
  CHECK_EQ(value_error(tag::uint64, json::parse("1.8446744073709551616e19")),
           "1.8446744073709552e+19 is out of range for uint64 "
           "(0..18446744073709551615)");
}

TEST_CASE("payload mapping: non-finite numbers") {
  auto nan = std::numeric_limits<double>::quiet_NaN();
  auto inf = std::numeric_limits<double>::infinity();
  CHECK_EQ(value_error(tag::uint8, nan), "non-finite number for uint8");
  CHECK_EQ(value_error(tag::float64, nan), "non-finite number for float64");
  CHECK_EQ(value_error(tag::float32, -inf), "non-finite number for float32");
}

TEST_CASE("payload mapping: float ranges and integers for floats") {
  CHECK_EQ(tlv_of(tag::float64, 1), hex("00 01 3f f0 00 00 00 00 00 00"));
  CHECK_EQ(tlv_of(tag::float32, 1), hex("00 02 3f 80 00 00"));
  CHECK_EQ(value_error(tag::float32, json::parse("1e39")),
           "1e+39 is out of range for float32");
  CHECK_EQ(tlv_of(tag::float64, json::parse("1e39")).size(), 10u);
}

TEST_CASE("payload mapping: wrong JSON kinds") {
  CHECK_EQ(value_error(tag::uint8, "1"),
           "expected an integer (uint8), got string");
  CHECK_EQ(value_error(tag::int32, true),
           "expected an integer (int32), got boolean");
  CHECK_EQ(value_error(tag::float64, nullptr),
           "expected a number (float64), got null");
  CHECK_EQ(value_error(tag::bytes, 5),
           "expected a base64 string (bytes), got number");
  CHECK_EQ(value_error(tag::string, json::array()),
           "expected a string, got array");
  CHECK_EQ(value_error(tag::boolean, 1),
           "expected true or false (bool), got number");
  CHECK_EQ(value_error(static_cast<tag>(14), 1), "unsupported value type 14");
  CHECK_EQ(value_error(static_cast<tag>(0), 1), "unsupported value type 0");
}

TEST_CASE("payload mapping: bytes are standard padded base64") {
  CHECK_EQ(tlv_of(tag::bytes, ""), hex("00 0b 00 00"));
  CHECK_EQ(tlv_of(tag::bytes, "AAEC/w=="), hex("00 0b 00 04 00 01 02 ff"));
  std::string expected = "not valid base64: bytes values must be base64 "
                         "(standard alphabet, with padding)";
  CHECK_EQ(value_error(tag::bytes, "123"), expected);  // raw text, old client
  CHECK_EQ(value_error(tag::bytes, "MTI"), expected);  // unpadded
  CHECK_EQ(value_error(tag::bytes, "MTJ="), expected); // unused bits set
  CHECK_EQ(value_error(tag::bytes, "AAEC_w=="), expected); // URL alphabet
  CHECK_EQ(value_error(tag::bytes, "MT Iz"), expected);
  CHECK_EQ(value_error(tag::bytes, "MQ==MTIz"), expected); // inner padding
}

TEST_CASE("payload mapping: bytes and strings are at most 65535 bytes") {
  CHECK_EQ(tlv_of(tag::string, std::string(65535, 'a')).size(), 65539u);
  CHECK_EQ(value_error(tag::string, std::string(65536, 'a')),
           "too long: 65536 bytes (at most 65535)");
  auto big = base64_encode(byte_vec(65536, 0));
  CHECK_EQ(value_error(tag::bytes, big),
           "too long: 65536 bytes (at most 65535)");
}

TEST_CASE("payload mapping: strings must be valid UTF-8") {
  CHECK_EQ(tlv_of(tag::string, "h\xc3\xa9"), hex("00 0c 00 03 68 c3 a9"));
  // Only a programmatically built JSON value can hold invalid UTF-8.
  CHECK_EQ(value_error(tag::string, std::string{"a\xff"}), "not valid UTF-8");
}

// -- value -> JSON ------------------------------------------------------------

TEST_CASE("payload mapping: values render as JSON") {
  CHECK_EQ(value_to_json(proto::value{0.1}).dump(), "0.1");
  CHECK_EQ(value_to_json(proto::value{3.2f}).dump(), "3.2");
  CHECK_EQ(value_to_json(proto::value{int8_t{-5}}).dump(), "-5");
  CHECK_EQ(
    value_to_json(proto::value{std::numeric_limits<int64_t>::min()}).dump(),
    "-9223372036854775808");
  CHECK_EQ(
    value_to_json(proto::value{std::numeric_limits<uint64_t>::max()}).dump(),
    "18446744073709551615");
  CHECK_EQ(value_to_json(proto::value{uint8_t{255}}).dump(), "255");
  CHECK_EQ(value_to_json(proto::value{proto::bytes{0x31, 0x32, 0x33}}).dump(),
           R"("MTIz")");
  CHECK_EQ(value_to_json(proto::value{std::string{"test"}}).dump(),
           R"("test")");
  CHECK_EQ(value_to_json(proto::value{true}).dump(), "true");
}

TEST_CASE("payload mapping: non-finite device floats render as null") {
  CHECK(value_to_json(std::numeric_limits<double>::quiet_NaN()).is_null());
  CHECK(value_to_json(std::numeric_limits<float>::infinity()).is_null());
}

TEST_CASE("payload mapping: invalid UTF-8 from devices is replaced") {
  auto render = [](std::string_view x) {
    return value_to_json(proto::value{std::string{x}}).get<std::string>();
  };
  const std::string fffd = "\xef\xbf\xbd";
  CHECK_EQ(render("a\xff"
                  "b"),
           "a" + fffd + "b");
  CHECK_EQ(render("\xe2\x82"), fffd + fffd);                       // truncated
  CHECK_EQ(render("\xc0\xaf"), fffd + fffd);                       // overlong
  CHECK_EQ(render("\xed\xa0\x80"), fffd + fffd + fffd);            // surrogate
  CHECK_EQ(render("\xf4\x90\x80\x80"), fffd + fffd + fffd + fffd); // > 10FFFF
  CHECK_EQ(render("h\xc3\xa9 \xf0\x9f\x98\x80"), "h\xc3\xa9 \xf0\x9f\x98\x80");
  CHECK(is_valid_utf8("h\xc3\xa9"));
  CHECK_FALSE(is_valid_utf8("\x80"));
}

TEST_CASE("payload mapping: base64 RFC 4648 test vectors") {
  auto enc = [](std::string_view x) {
    return base64_encode(byte_vec{x.begin(), x.end()});
  };
  auto dec = [](std::string_view x) {
    auto res = base64_decode(x);
    return res ? std::string{res->begin(), res->end()} : "<error>";
  };
  CHECK_EQ(enc(""), "");
  CHECK_EQ(enc("f"), "Zg==");
  CHECK_EQ(enc("fo"), "Zm8=");
  CHECK_EQ(enc("foo"), "Zm9v");
  CHECK_EQ(enc("foob"), "Zm9vYg==");
  CHECK_EQ(enc("fooba"), "Zm9vYmE=");
  CHECK_EQ(enc("foobar"), "Zm9vYmFy");
  CHECK_EQ(dec("Zg=="), "f");
  CHECK_EQ(dec("Zm8="), "fo");
  CHECK_EQ(dec("Zm9vYmFy"), "foobar");
  CHECK_EQ(dec("Zm9vYg=="), "foob");
  CHECK_EQ(dec("Zh=="), "<error>");
  CHECK_EQ(dec("Z==="), "<error>");
  CHECK_EQ(dec("===="), "<error>");
  CHECK_EQ(dec("Zg=a"), "<error>");
}

// -- status -------------------------------------------------------------------

TEST_CASE("payload mapping: status body errors") {
  auto cfg = config_of(spec_5_4);
  auto error_of = [&](std::string_view body) {
    auto res = status_from_json(cfg, json::parse(body));
    return res ? std::string{"<ok>"} : rendered(res.error());
  };
  CHECK_EQ(error_of("[1]"), R"(expected a JSON object {"<label>": [values], )"
                            "...}, got array");
  CHECK_EQ(error_of("{}"), "expected at least one object");
  CHECK_EQ(error_of(R"({"lamp":[1]})"), "lamp: unknown object");
  CHECK_EQ(error_of(R"({"switch":[1],"lamp":[1]})"), "lamp: unknown object");
  CHECK_EQ(error_of(R"({"switch":1})"),
           "switch: expected an array of 1 value(s), got number");
  CHECK_EQ(error_of(R"({"switch":[]})"), "switch: expected 1 value(s), got 0");
  CHECK_EQ(error_of(R"({"switch":[1,2]})"),
           "switch: expected 1 value(s), got 2");
  CHECK_EQ(error_of(R"({"switch":["1"]})"),
           "switch[0]: expected an integer (uint8), got string");
  CHECK_EQ(error_of(R"({"switch":[300]})"),
           "switch[0]: 300 is out of range for uint8 (0..255)");
  CHECK_EQ(error_of(R"({"switch":[-1]})"),
           "switch[0]: -1 is out of range for uint8 (0..255)");
  CHECK_EQ(error_of(R"({"switch":[1.5]})"),
           "switch[0]: 1.5 is not an integer (uint8)");
}

TEST_CASE("payload mapping: status objects follow config order") {
  auto cfg = config_of(R"({"objects":[
    {"no":2,"label":"b","part":1,"status":[{"value_type":7}]},
    {"no":1,"label":"a","part":3,"status":[{"value_type":8},{"value_type":12}]}
  ]})");
  auto res = status_from_json(cfg, json::parse(R"({"a":[7,"x"],"b":[1]})"));
  REQUIRE(res);
  CHECK_EQ(encoded(*res),
           hex("00 | 00 00 00 00 00 00 00 00 |"
               "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 |"
               "00 01 00 02 00 01 | 00 07 01 |"
               "00 03 00 01 00 02 | 00 08 00 07 | 00 0c 00 01 78"));
}

TEST_CASE("payload mapping: device status errors") {
  auto cfg = config_of(R"({"objects":[
    {"no":1,"label":"a","part":1,"status":[{"value_type":7}]},
    {"no":1,"label":"b","part":2,"status":[{"value_type":7}]},
    {"no":2,"label":"c","part":1,"status":[{"value_type":12}]}]})");
  auto render = [&](std::vector<proto::sub_data> xs) {
    auto res = status_to_json(cfg, xs);
    return res ? res->dump() : rendered(res.error());
  };
  using vals = std::vector<proto::value>;
  CHECK_EQ(render({{2, 1, vals{uint8_t{4}}}}), R"({"b":[4]})");
  // Fallback on the number alone (B14), unless ambiguous.
  CHECK_EQ(render({{7, 2, vals{std::string{"x"}}}}), R"({"c":["x"]})");
  CHECK_EQ(render({{7, 1, vals{uint8_t{4}}}}),
           "sub_data[0]: no object with part 7 and no 1");
  CHECK_EQ(render({{1, 2, vals{std::string{"x"}}}, {1, 9, vals{}}}),
           "sub_data[1]: no object with part 1 and no 9");
  CHECK_EQ(render({{1, 1, vals{uint8_t{4}, uint8_t{5}}}}),
           "a: expected 1 value(s), got 2");
  CHECK_EQ(render({{1, 1, vals{std::string{"4"}}}}),
           "a[0]: expected uint8, got string");
  CHECK_EQ(render({{1, 1, vals{uint8_t{1}}}, {1, 1, vals{uint8_t{2}}}}),
           "a: reported twice");
  CHECK_EQ(render({}), "{}");
}

TEST_CASE("payload mapping: every type round-trips through the wire") {
  auto cfg = config_of(all_types, {.allow_bool = true});
  auto body = json::parse(R"({"all":[0.1, 3.2, -128, -32768, 2147483647,
    -9223372036854775808, 255, 65535, 4294967295, 18446744073709551615,
    "AAEC/w==", "h\u00e9llo", true]})");
  auto data = status_from_json(cfg, body);
  REQUIRE(data);
  auto wire = encoded(*data);
  REQUIRE_FALSE(wire.empty());
  auto decoded = proto::decode_data(wire);
  REQUIRE(decoded);
  auto back = status_to_json(cfg, *decoded);
  REQUIRE(back);
  CHECK_EQ(back->dump(), body.dump());
}

// -- commands and events ------------------------------------------------------

TEST_CASE("payload mapping: exactly one command per request (B13)") {
  auto cfg = config_of(all_types, {.allow_bool = true});
  auto error_of = [&](std::string_view body) {
    auto res = command_from_json(cfg, json::parse(body));
    return res ? std::string{"<ok>"} : rendered(res.error());
  };
  CHECK_EQ(error_of(R"({"reboot":[],"upgrade":["u","MTIz"]})"),
           "expected exactly one command per request, got 2 (reboot, "
           "upgrade)");
  CHECK_EQ(error_of("{}"), "expected exactly one command per request, got 0");
  CHECK_EQ(error_of(R"("reboot")"),
           R"(expected a JSON object {"<command>": [params]}, got string)");
  CHECK_EQ(error_of(R"({"restart":[]})"), "restart: unknown command");
  CHECK_EQ(error_of(R"({"reboot":[]})"), "<ok>");
  CHECK_EQ(error_of(R"({"upgrade":["u"]})"),
           "upgrade: expected 2 value(s), got 1");
  CHECK_EQ(error_of(R"({"upgrade":["u","raw md5"]})"),
           "upgrade[1]: not valid base64: bytes values must be base64 "
           "(standard alphabet, with padding)");
  CHECK_EQ(error_of(R"({"upgrade":{"url":"u"}})"),
           "upgrade: expected an array of 2 value(s), got object");
}

TEST_CASE("payload mapping: commands carry part, no and priority (B9)") {
  auto cfg = config_of(all_types, {.allow_bool = true});
  auto res = command_from_json(cfg, json::parse(R"({"upgrade":["u","MTIz"]})"));
  REQUIRE(res);
  CHECK_EQ(encoded(*res),
           hex("00 | 00 00 00 00 00 00 00 00 |"
               "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 |"
               "00 03 00 07 00 2a 00 02 | 00 0c 00 01 75 |"
               "00 0b 00 03 31 32 33"));
  auto back = command_to_json(cfg, *res);
  REQUIRE(back);
  CHECK_EQ(*back, json::parse(R"({"upgrade":["u","MTIz"]})"));
}

TEST_CASE("payload mapping: device events") {
  auto cfg = config_of(all_types, {.allow_bool = true});
  auto render = [&](proto::event ev) {
    auto res = event_to_json(cfg, ev);
    return res ? res->dump() : rendered(res.error());
  };
  proto::event ev;
  ev.sub_device = 3;
  ev.no = 9;
  ev.params = {int16_t{-2}};
  CHECK_EQ(render(ev), R"({"fault":[-2]})");
  ev.sub_device = 0; // part mismatch: the number alone decides (B14)
  CHECK_EQ(render(ev), R"({"fault":[-2]})");
  ev.no = 10;
  CHECK_EQ(render(ev), "no event with part 0 and no 10");
  ev.no = 9;
  ev.params = {uint16_t{2}};
  CHECK_EQ(render(ev), "fault[0]: expected int16, got uint16");
  ev.params = {};
  CHECK_EQ(render(ev), "fault: expected 1 value(s), got 0");
  proto::command cmd;
  cmd.sub_device = 3;
  cmd.no = 99;
  auto res = command_to_json(cfg, cmd);
  REQUIRE_FALSE(res);
  CHECK_EQ(rendered(res.error()), "no command with part 3 and no 99");
}

TEST_CASE("payload mapping: events from JSON take the config's header") {
  auto cfg = config_of(all_types, {.allow_bool = true});
  auto res = event_from_json(cfg, json::parse(R"({"fault":[-2]})"));
  REQUIRE(res);
  CHECK_EQ(res->sub_device, 3);
  CHECK_EQ(res->no, 9);
  CHECK_EQ(res->priority, 1);
  CHECK_EQ(res->params, std::vector<proto::value>{int16_t{-2}});
  auto bad = event_from_json(cfg, json::parse(R"({"fault":[-2],"x":[]})"));
  REQUIRE_FALSE(bad);
  CHECK_EQ(rendered(bad.error()),
           "expected exactly one event per request, got 2 (fault, x)");
}
