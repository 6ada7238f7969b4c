// Product config parsing (spec 2.2): the shape pass, serialization and
// lookups.
//
// The original accepted any JSON that Go's decoder could map onto its structs
// (missing fields became 0/"", unknown keys were ignored, nothing was
// checked). This parser keeps the original's spelling and case-insensitive key
// matching but refuses unknown keys, missing fields and rule violations, and
// reports all of them at once. The shape pass here reads entries into structs;
// the rule pass (product_config_rules.cpp) checks ranges and duplicates.

#include "actors/registry/product_config.hpp"

#include "actors/registry/product_config_rules.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>

namespace pando::registry {

namespace {

using json = nlohmann::json;

using namespace detail;

constexpr std::string_view param_keys[] = {"value_type", "name"};

constexpr std::string_view top_keys[] = {"objects", "commands", "events"};

bool iequals(std::string_view x, std::string_view y) noexcept {
  auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  return x.size() == y.size()
         && std::equal(x.begin(), x.end(), y.begin(),
                       [&](char a, char b) { return lower(a) == lower(b); });
}

std::string join(std::span<const std::string_view> xs) {
  std::string result;
  for (auto x : xs)
    result += (result.empty() ? "" : ", ") + std::string{x};
  return result;
}

std::string kind_of(const json& x) {
  return x.is_number_float() ? "float" : x.type_name();
}

// -- shape pass ---------------------------------------------------------------

/// The known keys found in one JSON object, matched case-insensitively.
class field_map {
 public:
  /// Collects the members of `obj`; unknown and doubled keys go to `problems`.
  field_map(const json& obj, std::span<const std::string_view> known,
            std::vector<std::string>& problems) {
    for (auto& [key, val] : obj.items()) {
      auto pos = std::find_if(known.begin(), known.end(),
                              [&](auto k) { return iequals(k, key); });
      if (pos == known.end())
        problems.push_back("unknown key " + json_quote(key)
                           + " (allowed: " + join(known) + ")");
      else if (get(*pos) != nullptr)
        problems.push_back("duplicate key " + json_quote(key)
                           + " (keys match case-insensitively)");
      else
        found_.emplace_back(*pos, &val);
    }
  }

  /// Returns the member for `key`, or `nullptr`.
  const json* get(std::string_view key) const {
    for (auto& [k, v] : found_)
      if (k == key)
        return v;
    return nullptr;
  }

 private:
  std::vector<std::pair<std::string_view, const json*>> found_;
};

/// Reads an integer field; reports wrong kinds and missing required fields.
std::optional<int64_t> read_int(const field_map& fields, std::string_view key,
                                bool required, std::vector<std::string>& out) {
  auto* x = fields.get(key);
  if (x == nullptr) {
    if (required)
      out.push_back("missing key " + json_quote(key));
    return std::nullopt;
  }
  constexpr auto int64_max = std::numeric_limits<int64_t>::max();
  if (x->is_number_unsigned()
      && x->get<uint64_t>() > static_cast<uint64_t>(int64_max)) {
    out.push_back(std::string{key} + ": " + x->dump() + " is out of range");
    return std::nullopt;
  }
  if (!x->is_number_integer()) {
    out.push_back(std::string{key} + ": expected an integer, got "
                  + kind_of(*x));
    return std::nullopt;
  }
  return x->get<int64_t>();
}

/// Reads a u16 field checked by `check`; sets `bit` in `mask` on success.
template<class Check>
void read_u16(const field_map& fields, std::string_view key, Check check,
              uint16_t& dst, uint8_t& mask, uint8_t bit,
              std::vector<std::string>& out) {
  auto x = read_int(fields, key, true, out);
  if (!x)
    return;
  if (*x < 0 || *x > std::numeric_limits<uint16_t>::max()) {
    out.push_back(std::string{key} + ": " + check(*x).value_or("invalid"));
    return;
  }
  dst = static_cast<uint16_t>(*x);
  mask |= bit;
}

/// Reads a required string field; returns whether it was a string.
bool read_string(const field_map& fields, std::string_view key,
                 std::string& dst, std::vector<std::string>& out) {
  auto* x = fields.get(key);
  if (x == nullptr) {
    out.push_back("missing key " + json_quote(key));
    return false;
  }
  if (!x->is_string()) {
    out.push_back(std::string{key} + ": expected a string, got " + kind_of(*x));
    return false;
  }
  dst = x->get<std::string>();
  return true;
}

void report(const std::string& path, std::vector<std::string>& problems,
            error_list& out) {
  for (auto& msg : problems)
    add(out, path, std::move(msg));
  problems.clear();
}

/// Parses one param; invalid fields leave valid placeholders behind.
param_def parse_param(const json& x, const std::string& path, error_list& out) {
  param_def result{proto::tag::float64, {}};
  if (!x.is_object()) {
    add(out, path, "expected an object, got " + kind_of(x));
    return result;
  }
  std::vector<std::string> problems;
  field_map fields{x, param_keys, problems};
  if (auto type = read_int(fields, "value_type", true, problems)) {
    if (*type >= 0 && *type <= std::numeric_limits<uint16_t>::max())
      result.value_type = static_cast<proto::tag>(*type);
    else
      problems.push_back("value_type: unknown value type "
                         + std::to_string(*type));
  }
  if (auto* name = fields.get("name"); name != nullptr) {
    if (name->is_string())
      result.name = name->get<std::string>();
    else
      problems.push_back("name: expected a string, got " + kind_of(*name));
  }
  report(path, problems, out);
  return result;
}

/// Parses the status/params array of an entry; returns whether it was one.
bool parse_params(const kind_info& k, const field_map& fields,
                  const std::string& path, std::vector<param_def>& dst,
                  std::vector<std::string>& problems, error_list& out) {
  auto* xs = fields.get(k.params_key);
  if (xs == nullptr || !xs->is_array()) {
    problems.push_back(xs == nullptr
                         ? "missing key " + json_quote(k.params_key)
                         : std::string{k.params_key}
                             + ": expected an array, got " + kind_of(*xs));
    return false;
  }
  report(path, problems, out);
  for (size_t i = 0; i < xs->size(); ++i)
    dst.push_back(parse_param((*xs)[i],
                              path + " " + std::string{k.params_key} + "["
                                + std::to_string(i) + "]",
                              out));
  return true;
}

/// Reads the fields that only some kinds have (`priority`, `id`).
template<class Def>
void read_extras(const field_map& fields, Def& def,
                 std::vector<std::string>& problems) {
  if constexpr (std::is_same_v<Def, object_def>) {
    read_int(fields, "id", false, problems); // accepted, unused
  } else if (auto x = read_int(fields, "priority", false, problems)) {
    if (auto msg = check_priority(*x))
      problems.push_back("priority: " + *msg);
    else
      def.priority = static_cast<uint16_t>(*x);
  }
}

/// Parses one list entry; shape errors go to `out`, rules are checked later.
template<class Def>
entry_view parse_entry(const kind_info& k, const json& x, size_t index,
                       Def& def, error_list& out) {
  auto path = entry_path(k.list, index, {});
  if (!x.is_object()) {
    add(out, path, "expected an object, got " + kind_of(x));
    entry_view result;
    result.path = std::move(path);
    return result;
  }
  std::vector<std::string> problems;
  field_map fields{x, k.keys, problems};
  uint8_t mask = 0;
  if (read_string(fields, k.name_key, name_of(def), problems)) {
    mask |= has_name;
    path = entry_path(k.list, index, name_of(def));
  }
  read_u16(fields, "no", check_no, def.no, mask, has_no, problems);
  read_u16(fields, "part", check_part, def.part, mask, has_part, problems);
  read_extras(fields, def, problems);
  if (parse_params(k, fields, path, params_of(def), problems, out))
    mask |= has_params;
  report(path, problems, out);
  return make_view(def, path, mask);
}

/// Parses one list (`objects`, `commands` or `events`) of `doc`.
template<class Def>
void parse_list(const kind_info& k, const json* xs, std::vector<Def>& dst,
                const config_options& opts, error_list& out) {
  if (xs == nullptr)
    return;
  if (!xs->is_array()) {
    add(out, std::string{k.list}, "expected an array, got " + kind_of(*xs));
    return;
  }
  dst.resize(xs->size());
  std::vector<entry_view> views;
  for (size_t i = 0; i < xs->size(); ++i)
    views.push_back(parse_entry(k, (*xs)[i], i, dst[i], out));
  check_list(k, views, opts, out);
}

// -- serialization ------------------------------------------------------------

json params_to_json(const std::vector<param_def>& xs) {
  auto result = json::array();
  for (auto& x : xs) {
    json param{{"value_type", static_cast<uint16_t>(x.value_type)}};
    if (!x.name.empty())
      param["name"] = x.name;
    result.push_back(std::move(param));
  }
  return result;
}

template<class Def>
json entry_to_json(const Def& x) {
  if constexpr (std::is_same_v<Def, object_def>)
    return {{"no", x.no},
            {"label", x.label},
            {"part", x.part},
            {"status", params_to_json(x.status)}};
  else
    return {{"no", x.no},
            {"part", x.part},
            {"name", x.name},
            {"priority", x.priority},
            {"params", params_to_json(x.params)}};
}

template<class Def>
json list_to_json(const std::vector<Def>& xs) {
  auto result = json::array();
  for (auto& x : xs)
    result.push_back(entry_to_json(x));
  return result;
}

/// Returns the entry numbered `no`, preferring the one in `part` (see
/// `find_object`).
template<class Def>
const Def* find_by_number(const std::vector<Def>& xs, uint16_t part,
                          uint16_t no) noexcept {
  const Def* fallback = nullptr;
  size_t candidates = 0;
  for (auto& x : xs) {
    if (x.no != no)
      continue;
    if (x.part == part)
      return &x;
    fallback = &x;
    ++candidates;
  }
  return candidates == 1 ? fallback : nullptr;
}

template<class Def>
const Def* find_by_name(const std::vector<Def>& xs,
                        std::string_view name) noexcept {
  for (auto& x : xs)
    if (x.name == name)
      return &x;
  return nullptr;
}

} // namespace

// -- public API ---------------------------------------------------------------

std::string to_string(const config_error& x) {
  return x.path.empty() ? x.message : x.path + ": " + x.message;
}

config_parse_result parse_product_config(std::string_view text,
                                         const config_options& opts) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& ex) {
    std::string_view what = ex.what();
    if (auto pos = what.find("] "); pos != std::string_view::npos)
      what.remove_prefix(pos + 2); // drop "[json.exception.parse_error.101] "
    return {{}, {{{}, "invalid JSON: " + std::string{what}}}};
  }
  return product_config_from_json(doc, opts);
}

config_parse_result product_config_from_json(const json& doc,
                                             const config_options& opts) {
  config_parse_result result;
  auto& out = result.errors;
  if (!doc.is_object()) {
    add(out, {}, "expected a JSON object, got " + kind_of(doc));
    return result;
  }
  std::vector<std::string> problems;
  field_map fields{doc, top_keys, problems};
  report({}, problems, out);
  auto& cfg = result.config;
  parse_list(objects_kind, fields.get("objects"), cfg.objects, opts, out);
  parse_list(commands_kind, fields.get("commands"), cfg.commands, opts, out);
  parse_list(events_kind, fields.get("events"), cfg.events, opts, out);
  return result;
}

json to_json(const product_config& cfg) {
  return {{"objects", list_to_json(cfg.objects)},
          {"commands", list_to_json(cfg.commands)},
          {"events", list_to_json(cfg.events)}};
}

std::string_view value_type_name(proto::tag x) noexcept {
  using proto::tag;
  switch (x) {
    case tag::float64: return "float64";
    case tag::float32: return "float32";
    case tag::int8: return "int8";
    case tag::int16: return "int16";
    case tag::int32: return "int32";
    case tag::int64: return "int64";
    case tag::uint8: return "uint8";
    case tag::uint16: return "uint16";
    case tag::uint32: return "uint32";
    case tag::uint64: return "uint64";
    case tag::bytes: return "bytes";
    case tag::string: return "string";
    case tag::boolean: return "bool";
  }
  return "unknown";
}

const object_def* find_object(const product_config& cfg,
                              std::string_view label) noexcept {
  for (auto& x : cfg.objects)
    if (x.label == label)
      return &x;
  return nullptr;
}

const object_def* find_object(const product_config& cfg, uint16_t part,
                              uint16_t no) noexcept {
  return find_by_number(cfg.objects, part, no);
}

const command_def* find_command(const product_config& cfg,
                                std::string_view name) noexcept {
  return find_by_name(cfg.commands, name);
}

const command_def* find_command(const product_config& cfg, uint16_t part,
                                uint16_t no) noexcept {
  return find_by_number(cfg.commands, part, no);
}

const event_def* find_event(const product_config& cfg,
                            std::string_view name) noexcept {
  return find_by_name(cfg.events, name);
}

const event_def* find_event(const product_config& cfg, uint16_t part,
                            uint16_t no) noexcept {
  return find_by_number(cfg.events, part, no);
}

} // namespace pando::registry
