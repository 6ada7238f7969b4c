#include "actors/registry/entity_key.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

using namespace pando::registry;

namespace {

constexpr std::string_view aes128 = "ABCDEFGHIJKLMNOP";

constexpr std::string_view aes192 = "ABCDEFGHIJKLMNOPABCDEFGH";

constexpr std::string_view aes256 = "ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP";

/// The nonce of the spec 2.3 test vector.
key_nonce spec_nonce() {
  key_nonce result;
  for (uint8_t i = 0; i < 16; ++i)
    result.iv[i] = i;
  result.random.fill(0xaa);
  return result;
}

} // namespace

TEST_CASE("entity key: spec 2.3 test vector (AES-256)") {
  constexpr std::string_view expected = "000102030405060708090a0b0c0d0e0f"
                                        "bd9c741e2da0e588a99a830d901e095e";
  auto made = make_key(aes256, 10000, spec_nonce());
  REQUIRE(made);
  CHECK_EQ(made.key, expected);
  auto decoded = decode_key_id(aes256, expected);
  REQUIRE(decoded);
  CHECK_EQ(decoded.id, 10000);
}

// Expected keys below were computed with `openssl enc -aes-{128,192}-cfb`
// and Python's `cryptography` package, not with this code.

TEST_CASE("entity key: AES-128 and AES-192 vectors") {
  constexpr std::string_view expected128 = "000102030405060708090a0b0c0d0e0f"
                                           "aef04c5998b1c56ce4e79da9eb860e31";
  constexpr std::string_view expected192 = "000102030405060708090a0b0c0d0e0f"
                                           "0308a18105339d206f702de8b9cbca87";
  CHECK_EQ(make_key(aes128, 10000, spec_nonce()).key, expected128);
  CHECK_EQ(make_key(aes192, 10000, spec_nonce()).key, expected192);
  CHECK_EQ(decode_key_id(aes128, expected128).id, 10000);
  CHECK_EQ(decode_key_id(aes192, expected192).id, 10000);
}

TEST_CASE("entity key: negative ids are int64 big-endian") {
  constexpr std::string_view expected = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
                                        "0fb613478716fdbada4160e8d0b1c1d3";
  key_nonce nonce;
  nonce.iv = {0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87,
              0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f};
  nonce.random = {1, 2, 3, 4, 5, 6, 7, 8};
  CHECK_EQ(make_key(aes128, -1, nonce).key, expected);
  CHECK_EQ(decode_key_id(aes128, expected).id, -1);
}

TEST_CASE("entity key: random keys are 64 lowercase hex chars and decode") {
  auto first = make_key(aes256, 42);
  auto second = make_key(aes256, 42);
  REQUIRE(first);
  REQUIRE(second);
  CHECK_EQ(first.key.size(), 64u);
  CHECK_EQ(first.key.find_first_not_of("0123456789abcdef"), std::string::npos);
  CHECK_NE(first.key, second.key);
  CHECK_EQ(decode_key_id(aes256, first.key).id, 42);
  CHECK_EQ(decode_key_id(aes256, second.key).id, 42);
  auto big = std::numeric_limits<int64_t>::max();
  CHECK_EQ(decode_key_id(aes192, make_key(aes192, big).key).id, big);
}

TEST_CASE("entity key: AES key length is validated") {
  CHECK_EQ(check_aes_key(aes128), key_errc::none);
  CHECK_EQ(check_aes_key(aes192), key_errc::none);
  CHECK_EQ(check_aes_key(aes256), key_errc::none);
  for (std::string_view bad : {"", "ABCDEFGHIJKLMNO", "ABCDEFGHIJKLMNOPQ",
                               "ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOPQ"}) {
    CAPTURE(bad);
    CHECK_EQ(check_aes_key(bad), key_errc::invalid_aes_key_length);
    auto made = make_key(bad, 1, spec_nonce());
    CHECK_EQ(made.error, key_errc::invalid_aes_key_length);
    CHECK(made.key.empty());
    CHECK_EQ(decode_key_id(bad, "00").error, key_errc::invalid_aes_key_length);
  }
  CHECK_EQ(to_string(key_errc::invalid_aes_key_length),
           "invalid aes key length, should be 16, 24 or 32 bytes.");
}

TEST_CASE("entity key: decoding errors") {
  constexpr std::string_view good = "000102030405060708090a0b0c0d0e0f"
                                    "bd9c741e2da0e588a99a830d901e095e";
  SUBCASE("bad hex") {
    CHECK_EQ(decode_key_id(aes256, "zz").error, key_errc::bad_hex);
    CHECK_EQ(decode_key_id(aes256, good.substr(1)).error, key_errc::bad_hex);
    std::string with_g{good};
    with_g[40] = 'g';
    CHECK_EQ(decode_key_id(aes256, with_g).error, key_errc::bad_hex);
  }
  SUBCASE("too short: fewer than 16 bytes") {
    CHECK_EQ(decode_key_id(aes256, "").error, key_errc::too_short);
    CHECK_EQ(decode_key_id(aes256, good.substr(0, 30)).error,
             key_errc::too_short);
    CHECK_EQ(to_string(key_errc::too_short), "decrypt message too short");
  }
  SUBCASE("invalid format: the plaintext is not exactly 16 bytes") {
    CHECK_EQ(decode_key_id(aes256, good.substr(0, 32)).error,
             key_errc::invalid_format);
    // 8 plaintext bytes: the original silently returned id 0.
    CHECK_EQ(decode_key_id(aes256, good.substr(0, 48)).error,
             key_errc::invalid_format);
    CHECK_EQ(decode_key_id(aes256, std::string{good} + "00").error,
             key_errc::invalid_format);
    CHECK_EQ(to_string(key_errc::invalid_format), "invalid key format.");
  }
  SUBCASE("uppercase hex decodes to the same id") {
    CHECK_EQ(decode_key_id(aes256, "000102030405060708090A0B0C0D0E0F"
                                   "BD9C741E2DA0E588A99A830D901E095E")
               .id,
             10000);
  }
  SUBCASE("a wrong AES key yields some other id, not an error") {
    auto res = decode_key_id(aes128, good);
    CHECK(res);
    CHECK_NE(res.id, 10000);
  }
}
