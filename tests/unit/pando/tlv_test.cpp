#include "transports/pando/tlv.hpp"

#include <doctest/doctest.h>

#include "tests/unit/hex.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

using namespace pando::proto;

namespace {

using byte_vec = std::vector<uint8_t>;

byte_vec hex(std::string_view str) { return pando::test::hex_pairs(str); }

/// Returns the TLV encoding of `x`, or an empty vector on error.
byte_vec encoded(const value& x) {
  byte_vec out;
  if (encode(x, out) != errc::none)
    return {};
  return out;
}

/// Returns the error of decoding `bytes` from offset 0.
errc decode_error(const byte_vec& bytes) {
  size_t offset = 0;
  auto res = decode_one(bytes, offset);
  CHECK_EQ(offset, 0u);
  return res.error();
}

/// A value and its exact wire bytes.
struct vector_case {
  value val;
  byte_vec wire;
};

/// Checks that `x` encodes to `wire` and that `wire` decodes to `x`.
void check_both_ways(const vector_case& x) {
  CHECK_EQ(encoded(x.val), x.wire);
  CHECK_EQ(encoded_size(x.val), x.wire.size());
  size_t offset = 0;
  auto res = decode_one(x.wire, offset);
  REQUIRE(res);
  CHECK_EQ(res->index(), x.val.index());
  CHECK(*res == x.val);
  CHECK_EQ(offset, x.wire.size());
}

std::string long_string(size_t n) { return std::string(n, 'x'); }

} // namespace

namespace doctest {

template<>
struct StringMaker<std::vector<uint8_t>> {
  static String convert(const std::vector<uint8_t>& xs) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string str;
    for (auto x : xs) {
      if (!str.empty())
        str += ' ';
      str += digits[x >> 4];
      str += digits[x & 0x0f];
    }
    return String(str.c_str());
  }
};

} // namespace doctest

TEST_CASE("tlv: every example of spec 5.1 encodes and decodes exactly") {
  std::vector<vector_case> cases{
    {value{0.1}, hex("00 01 3f b9 99 99 99 99 99 9a")},
    {value{3.2f}, hex("00 02 40 4c cc cd")},
    {value{int8_t{1}}, hex("00 03 01")},
    {value{int16_t{20}}, hex("00 04 00 14")},
    {value{int32_t{16}}, hex("00 05 00 00 00 10")},
    {value{int64_t{100}}, hex("00 06 00 00 00 00 00 00 00 64")},
    {value{uint8_t{2}}, hex("00 07 02")},
    {value{uint16_t{30}}, hex("00 08 00 1e")},
    {value{uint32_t{300}}, hex("00 09 00 00 01 2c")},
    {value{uint64_t{200}}, hex("00 0a 00 00 00 00 00 00 00 c8")},
    {value{bytes{'1', '2', '3'}}, hex("00 0b 00 03 31 32 33")},
    {value{std::string{"itachili"}},
     hex("00 0c 00 08 69 74 61 63 68 69 6c 69")},
  };
  for (const auto& x : cases) {
    CAPTURE(x.val.index());
    check_both_ways(x);
  }
}

TEST_CASE("tlv: tag_of follows the alternative") {
  CHECK_EQ(tag_of(value{0.1}), tag::float64);
  CHECK_EQ(tag_of(value{int8_t{1}}), tag::int8);
  CHECK_EQ(tag_of(value{uint64_t{1}}), tag::uint64);
  CHECK_EQ(tag_of(value{bytes{}}), tag::bytes);
  CHECK_EQ(tag_of(value{std::string{}}), tag::string);
  CHECK_EQ(tag_of(value{true}), tag::boolean);
}

TEST_CASE("tlv: integer minimum and maximum values") {
  using i8 = std::numeric_limits<int8_t>;
  using i16 = std::numeric_limits<int16_t>;
  using i32 = std::numeric_limits<int32_t>;
  using i64 = std::numeric_limits<int64_t>;
  std::vector<vector_case> cases{
    {value{i8::min()}, hex("00 03 80")},
    {value{i8::max()}, hex("00 03 7f")},
    {value{int8_t{-1}}, hex("00 03 ff")},
    {value{i16::min()}, hex("00 04 80 00")},
    {value{i16::max()}, hex("00 04 7f ff")},
    {value{i32::min()}, hex("00 05 80 00 00 00")},
    {value{i32::max()}, hex("00 05 7f ff ff ff")},
    {value{i64::min()}, hex("00 06 80 00 00 00 00 00 00 00")},
    {value{i64::max()}, hex("00 06 7f ff ff ff ff ff ff ff")},
    {value{int64_t{-2}}, hex("00 06 ff ff ff ff ff ff ff fe")},
    {value{uint8_t{0}}, hex("00 07 00")},
    {value{uint8_t{255}}, hex("00 07 ff")},
    {value{uint16_t{65535}}, hex("00 08 ff ff")},
    {value{uint32_t{4294967295u}}, hex("00 09 ff ff ff ff")},
    {value{std::numeric_limits<uint64_t>::max()},
     hex("00 0a ff ff ff ff ff ff ff ff")},
  };
  for (const auto& x : cases) {
    CAPTURE(x.val.index());
    check_both_ways(x);
  }
}

TEST_CASE("tlv: floating point special values") {
  check_both_ways({value{0.0}, hex("00 01 00 00 00 00 00 00 00 00")});
  check_both_ways({value{-0.0}, hex("00 01 80 00 00 00 00 00 00 00")});
  check_both_ways(
    {value{std::numeric_limits<float>::infinity()}, hex("00 02 7f 80 00 00")});
  check_both_ways({value{-1.5f}, hex("00 02 bf c0 00 00")});
  SUBCASE("NaN survives bit for bit") {
    auto wire = hex("00 01 7f f8 00 00 00 00 00 01");
    size_t offset = 0;
    auto res = decode_one(wire, offset);
    REQUIRE(res);
    CHECK(std::isnan(std::get<double>(*res)));
    CHECK_EQ(encoded(*res), wire);
  }
}

TEST_CASE("tlv: bool extension is one byte 0 or 1") {
  check_both_ways({value{false}, hex("00 0d 00")});
  check_both_ways({value{true}, hex("00 0d 01")});
  CHECK_EQ(decode_error(hex("00 0d 02")), errc::invalid_bool);
  CHECK_EQ(decode_error(hex("00 0d ff")), errc::invalid_bool);
  CHECK_EQ(decode_error(hex("00 0d")), errc::truncated_value);
}

TEST_CASE("tlv: empty bytes and strings carry a zero length field") {
  check_both_ways({value{std::string{}}, hex("00 0c 00 00")});
  check_both_ways({value{bytes{}}, hex("00 0b 00 00")});
}

TEST_CASE("tlv: original empty-string bug bytes (bare tag) are rejected") {
  CHECK_EQ(decode_error(hex("00 0c")), errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 0b")), errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 0c 00")), errc::truncated_value);
}

TEST_CASE("tlv: truncated fixed-size values") {
  CHECK_EQ(decode_error({}), errc::truncated_value);
  CHECK_EQ(decode_error(hex("00")), errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 01 3f b9 99 99 99 99 99")),
           errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 02 40 4c cc")), errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 03")), errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 04 00")), errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 05 00 00 00")), errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 06 00 00 00 00 00 00 00")),
           errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 07")), errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 08 00")), errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 09 00 00 01")), errc::truncated_value);
  CHECK_EQ(decode_error(hex("00 0a 00 00 00 00 00 00 00")),
           errc::truncated_value);
}

TEST_CASE("tlv: bytes or string longer than the remaining payload") {
  CHECK_EQ(decode_error(hex("00 0c 00 08 69 74 61 63 68 69 6c")),
           errc::length_exceeds_payload);
  CHECK_EQ(decode_error(hex("00 0b 00 03 31 32")),
           errc::length_exceeds_payload);
  CHECK_EQ(decode_error(hex("00 0b 00 01")), errc::length_exceeds_payload);
  CHECK_EQ(decode_error(hex("00 0c ff ff 00")), errc::length_exceeds_payload);
}

TEST_CASE("tlv: unknown tags") {
  CHECK_EQ(decode_error(hex("00 00 01")), errc::unknown_tag);
  CHECK_EQ(decode_error(hex("00 0e 01")), errc::unknown_tag);
  CHECK_EQ(decode_error(hex("01 01 01")), errc::unknown_tag);
  CHECK_EQ(decode_error(hex("ff ff")), errc::unknown_tag);
}

TEST_CASE("tlv: 65535-byte string is the largest encodable value") {
  auto max_str = long_string(65535);
  auto wire = encoded(value{max_str});
  REQUIRE_EQ(wire.size(), 4u + 65535u);
  CHECK_EQ(byte_vec(wire.begin(), wire.begin() + 4), hex("00 0c ff ff"));
  CHECK_EQ(wire.back(), uint8_t{'x'});
  size_t offset = 0;
  auto res = decode_one(wire, offset);
  REQUIRE(res);
  CHECK_EQ(std::get<std::string>(*res), max_str);
  CHECK_EQ(offset, wire.size());
  wire.pop_back();
  CHECK_EQ(decode_error(wire), errc::length_exceeds_payload);
}

TEST_CASE("tlv: 65536-byte values are refused and leave the buffer alone") {
  byte_vec out = hex("aa bb");
  CHECK_EQ(encode(value{long_string(65536)}, out), errc::value_too_long);
  CHECK_EQ(encode(value{bytes(65536, 1)}, out), errc::value_too_long);
  CHECK_EQ(out, hex("aa bb"));
  CHECK_EQ(encode(value{bytes(65535, 1)}, out), errc::none);
  CHECK_EQ(out.size(), 2u + 4u + 65535u);
}

TEST_CASE("tlv: encode appends and decode_one walks a sequence") {
  byte_vec out = hex("ee");
  REQUIRE_EQ(encode(value{uint8_t{2}}, out), errc::none);
  REQUIRE_EQ(encode(value{std::string{"ab"}}, out), errc::none);
  CHECK_EQ(out, hex("ee 00 07 02 00 0c 00 02 61 62"));
  size_t offset = 1;
  auto first = decode_one(out, offset);
  REQUIRE(first);
  CHECK_EQ(std::get<uint8_t>(*first), 2);
  CHECK_EQ(offset, 4u);
  auto second = decode_one(out, offset);
  REQUIRE(second);
  CHECK_EQ(std::get<std::string>(*second), "ab");
  CHECK_EQ(offset, out.size());
  CHECK_EQ(decode_one(out, offset).error(), errc::truncated_value);
  CHECK_EQ(offset, out.size());
}

TEST_CASE("tlv: an offset past the end is a truncation, not a crash") {
  auto wire = hex("00 07 02");
  size_t offset = 10;
  CHECK_EQ(decode_one(wire, offset).error(), errc::truncated_value);
  CHECK_EQ(offset, 10u);
}

TEST_CASE("tlv: errc names") {
  CHECK_EQ(to_string(errc::none), "none");
  CHECK_EQ(to_string(errc::unknown_tag), "unknown_tag");
  CHECK_EQ(to_string(errc::params_count_mismatch), "params_count_mismatch");
  CHECK_EQ(to_string(errc::too_many_params), "too_many_params");
}
