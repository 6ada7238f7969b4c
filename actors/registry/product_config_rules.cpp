// The rule pass of product config validation (spec 2.2, 5.5, B14).
//
// Parsing runs in two passes per list. The shape pass (product_config.cpp)
// reads each entry into a plain struct and records in a bit mask which
// identifying fields (no, part, label/name, status/params) it could read; the
// rule pass here then checks ranges and duplicates on the structs, skipping
// fields the shape pass already reported. `validate()` runs the same rule pass
// with every field present, so both paths produce the same messages.

#include "actors/registry/product_config_rules.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <map>
#include <utility>

namespace pando::registry {

namespace detail {

namespace {

maybe_message check_value_type(int64_t x, const config_options& opts) {
  if (x >= 1 && x <= 12)
    return std::nullopt;
  if (x == 13)
    return opts.allow_bool ? maybe_message{}
                           : "13 (bool) needs the allow_bool option";
  return "unknown value type " + std::to_string(x)
         + (opts.allow_bool ? " (expected 1-13)" : " (expected 1-12)");
}

void check_params(const kind_info& k, const entry_view& e,
                  const config_options& opts, error_list& out) {
  if (k.params_required && e.params->empty())
    add(out, e.path,
        std::string{k.params_key} + ": must list at least one value");
  auto prefix = e.path + " " + std::string{k.params_key} + "[";
  for (size_t i = 0; i < e.params->size(); ++i) {
    auto type = static_cast<int64_t>((*e.params)[i].value_type);
    if (auto msg = check_value_type(type, opts))
      add(out, prefix + std::to_string(i) + "]", "value_type: " + *msg);
  }
}

/// Checks the rules of one entry for the fields present in its mask.
void check_entry(const kind_info& k, const entry_view& e,
                 const config_options& opts, error_list& out) {
  if (e.mask & has_no)
    if (auto msg = check_no(e.no))
      add(out, e.path, "no: " + *msg);
  if (e.mask & has_part)
    if (auto msg = check_part(e.part))
      add(out, e.path, "part: " + *msg);
  if ((e.mask & has_name) && e.name.empty())
    add(out, e.path, std::string{k.name_key} + ": must not be empty");
  if (auto msg = check_priority(e.priority))
    add(out, e.path, "priority: " + *msg);
  if (e.mask & has_params)
    check_params(k, e, opts, out);
}

/// Reports entries whose number or name repeats an earlier entry's.
void check_unique(const kind_info& k, std::span<const entry_view> es,
                  error_list& out) {
  std::map<std::pair<uint16_t, uint16_t>, size_t> numbers;
  std::map<std::string_view, size_t> names;
  auto also = [&](size_t i) {
    return " (also " + std::string{k.list} + "[" + std::to_string(i) + "])";
  };
  for (size_t i = 0; i < es.size(); ++i) {
    auto& e = es[i];
    bool no_known
      = (e.mask & has_no) && (!k.no_per_part || (e.mask & has_part));
    auto key = std::pair{k.no_per_part ? e.part : uint16_t{0}, e.no};
    if (no_known)
      if (auto [pos, added] = numbers.emplace(key, i); !added)
        add(out, e.path,
            "duplicate no " + std::to_string(e.no)
              + (k.no_per_part ? " in part " + std::to_string(e.part) : "")
              + also(pos->second));
    if ((e.mask & has_name) && !e.name.empty())
      if (auto [pos, added] = names.emplace(e.name, i); !added)
        add(out, e.path,
            "duplicate " + std::string{k.name_key} + " " + json_quote(e.name)
              + also(pos->second));
  }
}

template<class Def>
void validate_list(const kind_info& k, const std::vector<Def>& xs,
                   const config_options& opts, error_list& out) {
  std::vector<entry_view> views;
  for (size_t i = 0; i < xs.size(); ++i)
    views.push_back(
      make_view(xs[i], entry_path(k.list, i, name_of(xs[i])), has_all));
  check_list(k, views, opts, out);
}

} // namespace

void add(error_list& out, std::string path, std::string message) {
  out.push_back({std::move(path), std::move(message)});
}

std::string json_quote(std::string_view x) {
  using nlohmann::json;
  return json(std::string{x})
    .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string entry_path(std::string_view list, size_t index,
                       std::string_view name) {
  auto result = std::string{list} + "[" + std::to_string(index) + "]";
  if (!name.empty())
    result += " " + json_quote(name);
  return result;
}

maybe_message check_no(int64_t x) {
  if (x < 0 || x > std::numeric_limits<uint16_t>::max())
    return std::to_string(x) + " is out of range (0-59999)";
  if (x >= first_reserved_no)
    return std::to_string(x) + " is platform-reserved (60000-65535)";
  return std::nullopt;
}

maybe_message check_part(int64_t x) {
  if (x == all_parts)
    return "65535 means \"all sub-devices\" and cannot be used (0-65534)";
  if (x < 0 || x > all_parts)
    return std::to_string(x) + " is out of range (0-65534)";
  return std::nullopt;
}

maybe_message check_priority(int64_t x) {
  if (x < 0 || x > max_priority)
    return std::to_string(x) + " is out of range (0-99)";
  return std::nullopt;
}

void check_list(const kind_info& k, std::span<const entry_view> views,
                const config_options& opts, error_list& out) {
  for (auto& view : views)
    check_entry(k, view, opts, out);
  check_unique(k, views, out);
}

} // namespace detail

std::vector<config_error> validate(const product_config& cfg,
                                   const config_options& opts) {
  using namespace detail;
  error_list out;
  validate_list(objects_kind, cfg.objects, opts, out);
  validate_list(commands_kind, cfg.commands, opts, out);
  validate_list(events_kind, cfg.events, opts, out);
  return out;
}

} // namespace pando::registry
