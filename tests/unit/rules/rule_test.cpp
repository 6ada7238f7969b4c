// Rule requests (spec 8 with the checks of S2), compiled actions, the rule
// book a device keeps, and the stored layouts of history and outbox records.

#include "actors/rules/rule.hpp"

#include <doctest/doctest.h>

#include "actors/device/device_record.hpp"
#include "actors/device/history_record.hpp"
#include "actors/rules/rule_book.hpp"
#include "tests/unit/hex.hpp"

using namespace pando;
using nlohmann::json;

namespace {

registry::product_config lamp() {
  auto parsed = registry::product_config_from_json(json::parse(R"({
    "objects": [{"no": 1, "label": "switch", "part": 1,
                 "status": [{"value_type": 7}]}],
    "commands": [{"no": 1, "part": 1, "name": "switch", "priority": 3,
                  "params": [{"value_type": 7}, {"value_type": 7}]}],
    "events": [{"no": 1, "part": 1, "name": "alarm",
                "params": [{"value_type": 12}]},
               {"no": 2, "part": 2, "name": "smoke", "params": []}]
  })"));
  REQUIRE(parsed);
  return parsed.config;
}

json body(std::string type, std::string trigger, std::string target,
          json action) {
  return {{"type", std::move(type)},
          {"trigger", std::move(trigger)},
          {"target", std::move(target)},
          {"action", std::move(action)}};
}

std::string error_of(const json& b) {
  return rules::parse_rule_request(b, lamp()).error;
}

} // namespace

TEST_CASE("an ifttt rule in pando-cloud's format") {
  // The action is a string holding a JSON object, as in spec 8.
  auto req = rules::parse_rule_request(
    body("ifttt", "alarm", "device/1-2-ffe34e/command", "{\"switch\":[1,0]}"),
    lamp());
  REQUIRE(req.error.empty());
  CHECK(req.r.event_part == 1);
  CHECK(req.r.event_no == 1);
  CHECK(req.r.target_identifier == "1-2-ffe34e");
  CHECK(req.r.target_kind == "command");
  CHECK(req.r.action == R"({"switch":[1,0]})");
  CHECK(req.r.enabled);
  CHECK_FALSE(req.r.once);
  REQUIRE(rules::compile_action(req.r, lamp()).empty());
  // Command header (33 bytes: zero flag, timestamp and token, part 1, no 1,
  // priority 3, 2 params), then two uint8 TLVs.
  CHECK(to_hex(req.r.payload)
        == std::string(50, '0') + "0001000100030002" + "00070100070" + "0");
}

TEST_CASE("a timer rule with a status action given as an object") {
  auto b = body("timer", "0 7 * * MON-FRI", "device/1-2-ffe34e/status",
                json{{"switch", {1}}});
  b["once"] = true;
  auto req = rules::parse_rule_request(b, lamp());
  REQUIRE(req.error.empty());
  CHECK(req.r.once);
  REQUIRE(rules::compile_action(req.r, lamp()).empty());
  // Data header (25 bytes), one sub-data block part 1 no 1 with one TLV.
  CHECK(to_hex(req.r.payload) == std::string(50, '0') + "000100010001000701");
  rules::stamp_timestamp(req.r.payload, 0x0102030405060708);
  CHECK(to_hex(req.r.payload).substr(0, 18) == "000102030405060708");
}

TEST_CASE("rule requests name what is wrong") {
  const auto target = std::string{"device/1-2-x/command"};
  const json action = "{\"switch\":[1,0]}";
  CHECK(error_of(json::array()) == "the body must be a JSON object");
  CHECK(error_of(body("cron", "alarm", target, action))
        == "type: timer or ifttt");
  CHECK(error_of(body("timer", "61 * * * *", target, action))
          .starts_with("trigger: "));
  CHECK(error_of(body("timer", "* * * *", target, action))
          .starts_with("trigger: "));
  CHECK(error_of(body("ifttt", "fire", target, action))
        == "trigger: 'fire' is not an event of the device's product");
  CHECK(error_of(body("ifttt", "alarm", "1-2-x/command", action))
          .starts_with("target: "));
  CHECK(error_of(body("ifttt", "alarm", "device/1-2-x/reboot", action))
        == "target: must end in /command or /status");
  CHECK(error_of(body("ifttt", "alarm", "device/nothex-2-x/command", action))
          .starts_with("target: 'nothex-2-x'"));
  CHECK(error_of(body("ifttt", "alarm", target, "not json"))
        == "action: the string does not hold a JSON object");
  CHECK(error_of(body("ifttt", "alarm", target, 5))
        == "action: must be a JSON object or a string holding one");
  auto b = body("ifttt", "alarm", target, action);
  b["color"] = "red";
  CHECK(error_of(b) == "color: unknown field");
  b = body("ifttt", "alarm", target, action);
  b["once"] = "yes";
  CHECK(error_of(b) == "once: must be true or false");
  b = body("ifttt", "alarm", target, action);
  b["ttl"] = -1;
  CHECK(error_of(b).starts_with("ttl: "));
  b = body("ifttt", "alarm", "device/1-2-x/status", json{{"switch", {1}}});
  b["ttl"] = 60;
  CHECK(error_of(b) == "ttl: only for command targets");
  json missing = body("ifttt", "alarm", target, action);
  missing.erase("trigger");
  CHECK(error_of(missing) == "trigger: missing or not a string");
}

TEST_CASE("actions are checked against the target's product config") {
  auto req = rules::parse_rule_request(
    body("ifttt", "alarm", "device/1-2-x/command", json{{"switch", {"on", 0}}}),
    lamp());
  REQUIRE(req.error.empty());
  CHECK(rules::compile_action(req.r, lamp()).starts_with("action: switch[0]"));
  req
    = rules::parse_rule_request(body("ifttt", "alarm", "device/1-2-x/command",
                                     json{{"switch", {1, 0}}, {"other", {1}}}),
                                lamp());
  CHECK_FALSE(rules::compile_action(req.r, lamp()).empty());
  req = rules::parse_rule_request(
    body("ifttt", "alarm", "device/1-2-x/status", json{{"switch", {300}}}),
    lamp());
  CHECK(rules::compile_action(req.r, lamp()).starts_with("action: switch[0]"));
}

TEST_CASE("stored rules round-trip") {
  auto req = rules::parse_rule_request(
    body("ifttt", "smoke", "device/1-2-x/command", "{\"switch\":[1,0]}"),
    lamp());
  REQUIRE(req.error.empty());
  CHECK(req.r.event_part == 2);
  REQUIRE(rules::compile_action(req.r, lamp()).empty());
  req.r.id = 9;
  req.r.app_id = 4;
  req.r.last_result = "ok";
  auto back = rules::rule_from_json(rules::to_json(req.r));
  REQUIRE(back);
  CHECK(rules::to_json(*back) == rules::to_json(req.r));
  CHECK(back->payload == req.r.payload);
  CHECK_FALSE(rules::rule_from_json("{}"));
  CHECK_FALSE(rules::rule_from_json("not json"));
  auto api = rules::to_api_json(*back);
  CHECK(api["id"] == 9);
  CHECK_FALSE(api.contains("payload"));
}

TEST_CASE("the rule book") {
  rules::rule_book book;
  rules::rule r;
  r.type = "ifttt";
  r.event_part = 1;
  r.event_no = 2;
  auto* first = book.add(r);
  REQUIRE(first);
  CHECK(first->id == 1);
  r.once = true;
  CHECK(book.add(r)->id == 2);
  CHECK(book.triggered_by(2).size() == 2);
  CHECK(book.triggered_by(1).empty());
  r.type = "timer";
  CHECK(book.add(r)->id == 3);
  CHECK(book.triggered_by(2).size() == 2); // timers never match events
  REQUIRE(book.record(2, "ok", 5));
  CHECK_FALSE(book.find(2)->enabled); // once
  CHECK(book.find(2)->fired == 1);
  CHECK(book.triggered_by(2).size() == 1);
  CHECK(book.set_enabled(1, false));
  CHECK(book.triggered_by(2).empty());
  CHECK_FALSE(book.record(7, "ok", 5));
  CHECK(book.remove(1));
  CHECK_FALSE(book.remove(1));
  // Ids are never reused, also after a reload.
  rules::rule_book loaded;
  r.id = 40;
  loaded.load(r);
  CHECK(loaded.add(r)->id == 41);
  for (int i = 0; i < 98; ++i)
    REQUIRE(loaded.add(r));
  CHECK_FALSE(loaded.add(r)); // 100 rules per device
}

TEST_CASE("history and outbox records") {
  status_report rep;
  rep.device_ts = 7;
  rep.objects.push_back({1, 2, std::string{"\x00\x07\x01", 3}, 7, 0});
  auto rec = history_status(rep, 99);
  auto dec = decode_history(rec);
  REQUIRE(dec);
  REQUIRE(dec->is_status);
  REQUIRE(dec->objects.size() == 1);
  CHECK(dec->objects[0].server_ts_ms == 99);
  CHECK(dec->objects[0].params == rep.objects[0].params);
  event_report ev{1, 5, 3, std::string{"\x00\x0c\x00\x01x", 5}, 1234};
  dec = decode_history(history_event(ev));
  REQUIRE(dec);
  CHECK_FALSE(dec->is_status);
  CHECK(dec->event.no == 5);
  CHECK(dec->event.priority == 3);
  CHECK(dec->event.device_ts == 1234);
  CHECK(dec->event.params == ev.params);
  CHECK_FALSE(decode_history(""));
  CHECK_FALSE(decode_history("x"));
  CHECK_FALSE(decode_history(rec.substr(0, rec.size() - 1)));
  outbox_entry e{"1-2-lamp", 2, 1000, rec};
  auto out = decode_outbox(encode_outbox(e));
  REQUIRE(out);
  CHECK(out->identifier == "1-2-lamp");
  CHECK(out->product_id == 2);
  CHECK(out->server_ms == 1000);
  CHECK(out->record == rec);
  CHECK_FALSE(decode_outbox(encode_outbox(e).substr(0, 12)));
}
