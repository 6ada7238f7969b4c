// Key prefixes of stored device records, and reading the shard back.

#include "actors/device/ids.hpp"

#include <doctest/doctest.h>

using namespace pando;

TEST_CASE("a shard's key prefix reads back as that shard") {
  for (std::uint32_t s : {0u, 5u, 0x3ffu, 0xffffu}) {
    auto key = shard_key_prefix(shard_id{s}) + "0000000000000001/x";
    REQUIRE(shard_of_key(key).has_value());
    CHECK(shard_of_key(key)->value == s);
  }
  CHECK(shard_key_prefix(shard_id{0x3ff}) == "03ff/");
  // Keys without a shard prefix (outbox keys from before prefixes).
  CHECK_FALSE(shard_of_key("00000000000000010000000000000002").has_value());
  CHECK_FALSE(shard_of_key("03ff").has_value());
  CHECK_FALSE(shard_of_key("03g1/x").has_value());
  CHECK_FALSE(shard_of_key("").has_value());
}
