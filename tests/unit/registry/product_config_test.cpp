#include "actors/registry/product_config.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

using namespace pando::registry;
using nlohmann::json;
using pando::proto::tag;

namespace {

using string_list = std::vector<std::string>;

/// Returns the rendered errors of parsing `text`.
string_list errors_of(std::string_view text, config_options opts = {}) {
  string_list result;
  for (auto& err : parse_product_config(text, opts).errors)
    result.push_back(to_string(err));
  return result;
}

string_list rendered(const std::vector<config_error>& xs) {
  string_list result;
  for (auto& x : xs)
    result.push_back(to_string(x));
  return result;
}

/// Returns the errors of a config holding one object with the given members
/// (spliced into the object literal).
string_list object_errors(std::string_view members, config_options opts = {}) {
  return errors_of(R"({"objects":[{)" + std::string{members} + "}]}", opts);
}

/// Returns the errors of a config holding one command with the given members.
string_list command_errors(std::string_view members) {
  return errors_of(R"({"commands":[{)" + std::string{members} + "}]}");
}

// Spec 2.2 example (comments removed).
constexpr std::string_view spec_2_2 = R"({
  "objects": [ {
      "no": 1, "label": "atmosphere", "part": 1,
      "status": [ {"value_type": 8, "name": "red"},
                  {"value_type": 8, "name": "humidity"} ] } ],
  "commands": [ {
      "no": 1, "name": "upgrade", "part": 1, "priority": 0,
      "params": [ {"value_type": 12, "name": "url"},
                  {"value_type": 11, "name": "md5"} ] } ],
  "events": [ {
      "no": 1, "name": "alert", "part": 1, "priority": 0, "params": [] } ]
})";

// Spec 5.4 (a), (b) and (c) definitions in one config.
constexpr std::string_view spec_5_4 = R"({
  "objects": [{"no":1,"label":"switch","part":1,
               "status":[{"value_type":7,"name":"onoff"}]}],
  "commands": [{"no":1,"part":1,"name":"switch","priority":0,
                "params":[{"value_type":7},{"value_type":7}]}],
  "events": [{"no":1,"part":1,"name":"alarm","params":[{"value_type":12}]}]
})";

const std::string good_status = R"("status":[{"value_type":7}])";

} // namespace

// -- accepted configs ---------------------------------------------------------

TEST_CASE("product config: the spec 2.2 example") {
  auto res = parse_product_config(spec_2_2);
  REQUIRE_MESSAGE(res, (res.errors.empty() ? "" : to_string(res.errors[0])));
  auto& cfg = res.config;
  REQUIRE_EQ(cfg.objects.size(), 1u);
  CHECK_EQ(cfg.objects[0].no, 1);
  CHECK_EQ(cfg.objects[0].label, "atmosphere");
  CHECK_EQ(cfg.objects[0].part, 1);
  CHECK_EQ(
    cfg.objects[0].status,
    std::vector<param_def>{{tag::uint16, "red"}, {tag::uint16, "humidity"}});
  REQUIRE_EQ(cfg.commands.size(), 1u);
  CHECK_EQ(cfg.commands[0],
           command_def{
             1, 1, "upgrade", 0, {{tag::string, "url"}, {tag::bytes, "md5"}}});
  REQUIRE_EQ(cfg.events.size(), 1u);
  CHECK_EQ(cfg.events[0], event_def{1, 1, "alert", 0, {}});
}

TEST_CASE("product config: the spec 5.4 definitions") {
  auto res = parse_product_config(spec_5_4);
  REQUIRE(res);
  auto& cfg = res.config;
  CHECK_EQ(cfg.objects,
           std::vector<object_def>{{1, "switch", 1, {{tag::uint8, "onoff"}}}});
  // Param names are optional; (c) has no priority: it defaults to 0.
  CHECK_EQ(cfg.commands,
           std::vector<command_def>{
             {1, 1, "switch", 0, {{tag::uint8, ""}, {tag::uint8, ""}}}});
  CHECK_EQ(cfg.events,
           std::vector<event_def>{{1, 1, "alarm", 0, {{tag::string, ""}}}});
}

TEST_CASE("product config: the original's unit test config") {
  // An object and a command may share a name; events may be empty.
  auto res = parse_product_config(R"({
    "objects": [{"no": 1, "label": "switch", "part": 1,
                 "status": [{"value_type": 7, "name": "onoff"}]}],
    "commands": [{"no": 1, "part": 1, "name": "switch", "priority": 0,
                  "params": [{"value_type": 7, "name": "status"}]}],
    "events": []})");
  CHECK(res);
}

TEST_CASE("product config: lists are optional, an empty object is valid") {
  auto res = parse_product_config("{}");
  REQUIRE(res);
  CHECK_EQ(res.config, product_config{});
}

TEST_CASE("product config: keys match case-insensitively, like Go") {
  auto res = parse_product_config(R"({"OBJECTS":[{"No":1,"Label":"x",
    "PART":2,"Status":[{"Value_Type":9,"NAME":"n"}]}],
    "Events":[{"NO":3,"Part":0,"name":"e","Priority":5,"Params":[]}]})");
  REQUIRE(res);
  CHECK_EQ(res.config.objects[0], object_def{1, "x", 2, {{tag::uint32, "n"}}});
  CHECK_EQ(res.config.events[0], event_def{3, 0, "e", 5, {}});
}

TEST_CASE("product config: objects may carry the original's unused id") {
  auto res
    = parse_product_config(R"({"objects":[{"id":7,"no":1,"label":"x","part":1,)"
                           + good_status + "}]}");
  REQUIRE(res);
  CHECK_EQ(res.config.objects[0], object_def{1, "x", 1, {{tag::uint8, ""}}});
  CHECK_EQ(
    object_errors(R"("id":"7","no":1,"label":"x","part":1,)" + good_status),
    string_list{R"(objects[0] "x": id: expected an integer, got string)"});
}

TEST_CASE("product config: boundary values are accepted") {
  auto res = parse_product_config(R"({
    "objects":[{"no":0,"label":"a","part":0,"status":[{"value_type":1}]},
               {"no":59999,"label":"b","part":65534,
                "status":[{"value_type":12}]}],
    "commands":[{"no":59999,"part":65534,"name":"c","priority":99,
                 "params":[]}]})");
  CHECK(res);
}

TEST_CASE("product config: bool needs allow_bool") {
  constexpr std::string_view text = R"({"objects":[{"no":1,"label":"x","part":1,
                      "status":[{"value_type":13}]}]})";
  CHECK_EQ(errors_of(text),
           string_list{R"(objects[0] "x" status[0]: value_type: 13 (bool) )"
                       "needs the allow_bool option"});
  auto res = parse_product_config(text, {.allow_bool = true});
  REQUIRE(res);
  CHECK_EQ(res.config.objects[0].status[0].value_type, tag::boolean);
}

// -- syntax and shape errors --------------------------------------------------

TEST_CASE("product config: invalid JSON is one error") {
  auto errs = errors_of(R"({"objects": [)");
  REQUIRE_EQ(errs.size(), 1u);
  CHECK_EQ(errs[0].rfind("invalid JSON: ", 0), 0u);
  CHECK_EQ(errors_of("").size(), 1u);
}

TEST_CASE("product config: the document must be an object") {
  CHECK_EQ(errors_of("[]"), string_list{"expected a JSON object, got array"});
  CHECK_EQ(errors_of("42"), string_list{"expected a JSON object, got number"});
}

TEST_CASE("product config: unknown top-level keys") {
  CHECK_EQ(errors_of(R"({"object":[]})"),
           string_list{R"(unknown key "object" (allowed: objects, commands, )"
                       "events)"});
  CHECK_EQ(errors_of(R"({"objects":[],"Objects":[]})"),
           string_list{R"(duplicate key "objects" (keys match )"
                       "case-insensitively)"});
}

TEST_CASE("product config: lists must be arrays of objects") {
  CHECK_EQ(errors_of(R"({"objects":{}})"),
           string_list{"objects: expected an array, got object"});
  CHECK_EQ(errors_of(R"({"commands":null})"),
           string_list{"commands: expected an array, got null"});
  CHECK_EQ(errors_of(R"({"events":[1]})"),
           string_list{"events[0]: expected an object, got number"});
}

TEST_CASE("product config: missing keys") {
  CHECK_EQ(object_errors(R"("label":"x")"),
           string_list{R"(objects[0] "x": missing key "no")",
                       R"(objects[0] "x": missing key "part")",
                       R"(objects[0] "x": missing key "status")"});
  CHECK_EQ(object_errors(R"("no":1,"part":1,)" + good_status),
           string_list{R"(objects[0]: missing key "label")"});
  CHECK_EQ(command_errors(R"("no":1,"part":1,"name":"c")"),
           string_list{R"(commands[0] "c": missing key "params")"});
  CHECK_EQ(command_errors(R"("no":1,"part":1,"params":[])"),
           string_list{R"(commands[0]: missing key "name")"});
  CHECK_EQ(
    object_errors(R"("no":1,"label":"x","part":1,"status":[{}])"),
    string_list{R"(objects[0] "x" status[0]: missing key "value_type")"});
}

TEST_CASE("product config: unknown and doubled keys in entries") {
  CHECK_EQ(
    object_errors(R"("no":1,"label":"x","part":1,"colour":2,)" + good_status),
    string_list{R"(objects[0] "x": unknown key "colour" (allowed: no, )"
                "label, part, status, id)"});
  // Commands and events have no id; objects have no priority.
  CHECK_EQ(command_errors(R"("id":1,"no":1,"part":1,"name":"c","params":[])"),
           string_list{R"(commands[0] "c": unknown key "id" (allowed: no, )"
                       "part, name, priority, params)"});
  CHECK_EQ(
    object_errors(R"("no":1,"label":"x","part":1,"priority":0,)" + good_status)
      .size(),
    1u);
  CHECK_EQ(
    object_errors(R"("no":1,"No":2,"label":"x","part":1,)" + good_status),
    string_list{R"(objects[0] "x": duplicate key "no" (keys match )"
                "case-insensitively)"});
  CHECK_EQ(object_errors(R"("no":1,"label":"x","part":1,)"
                         R"("status":[{"value_type":7,"unit":"C"}])"),
           string_list{R"(objects[0] "x" status[0]: unknown key "unit" )"
                       "(allowed: value_type, name)"});
}

TEST_CASE("product config: wrong JSON kinds") {
  CHECK_EQ(
    object_errors(R"("no":"1","label":"x","part":1,)" + good_status),
    string_list{R"(objects[0] "x": no: expected an integer, got string)"});
  CHECK_EQ(
    object_errors(R"("no":1.0,"label":"x","part":1,)" + good_status),
    string_list{R"(objects[0] "x": no: expected an integer, got float)"});
  CHECK_EQ(object_errors(R"("no":1,"label":5,"part":1,)" + good_status),
           string_list{"objects[0]: label: expected a string, got number"});
  CHECK_EQ(object_errors(R"("no":1,"label":"x","part":true,)" + good_status),
           string_list{R"(objects[0] "x": part: expected an integer, got )"
                       "boolean"});
  CHECK_EQ(object_errors(R"("no":1,"label":"x","part":1,"status":{})"),
           string_list{R"(objects[0] "x": status: expected an array, got )"
                       "object"});
  CHECK_EQ(object_errors(R"("no":1,"label":"x","part":1,"status":[7])"),
           string_list{R"(objects[0] "x" status[0]: expected an object, got )"
                       "number"});
  CHECK_EQ(object_errors(R"("no":1,"label":"x","part":1,)"
                         R"("status":[{"value_type":"7"}])"),
           string_list{R"(objects[0] "x" status[0]: value_type: expected an )"
                       "integer, got string"});
  CHECK_EQ(object_errors(R"("no":1,"label":"x","part":1,)"
                         R"("status":[{"value_type":7,"name":1}])"),
           string_list{R"(objects[0] "x" status[0]: name: expected a string, )"
                       "got number"});
  CHECK_EQ(command_errors(R"("no":1,"part":1,"name":"c","priority":"0",)"
                          R"("params":[])"),
           string_list{R"(commands[0] "c": priority: expected an integer, )"
                       "got string"});
}

// -- rule errors --------------------------------------------------------------

TEST_CASE("product config: numbers outside 0-59999") {
  auto with_no = [](std::string_view no) {
    return object_errors(R"("no":)" + std::string{no}
                         + R"(,"label":"x","part":1,)" + good_status);
  };
  CHECK_EQ(with_no("60000"),
           string_list{R"(objects[0] "x": no: 60000 is platform-reserved )"
                       "(60000-65535)"});
  CHECK_EQ(with_no("65535"),
           string_list{R"(objects[0] "x": no: 65535 is platform-reserved )"
                       "(60000-65535)"});
  CHECK_EQ(with_no("65536"),
           string_list{R"(objects[0] "x": no: 65536 is out of range )"
                       "(0-59999)"});
  CHECK_EQ(with_no("-1"),
           string_list{R"(objects[0] "x": no: -1 is out of range (0-59999))"});
  CHECK_EQ(with_no("18446744073709551615"),
           string_list{R"(objects[0] "x": no: 18446744073709551615 is out )"
                       "of range"});
  CHECK_EQ(command_errors(R"("no":65528,"part":1,"name":"q","params":[])"),
           string_list{R"(commands[0] "q": no: 65528 is platform-reserved )"
                       "(60000-65535)"});
}

TEST_CASE("product config: parts outside 0-65534") {
  CHECK_EQ(object_errors(R"("no":1,"label":"x","part":65535,)" + good_status),
           string_list{R"(objects[0] "x": part: 65535 means "all )"
                       R"(sub-devices" and cannot be used (0-65534))"});
  CHECK_EQ(object_errors(R"("no":1,"label":"x","part":70000,)" + good_status),
           string_list{R"(objects[0] "x": part: 70000 is out of range )"
                       "(0-65534)"});
  CHECK_EQ(
    object_errors(R"("no":1,"label":"x","part":-2,)" + good_status),
    string_list{R"(objects[0] "x": part: -2 is out of range (0-65534))"});
}

TEST_CASE("product config: priorities outside 0-99") {
  CHECK_EQ(command_errors(R"("no":1,"part":1,"name":"c","priority":100,)"
                          R"("params":[])"),
           string_list{R"(commands[0] "c": priority: 100 is out of range )"
                       "(0-99)"});
  CHECK_EQ(
    errors_of(R"({"events":[{"no":1,"part":1,"name":"e",)"
              R"("priority":-1,"params":[]}]})"),
    string_list{R"(events[0] "e": priority: -1 is out of range (0-99))"});
}

TEST_CASE("product config: unknown value types") {
  auto with_type = [](std::string_view type, config_options opts = {}) {
    return object_errors(R"("no":1,"label":"x","part":1,"status":[)"
                         R"({"value_type":7},{"value_type":)"
                           + std::string{type} + "}]",
                         opts);
  };
  CHECK_EQ(with_type("0"),
           string_list{R"(objects[0] "x" status[1]: value_type: unknown )"
                       "value type 0 (expected 1-12)"});
  CHECK_EQ(with_type("14"),
           string_list{R"(objects[0] "x" status[1]: value_type: unknown )"
                       "value type 14 (expected 1-12)"});
  CHECK_EQ(with_type("14", {.allow_bool = true}),
           string_list{R"(objects[0] "x" status[1]: value_type: unknown )"
                       "value type 14 (expected 1-13)"});
  CHECK_EQ(with_type("70000"),
           string_list{R"(objects[0] "x" status[1]: value_type: unknown )"
                       "value type 70000"});
  CHECK_EQ(command_errors(R"("no":1,"part":1,"name":"c",)"
                          R"("params":[{"value_type":-1}])"),
           string_list{R"(commands[0] "c" params[0]: value_type: unknown )"
                       "value type -1"});
}

TEST_CASE("product config: empty labels, names and status lists") {
  CHECK_EQ(object_errors(R"("no":1,"label":"","part":1,)" + good_status),
           string_list{"objects[0]: label: must not be empty"});
  CHECK_EQ(command_errors(R"("no":1,"part":1,"name":"","params":[])"),
           string_list{"commands[0]: name: must not be empty"});
  CHECK_EQ(object_errors(R"("no":1,"label":"x","part":1,"status":[])"),
           string_list{R"(objects[0] "x": status: must list at least one )"
                       "value"});
}

TEST_CASE("product config: objects are unique on part and no (B14)") {
  auto errs = errors_of(R"({"objects":[
    {"no":1,"label":"a","part":1,"status":[{"value_type":7}]},
    {"no":1,"label":"b","part":2,"status":[{"value_type":7}]},
    {"no":1,"label":"switch","part":1,"status":[{"value_type":7}]}]})");
  CHECK_EQ(errs, string_list{R"(objects[2] "switch": duplicate no 1 in part )"
                             "1 (also objects[0])"});
}

TEST_CASE("product config: commands and events are unique on no") {
  CHECK_EQ(
    errors_of(R"({"commands":[
             {"no":1,"part":1,"name":"a","params":[]},
             {"no":1,"part":2,"name":"b","params":[]}]})"),
    string_list{R"(commands[1] "b": duplicate no 1 (also commands[0]))"});
  CHECK_EQ(errors_of(R"({"events":[
             {"no":2,"part":1,"name":"a","params":[]},
             {"no":3,"part":1,"name":"b","params":[]},
             {"no":2,"part":1,"name":"c","params":[]}]})"),
           string_list{R"(events[2] "c": duplicate no 2 (also events[0]))"});
}

TEST_CASE("product config: labels and names are unique per list") {
  CHECK_EQ(errors_of(R"({"objects":[
             {"no":1,"label":"x","part":1,"status":[{"value_type":7}]},
             {"no":2,"label":"x","part":1,"status":[{"value_type":7}]}]})"),
           string_list{R"(objects[1] "x": duplicate label "x" (also )"
                       "objects[0])"});
  CHECK_EQ(
    errors_of(R"({"events":[
             {"no":1,"part":1,"name":"e","params":[]},
             {"no":2,"part":1,"name":"e","params":[]}]})"),
    string_list{R"(events[1] "e": duplicate name "e" (also events[0]))"});
}

TEST_CASE("product config: all problems are collected, without follow-ups") {
  auto errs = errors_of(R"({"objects":[
      {"label":"a","part":1,"status":[{"value_type":7}]},
      {"label":"b","part":1,"status":[{"value_type":7}]},
      {"no":60001,"label":"","part":1,"status":[]}],
    "commands":[{"no":1,"part":1,"name":"c","priority":100,
                 "params":[{"value_type":99}]}],
    "events":[{"no":1,"part":1,"name":"e","params":[], "x":1}],
    "extra": true})");
  // Both missing numbers are reported; neither counts as a duplicate 0.
  CHECK_EQ(errs, string_list{
                   R"(unknown key "extra" (allowed: objects, commands, )"
                   "events)",
                   R"(objects[0] "a": missing key "no")",
                   R"(objects[1] "b": missing key "no")",
                   "objects[2]: no: 60001 is platform-reserved (60000-65535)",
                   "objects[2]: label: must not be empty",
                   "objects[2]: status: must list at least one value",
                   R"(commands[0] "c": priority: 100 is out of range (0-99))",
                   R"(commands[0] "c" params[0]: value_type: unknown value )"
                   "type 99 (expected 1-12)",
                   R"(events[0] "e": unknown key "x" (allowed: no, part, )"
                   "name, priority, params)"});
}

// -- validate, to_json, lookups -----------------------------------------------

TEST_CASE("product config: validate() applies the same rules to structs") {
  product_config cfg;
  cfg.objects = {{60000, "", 65535, {}},
                 {1, "x", 1, {{static_cast<tag>(14), "t"}}},
                 {1, "x", 1, {{tag::uint8, ""}}}};
  cfg.commands = {{1, 1, "c", 100, {}}, {1, 2, "d", 0, {}}};
  cfg.events = {{2, 1, "e", 0, {{tag::boolean, ""}}}};
  CHECK_EQ(rendered(validate(cfg)),
           string_list{
             "objects[0]: no: 60000 is platform-reserved (60000-65535)",
             R"(objects[0]: part: 65535 means "all sub-devices" and cannot )"
             "be used (0-65534)",
             "objects[0]: label: must not be empty",
             "objects[0]: status: must list at least one value",
             R"(objects[1] "x" status[0]: value_type: unknown value type 14 )"
             "(expected 1-12)",
             R"(objects[2] "x": duplicate no 1 in part 1 (also objects[1]))",
             R"(objects[2] "x": duplicate label "x" (also objects[1]))",
             R"(commands[0] "c": priority: 100 is out of range (0-99))",
             R"(commands[1] "d": duplicate no 1 (also commands[0]))",
             R"(events[0] "e" params[0]: value_type: 13 (bool) needs the )"
             "allow_bool option"});
  CHECK(validate(parse_product_config(spec_2_2).config).empty());
}

TEST_CASE("product config: to_json writes the documented spelling") {
  auto cfg = parse_product_config(spec_5_4).config;
  // Param names are omitted when empty; priority is always written.
  auto expected = json::parse(R"({
    "objects": [{"no":1,"label":"switch","part":1,
                 "status":[{"value_type":7,"name":"onoff"}]}],
    "commands": [{"no":1,"part":1,"name":"switch","priority":0,
                  "params":[{"value_type":7},{"value_type":7}]}],
    "events": [{"no":1,"part":1,"name":"alarm","priority":0,
                "params":[{"value_type":12}]}]})");
  CHECK_EQ(to_json(cfg), expected);
  CHECK_EQ(to_json(product_config{}),
           json::parse(R"({"objects":[],"commands":[],"events":[]})"));
}

TEST_CASE("product config: from_json(to_json(cfg)) == cfg") {
  for (auto text : {spec_2_2, spec_5_4}) {
    auto cfg = parse_product_config(text).config;
    auto again = product_config_from_json(to_json(cfg));
    REQUIRE(again);
    CHECK_EQ(again.config, cfg);
  }
}

TEST_CASE("product config: lookups by label, name and number") {
  auto cfg = parse_product_config(R"({
    "objects":[{"no":1,"label":"a","part":1,"status":[{"value_type":7}]},
               {"no":1,"label":"b","part":2,"status":[{"value_type":7}]},
               {"no":2,"label":"c","part":1,"status":[{"value_type":7}]}],
    "commands":[{"no":5,"part":3,"name":"go","params":[]}],
    "events":[{"no":6,"part":4,"name":"alarm","params":[]}]})")
               .config;
  CHECK_EQ(find_object(cfg, "b"), &cfg.objects[1]);
  CHECK_EQ(find_object(cfg, "z"), nullptr);
  CHECK_EQ(find_object(cfg, 2, 1), &cfg.objects[1]);
  CHECK_EQ(find_object(cfg, 1, 1), &cfg.objects[0]);
  // Fallback on the number alone only when it is unambiguous.
  CHECK_EQ(find_object(cfg, 9, 2), &cfg.objects[2]);
  CHECK_EQ(find_object(cfg, 9, 1), nullptr);
  CHECK_EQ(find_object(cfg, 1, 3), nullptr);
  CHECK_EQ(find_command(cfg, "go"), &cfg.commands[0]);
  CHECK_EQ(find_command(cfg, "stop"), nullptr);
  CHECK_EQ(find_command(cfg, 0, 5), &cfg.commands[0]);
  CHECK_EQ(find_event(cfg, "alarm"), &cfg.events[0]);
  CHECK_EQ(find_event(cfg, 4, 6), &cfg.events[0]);
  CHECK_EQ(find_event(cfg, 4, 7), nullptr);
}

TEST_CASE("product config: value type names") {
  CHECK_EQ(value_type_name(tag::float64), "float64");
  CHECK_EQ(value_type_name(tag::uint8), "uint8");
  CHECK_EQ(value_type_name(tag::bytes), "bytes");
  CHECK_EQ(value_type_name(tag::boolean), "bool");
  CHECK_EQ(value_type_name(static_cast<tag>(0)), "unknown");
  CHECK_EQ(to_string(config_error{"", "m"}), "m");
  CHECK_EQ(to_string(config_error{"p", "m"}), "p: m");
}
