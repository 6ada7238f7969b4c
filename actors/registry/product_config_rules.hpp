#pragma once

// Internal to product_config.cpp and product_config_rules.cpp: the rule pass
// of product config validation, shared by parsing and `validate()`.

#include "actors/registry/product_config.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace pando::registry::detail {

/// A list of problems, in the order found.
using error_list = std::vector<config_error>;

/// An error message, or none.
using maybe_message = std::optional<std::string>;

// -- per-list description -----------------------------------------------------

/// Describes one of the three lists of a product config.
struct kind_info {
  /// Key of the list, e.g. `objects`.
  std::string_view list;
  /// Key of the entry's unique name (`label` or `name`).
  std::string_view name_key;
  /// Key of the entry's value list (`status` or `params`).
  std::string_view params_key;
  /// Whether numbers are unique per part (objects) or per list.
  bool no_per_part;
  /// Whether the value list must not be empty.
  bool params_required;
  /// The keys an entry may carry.
  std::span<const std::string_view> keys;
};

inline constexpr std::string_view object_keys[]
  = {"no", "label", "part", "status", "id"};

inline constexpr std::string_view command_keys[]
  = {"no", "part", "name", "priority", "params"};

inline constexpr kind_info objects_kind{"objects", "label", "status",
                                        true,      true,    object_keys};

inline constexpr kind_info commands_kind{"commands", "name", "params",
                                         false,      false,  command_keys};

inline constexpr kind_info events_kind{"events", "name", "params",
                                       false,    false,  command_keys};

/// Bits of `entry_view::mask`: which fields the shape pass could read.
enum field_bit : uint8_t {
  has_no = 1,
  has_part = 2,
  has_name = 4,
  has_params = 8,
  has_all = 15,
};

/// What the rule pass needs to know about one entry.
struct entry_view {
  /// E.g. `objects[2] "switch"`.
  std::string path;
  /// The `field_bit`s of the fields to check.
  uint8_t mask = 0;
  uint16_t no = 0;
  uint16_t part = 0;
  uint16_t priority = 0;
  std::string name;
  /// The status/params list; set if `mask` has `has_params`.
  const std::vector<param_def>* params = nullptr;
};

// -- helpers ------------------------------------------------------------------

/// Appends an error to `out`.
void add(error_list& out, std::string path, std::string message);

/// Returns `x` as a JSON string literal (invalid UTF-8 replaced).
std::string json_quote(std::string_view x);

/// Returns e.g. `objects[2] "switch"`, or `objects[2]` for an empty name.
std::string entry_path(std::string_view list, size_t index,
                       std::string_view name);

/// Returns the label of an object or the name of a command/event.
template<class Def>
auto& name_of(Def& x) noexcept {
  if constexpr (std::is_same_v<std::remove_const_t<Def>, object_def>)
    return x.label;
  else
    return x.name;
}

/// Returns the status of an object or the params of a command/event.
template<class Def>
auto& params_of(Def& x) noexcept {
  if constexpr (std::is_same_v<std::remove_const_t<Def>, object_def>)
    return x.status;
  else
    return x.params;
}

/// Returns the view of `x` for the rule pass.
template<class Def>
entry_view make_view(const Def& x, std::string path, uint8_t mask) {
  entry_view result{std::move(path), mask,         x.no, x.part, 0,
                    name_of(x),      &params_of(x)};
  if constexpr (!std::is_same_v<Def, object_def>)
    result.priority = x.priority;
  return result;
}

// -- rules --------------------------------------------------------------------

/// Checks an object/command/event number: 0..59999.
maybe_message check_no(int64_t x);

/// Checks a part: 0..65534.
maybe_message check_part(int64_t x);

/// Checks a priority: 0..99.
maybe_message check_priority(int64_t x);

/// Runs the rule pass over one list: per-entry rules for the fields present
/// in each mask, then duplicate numbers and names.
void check_list(const kind_info& k, std::span<const entry_view> views,
                const config_options& opts, error_list& out);

} // namespace pando::registry::detail
