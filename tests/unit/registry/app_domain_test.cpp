#include "actors/registry/app_domain.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

using namespace pando::registry;

namespace {

domain_access access(std::string_view domain, std::string_view identifier) {
  return check_app_domain(domain, identifier).access;
}

std::string message(std::string_view domain, std::string_view identifier) {
  return check_app_domain(domain, identifier).message;
}

} // namespace

TEST_CASE("app domain: spec 2.5 test vectors") {
  CHECK_EQ(access("", ""), domain_access::error);
  CHECK_EQ(access("*", "1-2-3333"), domain_access::allowed);
  CHECK_EQ(access("vendor/1", "1-2-3333"), domain_access::allowed);
  CHECK_EQ(access("product/2", "1-2-3333"), domain_access::allowed);
  CHECK_EQ(access("product/2", "1-a-3333"), domain_access::denied);
  CHECK_EQ(access("product/10", "1-a-3333"), domain_access::allowed);
  CHECK_EQ(access("vendor/11", "b-a-3333"), domain_access::allowed);
  CHECK_EQ(access("fff/product/2", "1-a-3333"), domain_access::error);
  CHECK_EQ(access("product/10", "1-a-3333-11111"), domain_access::error);
}

TEST_CASE("app domain: allowed results carry no message") {
  CHECK_EQ(message("*", "1-2-3333"), "");
  CHECK_EQ(message("vendor/1", "1-2-3333"), "");
}

TEST_CASE("app domain: denials") {
  CHECK_EQ(access("vendor/2", "1-2-3333"), domain_access::denied);
  CHECK_EQ(message("vendor/2", "1-2-3333"),
           "app has no access right on device.");
  // The domain id is decimal, the identifier's ids are hex.
  CHECK_EQ(access("vendor/b", "b-a-3333"), domain_access::error);
  CHECK_EQ(access("vendor/0", "0-a-3333"), domain_access::allowed);
}

TEST_CASE("app domain: identifier errors are checked before the domain") {
  CHECK_EQ(message("*", ""), "wrong identifier format.");
  CHECK_EQ(message("*", "1-2"), "wrong identifier format.");
  CHECK_EQ(message("*", "zz-1-a-b"), "wrong identifier format.");
  CHECK_EQ(message("*", "x-2-3333"), "wrong vendor format.");
  CHECK_EQ(message("*", "-2-3333"), "wrong vendor format.");
  CHECK_EQ(message("*", "+1-2-3333"), "wrong vendor format.");
  CHECK_EQ(message("*", "0x1-2-3333"), "wrong vendor format.");
  CHECK_EQ(message("*", "1-g-3333"), "wrong product format.");
  CHECK_EQ(message("*", "1--3333"), "wrong product format.");
  CHECK_EQ(message("bogus", "1--3333"), "wrong product format.");
  CHECK_EQ(access("*", "1-2-"), domain_access::allowed);
  CHECK_EQ(access("*", "B-A-3333"), domain_access::allowed);
}

TEST_CASE("app domain: hex ids up to 64 bits") {
  CHECK_EQ(access("vendor/18446744073709551615", "ffffffffffffffff-1-x"),
           domain_access::allowed);
  CHECK_EQ(message("*", "10000000000000000-1-x"), "wrong vendor format.");
  CHECK_EQ(access("*", "00000000000000001-1-x"), domain_access::allowed);
}

TEST_CASE("app domain: malformed domains") {
  for (std::string_view domain :
       {"", "**", "vendor", "vendor/", "vendor/x", "vendor/+1", "vendor/-1",
        "vendor/ 1", "vendor/1/", "/1", "user/1", "Vendor/1", "*/1",
        "vendor/18446744073709551616", "a/b/c"}) {
    CAPTURE(domain);
    CHECK_EQ(access(domain, "1-2-3333"), domain_access::error);
    CHECK_EQ(message(domain, "1-2-3333"), "wrong app domain format.");
  }
}

TEST_CASE("identifier: make_identifier per spec 2.4") {
  CHECK_EQ(make_identifier(100, 100, "ffaf4fffeeaa"), "64-64-ffaf4fffeeaa");
  CHECK_EQ(make_identifier(0, 255, ""), "0-ff-");
  CHECK_EQ(make_identifier(std::numeric_limits<uint64_t>::max(), 1, "a-b"),
           "ffffffffffffffff-1-a-b");
}

TEST_CASE("identifier: parse_identifier") {
  auto parts = parse_identifier("64-64-ffaf4fffeeaa");
  REQUIRE(parts);
  CHECK_EQ(parts.vendor_id, 100u);
  CHECK_EQ(parts.product_id, 100u);
  CHECK_EQ(parts.device_code, "ffaf4fffeeaa");
  auto dashed = parse_identifier("0-ff-a-b");
  REQUIRE(dashed);
  CHECK_EQ(dashed.vendor_id, 0u);
  CHECK_EQ(dashed.product_id, 255u);
  CHECK_EQ(dashed.device_code, "a-b");
  auto empty_code = parse_identifier("1-2-");
  REQUIRE(empty_code);
  CHECK_EQ(empty_code.device_code, "");
}

TEST_CASE("identifier: parse errors") {
  CHECK_EQ(parse_identifier("").error, identifier_errc::wrong_format);
  CHECK_EQ(parse_identifier("64-64").error, identifier_errc::wrong_format);
  CHECK_EQ(parse_identifier("g-64-x").error, identifier_errc::wrong_vendor);
  CHECK_EQ(parse_identifier("64-g-x").error, identifier_errc::wrong_product);
  CHECK_EQ(to_string(identifier_errc::wrong_vendor), "wrong vendor format.");
}
