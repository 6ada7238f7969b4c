#include "transports/mqtt/json_topics.hpp"

#include <cstdint>

#include <nlohmann/json.hpp>

#include "actors/registry/payload_mapping.hpp"
#include "transports/pando/message.hpp"

namespace pando::mqtt {

namespace {

using json = nlohmann::json;

constexpr std::string_view scheme = "pando/v1/";

std::string encode_params(const std::vector<proto::value>& params) {
  std::vector<std::uint8_t> buf;
  for (const auto& v : params)
    if (proto::encode(v, buf) != proto::errc::none)
      return {};
  return {buf.begin(), buf.end()};
}

json parse(std::span<const std::uint8_t> payload) {
  return json::parse(payload.begin(), payload.end(), nullptr, false);
}

upstream status_of(const registry::product_config& cfg, const json& body) {
  auto mapped = registry::status_from_json(cfg, body);
  if (!mapped)
    return upstream_error{"status: " + to_string(mapped.error())};
  status_report r;
  for (const auto& obj : mapped->objects)
    r.objects.push_back(
      {obj.sub_device, obj.property_no, encode_params(obj.params), 0, 0});
  return r;
}

upstream event_of(const registry::product_config& cfg, const json& body) {
  auto mapped = registry::event_from_json(cfg, body);
  if (!mapped)
    return upstream_error{"events: " + to_string(mapped.error())};
  return event_report{mapped->sub_device, mapped->no, mapped->priority,
                      encode_params(mapped->params), 0};
}

/// Command results become platform event 65534 (command delivery feedback):
/// [uint64 tag, int32 result, string message].
upstream result_of(const json& body) {
  if (!body.contains("tag") || !body["tag"].is_number_unsigned())
    return upstream_error{"commands/result: tag: a non-negative integer"};
  if (!body.contains("result") || !body["result"].is_number_integer())
    return upstream_error{"commands/result: result: an integer"};
  auto result = body["result"].get<std::int64_t>();
  if (result < INT32_MIN || result > INT32_MAX)
    return upstream_error{"commands/result: result: out of the int32 range"};
  auto message = body.value("message", std::string{});
  event_report e;
  e.part = 0;
  e.no = 65534;
  e.params = encode_params({body["tag"].get<std::uint64_t>(),
                            static_cast<std::int32_t>(result), message});
  return e;
}

} // namespace

std::string json_prefix(const std::string& identifier) {
  return std::string{scheme} + identifier + "/";
}

bool is_json_topic(const std::string& topic) {
  return topic.compare(0, scheme.size(), scheme) == 0;
}

upstream map_json_upstream(const registry::product_config& cfg,
                           const std::string& identifier,
                           const std::string& topic,
                           std::span<const std::uint8_t> payload) {
  auto prefix = json_prefix(identifier);
  if (topic.compare(0, prefix.size(), prefix) != 0)
    return upstream_error{"topic '" + topic + "' is not under " + prefix};
  auto body = parse(payload);
  if (body.is_discarded() || !body.is_object())
    return upstream_error{"the payload must be a JSON object"};
  auto leaf = topic.substr(prefix.size());
  if (leaf == "status")
    return status_of(cfg, body);
  if (leaf == "events")
    return event_of(cfg, body);
  if (leaf == "commands/result")
    return result_of(body);
  return upstream_error{"topic '" + topic
                        + "': use status, events or commands/result"};
}

int json_subscribe_grant(const std::string& identifier,
                         const std::string& filter, int requested_qos) {
  auto prefix = json_prefix(identifier);
  if (filter == prefix + "#" || filter == prefix + "commands"
      || filter == prefix + "status/set" || filter == prefix + "status/get"
      || filter == prefix + "status/+")
    return requested_qos > 1 ? 1 : requested_qos;
  return -1;
}

std::optional<json_downstream>
map_json_downstream(const registry::product_config& cfg,
                    const std::string& identifier, const downstream& msg) {
  std::span<const std::uint8_t> bytes{
    reinterpret_cast<const std::uint8_t*>(msg.payload.data()),
    msg.payload.size()};
  auto prefix = json_prefix(identifier);
  if (msg.topic == "c") {
    auto cmd = proto::decode_command(bytes);
    if (!cmd)
      return std::nullopt;
    if (cmd->no == 65528)
      return json_downstream{prefix + "status/get",
                             json{{"tag", msg.tag}}.dump()};
    auto mapped = registry::command_to_json(cfg, *cmd);
    if (!mapped || mapped->empty())
      return std::nullopt;
    auto it = mapped->begin();
    json body{{"tag", msg.tag}, {"name", it.key()}, {"params", it.value()}};
    return json_downstream{prefix + "commands", body.dump()};
  }
  if (msg.topic == "s") {
    auto data = proto::decode_data(bytes);
    if (!data)
      return std::nullopt;
    auto mapped = registry::status_to_json(cfg, *data);
    if (!mapped)
      return std::nullopt;
    return json_downstream{prefix + "status/set", mapped->dump()};
  }
  return std::nullopt;
}

} // namespace pando::mqtt
