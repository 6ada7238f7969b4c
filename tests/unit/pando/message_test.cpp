#include "transports/pando/message.hpp"

#include <doctest/doctest.h>

#include "tests/unit/hex.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace pando::proto;

namespace {

using byte_vec = std::vector<uint8_t>;

byte_vec hex(std::string_view str) { return pando::test::hex_pairs(str); }

byte_vec cat(byte_vec xs, const byte_vec& ys) {
  xs.insert(xs.end(), ys.begin(), ys.end());
  return xs;
}

template<class Message>
byte_vec encoded(const Message& x) {
  byte_vec out;
  if (encode(x, out) != errc::none)
    return {};
  return out;
}

const token_bytes zero_token{};

const token_bytes test_token{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                             0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

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
        " 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff |"
        " 00 01 00 01 00 00 00 02 | 00 07 01 | 00 07 02");

/// (c) event from device, 41 bytes.
const byte_vec example_c
  = hex("00 | 00 00 00 00 00 00 00 00 |"
        " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 |"
        " 00 01 00 01 00 00 00 01 | 00 0c 00 04 74 65 73 74");

/// (d) real-time status query, 33 bytes (timestamp and token of (b)).
const byte_vec example_d
  = hex("00 | 00 00 00 00 57 24 59 80 |"
        " 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff |"
        " ff ff ff f8 00 63 00 00");

data make_a() {
  return data{0, 1462000000000, zero_token, {{1, 1, {value{uint8_t{1}}}}}};
}

command make_b() {
  return command{
    0, 1462000000, test_token, 1, 1, 0, {value{uint8_t{1}}, value{uint8_t{2}}}};
}

event make_c() {
  return event{0, 0, zero_token, 1, 1, 0, {value{std::string{"test"}}}};
}

command make_d() {
  return command{0, 1462000000, test_token, 65535, 65528, 99, {}};
}

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

TEST_CASE("message: spec 5.4 (a) status report both ways") {
  REQUIRE_EQ(example_a.size(), 34u);
  CHECK_EQ(encoded(make_a()), example_a);
  auto res = decode_data(example_a);
  REQUIRE(res);
  CHECK(*res == make_a());
  CHECK_EQ(res->timestamp, 1462000000000u);
  REQUIRE_EQ(res->objects.size(), 1u);
  CHECK_EQ(std::get<uint8_t>(res->objects[0].params.at(0)), 1);
}

TEST_CASE("message: spec 5.4 (b) command both ways") {
  REQUIRE_EQ(example_b.size(), 39u);
  CHECK_EQ(encoded(make_b()), example_b);
  auto res = decode_command(example_b);
  REQUIRE(res);
  CHECK(*res == make_b());
}

TEST_CASE("message: spec 5.4 (c) event both ways") {
  REQUIRE_EQ(example_c.size(), 41u);
  CHECK_EQ(encoded(make_c()), example_c);
  auto res = decode_event(example_c);
  REQUIRE(res);
  CHECK(*res == make_c());
  CHECK_EQ(std::get<std::string>(res->params.at(0)), "test");
}

TEST_CASE("message: spec 5.4 (d) status query both ways") {
  REQUIRE_EQ(example_d.size(), 33u);
  CHECK_EQ(encoded(make_d()), example_d);
  auto res = decode_command(example_d);
  REQUIRE(res);
  CHECK(*res == make_d());
  CHECK_EQ(res->sub_device, 65535);
  CHECK_EQ(res->no, 65528);
  CHECK_EQ(res->priority, 99);
}

TEST_CASE("message: command and event share the layout") {
  auto as_event = decode_event(example_b);
  REQUIRE(as_event);
  CHECK_EQ(as_event->params.size(), 2u);
  CHECK_EQ(encoded(*as_event), example_b);
}

TEST_CASE("message: empty data is just the 25-byte header") {
  data x{0, 0, zero_token, {}};
  auto wire = hex("00 00 00 00 00 00 00 00 00"
                  " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
  REQUIRE_EQ(wire.size(), 25u);
  CHECK_EQ(encoded(x), wire);
  auto res = decode_data(wire);
  REQUIRE(res);
  CHECK(res->objects.empty());
}

TEST_CASE("message: data with several blocks, one without params") {
  data x{7, 1, test_token, {{1, 2, {}}, {3, 4, {value{int16_t{-2}}}}}};
  auto wire = hex("07 00 00 00 00 00 00 00 01"
                  " 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff"
                  " 00 01 00 02 00 00"
                  " 00 03 00 04 00 01 00 04 ff fe");
  CHECK_EQ(encoded(x), wire);
  auto res = decode_data(wire);
  REQUIRE(res);
  CHECK(*res == x);
}

TEST_CASE("message: flag and token are kept on input") {
  auto wire = example_c;
  wire[0] = 0x5a;
  wire[9] = 0x42;
  auto res = decode_event(wire);
  REQUIRE(res);
  CHECK_EQ(res->flag, 0x5a);
  CHECK_EQ(res->token[0], 0x42);
  CHECK_EQ(encoded(*res), wire);
}

TEST_CASE("message: encode appends to the buffer") {
  byte_vec out = hex("ab");
  REQUIRE_EQ(encode(make_d(), out), errc::none);
  CHECK_EQ(out, cat(hex("ab"), example_d));
}

TEST_CASE("message: truncated headers") {
  auto short_command = byte_vec(example_d.begin(), example_d.end() - 1);
  CHECK_EQ(decode_command(short_command).error(), errc::truncated_header);
  CHECK_EQ(decode_event(short_command).error(), errc::truncated_header);
  CHECK_EQ(decode_command({}).error(), errc::truncated_header);
  auto short_data = byte_vec(example_a.begin(), example_a.begin() + 24);
  CHECK_EQ(decode_data(short_data).error(), errc::truncated_header);
  CHECK_EQ(decode_data({}).error(), errc::truncated_header);
}

TEST_CASE("message: truncated TLVs") {
  auto b = byte_vec(example_b.begin(), example_b.end() - 1);
  CHECK_EQ(decode_command(b).error(), errc::truncated_value);
  auto c = byte_vec(example_c.begin(), example_c.end() - 1);
  CHECK_EQ(decode_event(c).error(), errc::length_exceeds_payload);
  auto a = byte_vec(example_a.begin(), example_a.end() - 1);
  CHECK_EQ(decode_data(a).error(), errc::truncated_value);
}

TEST_CASE("message: unknown tags") {
  auto b = example_b;
  b[37] = 0x0e; // second TLV's tag becomes 14
  CHECK_EQ(decode_command(b).error(), errc::unknown_tag);
  auto a = example_a;
  a[32] = 0x00; // TLV tag becomes 0
  CHECK_EQ(decode_data(a).error(), errc::unknown_tag);
}

TEST_CASE("message: ParamsCount must match the TLVs present") {
  auto b = example_b;
  b[32] = 0x03; // announces 3 params, carries 2
  CHECK_EQ(decode_command(b).error(), errc::params_count_mismatch);
  b[32] = 0x01; // announces 1 param, carries 2
  CHECK_EQ(decode_command(b).error(), errc::params_count_mismatch);
  auto d = cat(example_d, hex("00 07 01")); // announces 0, carries 1
  CHECK_EQ(decode_command(d).error(), errc::params_count_mismatch);
  auto c = example_c;
  c[32] = 0x00; // announces 0 params, carries 1
  CHECK_EQ(decode_event(c).error(), errc::params_count_mismatch);
}

TEST_CASE("message: data ParamsCount larger than the TLVs present") {
  auto a = example_a;
  a[30] = 0x02; // block announces 2 params, carries 1
  CHECK_EQ(decode_data(a).error(), errc::truncated_value);
}

TEST_CASE("message: trailing garbage") {
  CHECK_EQ(decode_command(cat(example_b, hex("ff"))).error(),
           errc::truncated_value);
  CHECK_EQ(decode_event(cat(example_c, hex("00 0c"))).error(),
           errc::truncated_value);
  for (size_t n = 1; n < sub_data_header_size; ++n) {
    CAPTURE(n);
    auto a = cat(example_a, byte_vec(n, 0));
    CHECK_EQ(decode_data(a).error(), errc::trailing_bytes);
  }
  // Six bytes form a block header whose announced param is missing.
  CHECK_EQ(decode_data(cat(example_a, hex("00 01 00 01 00 01"))).error(),
           errc::truncated_value);
  // A data block announcing 0 params followed by a stray TLV.
  auto a = example_a;
  a[30] = 0x00;
  CHECK_EQ(decode_data(a).error(), errc::trailing_bytes);
}

TEST_CASE("message: bool params round-trip") {
  command x{0, 5, zero_token, 2, 3, 4, {value{true}, value{false}}};
  auto wire = hex("00 00 00 00 00 00 00 00 05"
                  " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                  " 00 02 00 03 00 04 00 02 00 0d 01 00 0d 00");
  CHECK_EQ(encoded(x), wire);
  auto res = decode_command(wire);
  REQUIRE(res);
  CHECK(*res == x);
}

TEST_CASE("message: 65536 params are refused and the buffer is rolled back") {
  command x = make_d();
  x.params.assign(65536, value{uint8_t{0}});
  byte_vec out = hex("ab");
  CHECK_EQ(encode(x, out), errc::too_many_params);
  CHECK_EQ(out, hex("ab"));
  x.params.pop_back();
  REQUIRE_EQ(encode(x, out), errc::none);
  CHECK_EQ(out.size(), 1u + 33u + 65535u * 3u);
  CHECK_EQ(byte_vec(out.begin() + 32, out.begin() + 34), hex("ff ff"));
}

TEST_CASE("message: a too long param is refused and the buffer rolled back") {
  data x = make_a();
  x.objects.push_back({1, 2, {value{std::string(65536, 'x')}}});
  byte_vec out = hex("ab");
  CHECK_EQ(encode(x, out), errc::value_too_long);
  CHECK_EQ(out, hex("ab"));
  event e = make_c();
  e.params.push_back(value{bytes(65536, 0)});
  CHECK_EQ(encode(e, out), errc::value_too_long);
  CHECK_EQ(out, hex("ab"));
}
