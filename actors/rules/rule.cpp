#include "actors/rules/rule.hpp"

#include <algorithm>

#include "actors/device/device_record.hpp"
#include "actors/registry/app_domain.hpp"
#include "actors/registry/payload_mapping.hpp"
#include "actors/rules/cron.hpp"

namespace pando::rules {

namespace {

using json = nlohmann::json;

/// Largest ttl of a command action: a week, as for the application API.
constexpr std::int64_t max_ttl_s = 7 * 86400;

std::string to_bytes(const std::vector<std::uint8_t>& buf) {
  return {buf.begin(), buf.end()};
}

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(
      std::stoi(std::string{hex.substr(i, 2)}, nullptr, 16));
  return out;
}

/// Checks the trigger against the rule's type; fills the event for ifttt.
std::string check_trigger(rule& r, const registry::product_config& cfg) {
  if (r.type == "timer") {
    auto parsed = parse_cron(r.trigger);
    return parsed ? std::string{} : "trigger: " + parsed.error;
  }
  for (const auto& e : cfg.events)
    if (e.name == r.trigger) {
      r.event_part = e.part;
      r.event_no = e.no;
      return {};
    }
  return "trigger: '" + r.trigger + "' is not an event of the device's product";
}

/// Splits "device/<identifier>/command|status".
std::string check_target(rule& r) {
  auto first = r.target.find('/');
  auto last = r.target.rfind('/');
  if (first == std::string::npos || first == last
      || r.target.substr(0, first) != "device")
    return "target: must be device/<identifier>/command or "
           "device/<identifier>/status";
  r.target_identifier = r.target.substr(first + 1, last - first - 1);
  r.target_kind = r.target.substr(last + 1);
  if (r.target_kind != "command" && r.target_kind != "status")
    return "target: must end in /command or /status";
  if (auto parts = registry::parse_identifier(r.target_identifier); !parts)
    return "target: '" + r.target_identifier + "' is not a device identifier";
  return {};
}

/// Reads the action: pando-cloud sends a string holding a JSON object;
/// pando also takes the object itself.
std::string read_action(const json& body, rule& r) {
  auto it = body.find("action");
  if (it == body.end())
    return "action: missing";
  if (it->is_object()) {
    r.action = it->dump();
    return {};
  }
  if (!it->is_string())
    return "action: must be a JSON object or a string holding one";
  auto parsed = json::parse(it->get<std::string>(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    return "action: the string does not hold a JSON object";
  r.action = parsed.dump();
  return {};
}

std::string read_string(const json& body, const char* key, std::size_t max,
                        std::string& out) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string())
    return std::string{key} + ": missing or not a string";
  out = it->get<std::string>();
  if (out.empty() || out.size() > max)
    return std::string{key} + ": 1 to " + std::to_string(max) + " characters";
  return {};
}

std::string read_options(const json& body, rule& r) {
  static const std::vector<std::string> known{
    "type", "trigger", "target", "action", "once", "enabled", "ttl"};
  for (const auto& [key, value] : body.items())
    if (std::find(known.begin(), known.end(), key) == known.end())
      return key + ": unknown field";
  for (auto [key, flag] : {std::pair{"once", &r.once}, {"enabled", &r.enabled}})
    if (auto it = body.find(key); it != body.end()) {
      if (!it->is_boolean())
        return std::string{key} + ": must be true or false";
      *flag = it->get<bool>();
    }
  if (auto it = body.find("ttl"); it != body.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0
        || it->get<std::int64_t>() > max_ttl_s)
      return "ttl: seconds from 0 to " + std::to_string(max_ttl_s);
    r.ttl_s = it->get<std::int64_t>();
  }
  return {};
}

} // namespace

std::string to_json(const rule& r) {
  auto out = to_api_json(r);
  out["app_id"] = r.app_id;
  out["event_part"] = r.event_part;
  out["event_no"] = r.event_no;
  out["target_identifier"] = r.target_identifier;
  out["target_kind"] = r.target_kind;
  out["payload"] = to_hex(r.payload);
  return out.dump();
}

std::optional<rule> rule_from_json(std::string_view text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  try {
    rule r;
    r.id = j.at("id").get<std::uint64_t>();
    r.type = j.at("type").get<std::string>();
    r.trigger = j.at("trigger").get<std::string>();
    r.target = j.at("target").get<std::string>();
    r.action = j.at("action").get<std::string>();
    r.once = j.at("once").get<bool>();
    r.enabled = j.at("enabled").get<bool>();
    r.ttl_s = j.at("ttl").get<std::int64_t>();
    r.app_id = j.at("app_id").get<std::int64_t>();
    r.created_at_ms = j.at("created_at_ms").get<std::int64_t>();
    r.event_part = j.at("event_part").get<std::uint16_t>();
    r.event_no = j.at("event_no").get<std::uint16_t>();
    r.target_identifier = j.at("target_identifier").get<std::string>();
    r.target_kind = j.at("target_kind").get<std::string>();
    r.payload = from_hex(j.at("payload").get<std::string>());
    r.fired = j.at("fired").get<std::uint64_t>();
    r.last_fired_ms = j.at("last_fired_ms").get<std::int64_t>();
    r.last_result = j.at("last_result").get<std::string>();
    return r;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

json to_api_json(const rule& r) {
  return {{"id", r.id},
          {"type", r.type},
          {"trigger", r.trigger},
          {"target", r.target},
          {"action", r.action},
          {"once", r.once},
          {"enabled", r.enabled},
          {"ttl", r.ttl_s},
          {"created_at_ms", r.created_at_ms},
          {"fired", r.fired},
          {"last_fired_ms", r.last_fired_ms},
          {"last_result", r.last_result}};
}

rule_request parse_rule_request(const json& body,
                                const registry::product_config& owner_cfg) {
  rule_request out;
  auto& r = out.r;
  auto fail = [&out](std::string why) {
    out.error = std::move(why);
    return out;
  };
  if (!body.is_object())
    return fail("the body must be a JSON object");
  for (auto err : {read_string(body, "type", 20, r.type),
                   read_string(body, "trigger", 200, r.trigger),
                   read_string(body, "target", 300, r.target)})
    if (!err.empty())
      return fail(err);
  if (r.type != "timer" && r.type != "ifttt")
    return fail("type: timer or ifttt");
  for (auto check : {check_trigger(r, owner_cfg), check_target(r),
                     read_action(body, r), read_options(body, r)})
    if (!check.empty())
      return fail(check);
  if (r.ttl_s != 0 && r.target_kind != "command")
    return fail("ttl: only for command targets");
  return out;
}

std::string compile_action(rule& r,
                           const registry::product_config& target_cfg) {
  auto action = json::parse(r.action);
  std::vector<std::uint8_t> buf;
  if (r.target_kind == "command") {
    auto cmd = registry::command_from_json(target_cfg, action);
    if (!cmd)
      return "action: " + to_string(cmd.error());
    if (proto::encode(*cmd, buf) != proto::errc::none)
      return "action: the command is too large";
  } else {
    auto data = registry::status_from_json(target_cfg, action);
    if (!data)
      return "action: " + to_string(data.error());
    if (proto::encode(*data, buf) != proto::errc::none)
      return "action: the status is too large";
  }
  r.payload = to_bytes(buf);
  return {};
}

void stamp_timestamp(std::string& payload, std::uint64_t unix_seconds) {
  if (payload.size() < 9)
    return;
  for (int i = 0; i < 8; ++i)
    payload[1 + i] = static_cast<char>((unix_seconds >> (8 * (7 - i))) & 0xff);
}

std::string rule_key(const std::string& owner_prefix, std::uint64_t id) {
  return owner_prefix + to_hex16(id);
}

} // namespace pando::rules
