#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "actors/registry/product_config.hpp"
#include "transports/mqtt/json_topics.hpp"

using namespace pando;
using namespace pando::mqtt;
using json = nlohmann::json;

namespace {

/// The product of spec 5.4: object switch (uint8), command switch (uint8 x2),
/// event alarm (string).
registry::product_config lamp() {
  auto parsed = registry::parse_product_config(R"({
    "objects": [{"no":1,"label":"switch","part":1,
                 "status":[{"value_type":7,"name":"onoff"}]}],
    "commands": [{"no":1,"part":1,"name":"switch","priority":0,
                  "params":[{"value_type":7},{"value_type":7}]}],
    "events": [{"no":1,"part":1,"name":"alarm","params":[{"value_type":12}]}]
  })");
  REQUIRE(parsed);
  return parsed.config;
}

std::vector<std::uint8_t> bytes_of(const std::string& text) {
  return {text.begin(), text.end()};
}

std::string hex(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 0xf];
  }
  return out;
}

std::string unhex(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2)
    out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
  return out;
}

} // namespace

TEST_CASE("JSON status maps onto the same report as binary status (a)") {
  auto body = bytes_of(R"({"switch":[1]})");
  auto up = map_json_upstream(lamp(), "1-1-x", "pando/v1/1-1-x/status", body);
  auto* r = std::get_if<status_report>(&up);
  REQUIRE(r != nullptr);
  REQUIRE(r->objects.size() == 1);
  CHECK(r->objects[0].part == 1);
  CHECK(r->objects[0].no == 1);
  CHECK(hex(r->objects[0].params) == "000701");
}

TEST_CASE("JSON events map onto event reports") {
  auto up = map_json_upstream(lamp(), "1-1-x", "pando/v1/1-1-x/events",
                              bytes_of(R"({"alarm":["test"]})"));
  auto* e = std::get_if<event_report>(&up);
  REQUIRE(e != nullptr);
  CHECK(e->no == 1);
  CHECK(e->part == 1);
  CHECK(hex(e->params) == "000c000474657374");
}

TEST_CASE("command results become platform event 65534") {
  auto up
    = map_json_upstream(lamp(), "1-1-x", "pando/v1/1-1-x/commands/result",
                        bytes_of(R"({"tag":7,"result":-1,"message":"no"})"));
  auto* e = std::get_if<event_report>(&up);
  REQUIRE(e != nullptr);
  CHECK(e->no == 65534);
  // uint64 7, int32 -1, string "no"
  CHECK(hex(e->params)
        == "000a0000000000000007"
           "0005ffffffff"
           "000c00026e6f");
}

TEST_CASE("bad JSON publishes are refused with a reason") {
  auto cfg = lamp();
  auto refused = [&](const std::string& topic, const std::string& body) {
    auto up = map_json_upstream(cfg, "1-1-x", topic, bytes_of(body));
    return std::holds_alternative<upstream_error>(up);
  };
  CHECK(refused("pando/v1/1-1-y/status", R"({"switch":[1]})"));
  CHECK(refused("pando/v1/1-1-x/status", R"({"switch":[300]})"));
  CHECK(refused("pando/v1/1-1-x/status", R"({"nope":[1]})"));
  CHECK(refused("pando/v1/1-1-x/status", "[1]"));
  CHECK(refused("pando/v1/1-1-x/status", "{broken"));
  CHECK(refused("pando/v1/1-1-x/other", R"({"switch":[1]})"));
  CHECK(refused("pando/v1/1-1-x/commands/result", R"({"tag":-1,"result":0})"));
  CHECK(refused("pando/v1/1-1-x/commands/result", R"({"tag":1})"));
}

TEST_CASE("JSON subscriptions are granted on the device's own topics only") {
  CHECK(json_subscribe_grant("1-1-x", "pando/v1/1-1-x/commands", 1) == 1);
  CHECK(json_subscribe_grant("1-1-x", "pando/v1/1-1-x/#", 2) == 1);
  CHECK(json_subscribe_grant("1-1-x", "pando/v1/1-1-x/status/set", 0) == 0);
  CHECK(json_subscribe_grant("1-1-x", "pando/v1/1-1-y/commands", 1) == -1);
  CHECK(json_subscribe_grant("1-1-x", "pando/v1/+/commands", 1) == -1);
  CHECK(json_subscribe_grant("1-1-x", "#", 1) == -1);
}

TEST_CASE("downstream commands and status become JSON") {
  auto cfg = lamp();
  // Spec 5.4 (b): command switch [1, 2].
  downstream cmd{"c",
                 unhex("00"
                       "0000000057245980"
                       "00112233445566778899aabbccddeeff"
                       "0001"
                       "0001"
                       "0000"
                       "0002"
                       "000701"
                       "000702"),
                 1, 42, false};
  auto out = map_json_downstream(cfg, "1-1-x", cmd);
  REQUIRE(out);
  CHECK(out->topic == "pando/v1/1-1-x/commands");
  CHECK(json::parse(out->payload)
        == json::parse(R"({"tag":42,"name":"switch","params":[1,2]})"));
  // Spec 5.4 (d): the status query.
  downstream query{"c",
                   unhex("00"
                         "0000000057245980"
                         + std::string(32, '0')
                         + "ffff"
                           "fff8"
                           "0063"
                           "0000"),
                   1, 43, false};
  out = map_json_downstream(cfg, "1-1-x", query);
  REQUIRE(out);
  CHECK(out->topic == "pando/v1/1-1-x/status/get");
  CHECK(json::parse(out->payload) == json::parse(R"({"tag":43})"));
  downstream set{"s",
                 unhex("00"
                       "0000000057245980"
                       + std::string(32, '0')
                       + "0001"
                         "0001"
                         "0001"
                         "000700"),
                 1, 44, false};
  out = map_json_downstream(cfg, "1-1-x", set);
  REQUIRE(out);
  CHECK(out->topic == "pando/v1/1-1-x/status/set");
  CHECK(json::parse(out->payload) == json::parse(R"({"switch":[0]})"));
  CHECK_FALSE(map_json_downstream(cfg, "1-1-x", downstream{"c", "xx", 1, 1}));
}
