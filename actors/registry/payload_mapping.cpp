#include "actors/registry/payload_mapping.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace pando::registry {

namespace {

using json = nlohmann::json;

using value_list = std::vector<proto::value>;

mapping_error fail(std::string path, std::string message) {
  return mapping_error{std::move(path), std::move(message)};
}

std::string kind_of(const json& x) {
  return x.is_number_float() ? "float" : x.type_name();
}

std::string index_path(std::string_view label, size_t i) {
  return std::string{label} + "[" + std::to_string(i) + "]";
}

std::string count_message(size_t expected, size_t got) {
  return "expected " + std::to_string(expected) + " value(s), got "
         + std::to_string(got);
}

std::string type_message(proto::tag expected, proto::tag got) {
  return "expected " + std::string{value_type_name(expected)} + ", got "
         + std::string{value_type_name(got)};
}

std::string unknown_number(std::string_view what, uint16_t part, uint16_t no) {
  return "no " + std::string{what} + " with part " + std::to_string(part)
         + " and no " + std::to_string(no);
}

/// Converts the JSON array given for `label` into values typed by `defs`.
mapping_result<value_list> values_from_json(std::string_view label,
                                            const std::vector<param_def>& defs,
                                            const json& xs) {
  if (!xs.is_array())
    return fail(std::string{label}, "expected an array of "
                                      + std::to_string(defs.size())
                                      + " value(s), got " + kind_of(xs));
  if (xs.size() != defs.size())
    return fail(std::string{label}, count_message(defs.size(), xs.size()));
  value_list result;
  for (size_t i = 0; i < defs.size(); ++i) {
    auto val = value_from_json(defs[i].value_type, xs[i]);
    if (!val)
      return fail(index_path(label, i), val.error().message);
    result.push_back(std::move(*val));
  }
  return result;
}

/// Renders values a device sent for `label`, checking them against `defs`.
mapping_result<json> values_to_json(std::string_view label,
                                    const std::vector<param_def>& defs,
                                    const value_list& xs) {
  if (xs.size() != defs.size())
    return fail(std::string{label}, count_message(defs.size(), xs.size()));
  auto result = json::array();
  for (size_t i = 0; i < defs.size(); ++i) {
    if (proto::tag_of(xs[i]) != defs[i].value_type)
      return fail(index_path(label, i),
                  type_message(defs[i].value_type, proto::tag_of(xs[i])));
    result.push_back(value_to_json(xs[i]));
  }
  return result;
}

/// Returns the only member of a command/event body.
mapping_result<json::const_iterator> single_entry(const json& body,
                                                  std::string_view what) {
  if (!body.is_object())
    return fail({}, "expected a JSON object {\"<" + std::string{what}
                      + ">\": [params]}, got " + kind_of(body));
  if (body.size() != 1) {
    std::string names;
    for (auto& [key, _] : body.items())
      names += (names.empty() ? " (" : ", ") + key;
    if (!names.empty())
      names += ")";
    auto msg = "expected exactly one " + std::string{what} + " per request";
    return fail({}, msg + ", got " + std::to_string(body.size()) + names);
  }
  return body.begin();
}

/// Maps a command/event body onto `Msg` using the definitions in `defs`.
template<class Msg, class Def>
mapping_result<Msg> message_from_json(const std::vector<Def>& defs,
                                      const json& body, std::string_view what) {
  auto entry = single_entry(body, what);
  if (!entry)
    return entry.error();
  auto& name = (*entry).key();
  auto def = std::find_if(defs.begin(), defs.end(),
                          [&](const Def& x) { return x.name == name; });
  if (def == defs.end())
    return fail(name, "unknown " + std::string{what});
  auto params = values_from_json(name, def->params, (*entry).value());
  if (!params)
    return params.error();
  Msg result;
  result.sub_device = def->part;
  result.no = def->no;
  result.priority = def->priority;
  result.params = std::move(*params);
  return result;
}

/// Renders a command/event as `{name: [params]}` given its definition.
template<class Msg, class Def>
mapping_result<json> message_to_json(const Def* def, const Msg& x,
                                     std::string_view what) {
  if (def == nullptr)
    return fail({}, unknown_number(what, x.sub_device, x.no));
  auto params = values_to_json(def->name, def->params, x.params);
  if (!params)
    return params.error();
  return json{{def->name, std::move(*params)}};
}

} // namespace

mapping_result<proto::data> status_from_json(const product_config& cfg,
                                             const json& body) {
  constexpr std::string_view shape
    = R"(expected a JSON object {"<label>": [values], ...}, got )";
  if (!body.is_object())
    return fail({}, std::string{shape} + kind_of(body));
  if (body.empty())
    return fail({}, "expected at least one object");
  for (auto& [label, _] : body.items())
    if (find_object(cfg, label) == nullptr)
      return fail(label, "unknown object");
  proto::data result;
  for (auto& obj : cfg.objects) {
    auto pos = body.find(obj.label);
    if (pos == body.end())
      continue;
    auto params = values_from_json(obj.label, obj.status, *pos);
    if (!params)
      return params.error();
    result.objects.push_back({obj.part, obj.no, std::move(*params)});
  }
  return result;
}

mapping_result<json> status_to_json(const product_config& cfg,
                                    std::span<const proto::sub_data> objects) {
  auto result = json::object();
  for (size_t i = 0; i < objects.size(); ++i) {
    auto& x = objects[i];
    auto* obj = find_object(cfg, x.sub_device, x.property_no);
    if (obj == nullptr)
      return fail(index_path("sub_data", i),
                  unknown_number("object", x.sub_device, x.property_no));
    if (result.contains(obj->label))
      return fail(obj->label, "reported twice");
    auto values = values_to_json(obj->label, obj->status, x.params);
    if (!values)
      return values.error();
    result[obj->label] = std::move(*values);
  }
  return result;
}

mapping_result<json> status_to_json(const product_config& cfg,
                                    const proto::data& x) {
  return status_to_json(cfg, x.objects);
}

mapping_result<proto::command> command_from_json(const product_config& cfg,
                                                 const json& body) {
  return message_from_json<proto::command>(cfg.commands, body, "command");
}

mapping_result<json> command_to_json(const product_config& cfg,
                                     const proto::command& x) {
  return message_to_json(find_command(cfg, x.sub_device, x.no), x, "command");
}

mapping_result<proto::event> event_from_json(const product_config& cfg,
                                             const json& body) {
  return message_from_json<proto::event>(cfg.events, body, "event");
}

mapping_result<json> event_to_json(const product_config& cfg,
                                   const proto::event& x) {
  return message_to_json(find_event(cfg, x.sub_device, x.no), x, "event");
}

} // namespace pando::registry
