#pragma once

#include "transports/pando/tlv.hpp"

#include <nlohmann/json_fwd.hpp>

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pando::registry {

// -- limits -------------------------------------------------------------------

/// First object/command/event number reserved for the platform (spec 5.5);
/// product configs may use 0..59999 only.
inline constexpr uint16_t first_reserved_no = 60000;

/// Sub-device number meaning "all sub-devices" (spec 5.5, command 65528);
/// product configs may use parts 0..65534 only.
inline constexpr uint16_t all_parts = 65535;

/// Highest command/event priority (spec 2.2).
inline constexpr uint16_t max_priority = 99;

// -- product configuration ----------------------------------------------------

/// One typed value of an object's status or of a command's/event's params.
struct param_def {
  /// The value's TLV tag (1..12, or 13 when bool is allowed).
  proto::tag value_type = proto::tag::uint8;
  /// Human-readable name; optional (may be empty).
  std::string name;

  friend bool operator==(const param_def&, const param_def&) = default;
};

/// A status object ("property") of a product (spec 2.2).
struct object_def {
  /// Object number (= PropertyNum on the wire); unique per part.
  uint16_t no = 0;
  /// The JSON key used by the application API and rules; unique.
  std::string label;
  /// Sub-device id (= SubDeviceid on the wire).
  uint16_t part = 0;
  /// The ordered values making up the object's state; never empty.
  std::vector<param_def> status;

  friend bool operator==(const object_def&, const object_def&) = default;
};

/// A command the cloud may send to a product's devices (spec 2.2).
struct command_def {
  /// Command number; unique among commands.
  uint16_t no = 0;
  /// Sub-device id the command is addressed to.
  uint16_t part = 0;
  /// The JSON key used by the application API and rules; unique.
  std::string name;
  /// 0..99, higher is more urgent; sent in the command header.
  uint16_t priority = 0;
  /// The ordered parameters; may be empty.
  std::vector<param_def> params;

  friend bool operator==(const command_def&, const command_def&) = default;
};

/// An event a product's devices may send (spec 2.2).
struct event_def {
  /// Event number; unique among events.
  uint16_t no = 0;
  /// Sub-device id the event comes from.
  uint16_t part = 0;
  /// The JSON key used in webhooks and as ifttt trigger; unique.
  std::string name;
  /// 0..99; documentation only (devices send their own priority).
  uint16_t priority = 0;
  /// The ordered parameters; may be empty.
  std::vector<param_def> params;

  friend bool operator==(const event_def&, const event_def&) = default;
};

/// A parsed product configuration (`product.product_config`, spec 2.2).
struct product_config {
  /// Status objects.
  std::vector<object_def> objects;
  /// Commands.
  std::vector<command_def> commands;
  /// Events.
  std::vector<event_def> events;

  friend bool operator==(const product_config&, const product_config&)
    = default;
};

// -- parsing and validation ---------------------------------------------------

/// Switches for parsing and validating product configs.
struct config_options {
  /// Accept `value_type` 13 (bool), an opt-in extension devices may not know.
  bool allow_bool = false;
};

/// One problem found in a product config.
struct config_error {
  /// The offending entry, e.g. `objects[2] "switch"` or `commands[0]
  /// "upgrade" params[1]`; empty for the document itself.
  std::string path;
  /// What is wrong, e.g. `duplicate no 1 in part 1 (also objects[0])`.
  std::string message;

  friend bool operator==(const config_error&, const config_error&) = default;
};

/// Returns `path + ": " + message` (just `message` if the path is empty).
/// @relates config_error
std::string to_string(const config_error& x);

/// Result of parsing a product config: the config, or every problem found.
struct config_parse_result {
  /// The parsed config; meaningful only if `errors` is empty.
  product_config config;
  /// All problems: top-level key errors, then per list (objects, commands,
  /// events) shape errors, rule violations and duplicates.
  std::vector<config_error> errors;

  /// Returns whether the config is valid.
  explicit operator bool() const noexcept { return errors.empty(); }
};

/// Parses and validates the product config JSON text `text`.
///
/// A syntax error yields a single error. Otherwise every shape and rule
/// violation is collected (see actors/registry/README.md for the rules).
/// Never throws.
config_parse_result parse_product_config(std::string_view text,
                                         const config_options& opts = {});

/// Validates and converts an already parsed JSON document; see
/// `parse_product_config`.
config_parse_result product_config_from_json(const nlohmann::json& doc,
                                             const config_options& opts = {});

/// Returns `product_config_from_json(doc, opts)`.
///
/// A template so that string literals and `std::string`s still pick the
/// `std::string_view` overload instead of becoming ambiguous.
template<class Json>
requires std::same_as<Json, nlohmann::json> config_parse_result
parse_product_config(const Json& doc, const config_options& opts = {}) {
  return product_config_from_json(doc, opts);
}

/// Returns every rule violation of `cfg` (empty if valid): number ranges,
/// priorities, value types, empty labels/names or status lists, duplicates.
std::vector<config_error> validate(const product_config& cfg,
                                   const config_options& opts = {});

/// Returns the documented JSON spelling of `cfg`; empty param names are
/// omitted. `product_config_from_json(to_json(cfg))` yields `cfg` again.
nlohmann::json to_json(const product_config& cfg);

/// Returns the name of a value type, e.g. `"uint8"`, or `"unknown"`.
std::string_view value_type_name(proto::tag x) noexcept;

// -- lookups ------------------------------------------------------------------

/// Returns the object labelled `label`, or `nullptr`.
const object_def* find_object(const product_config& cfg,
                              std::string_view label) noexcept;

/// Returns the object a device report for (`part`, `no`) belongs to, or
/// `nullptr`.
///
/// Matches on part and number; failing that, falls back to the only object
/// numbered `no` (the original ignored the part, spec B14). Ambiguous
/// fallbacks yield `nullptr`.
const object_def* find_object(const product_config& cfg, uint16_t part,
                              uint16_t no) noexcept;

/// Returns the command named `name`, or `nullptr`.
const command_def* find_command(const product_config& cfg,
                                std::string_view name) noexcept;

/// Returns the command for (`part`, `no`) with the same fallback as
/// `find_object`, or `nullptr`.
const command_def* find_command(const product_config& cfg, uint16_t part,
                                uint16_t no) noexcept;

/// Returns the event named `name`, or `nullptr`.
const event_def* find_event(const product_config& cfg,
                            std::string_view name) noexcept;

/// Returns the event for (`part`, `no`) with the same fallback as
/// `find_object`, or `nullptr`.
const event_def* find_event(const product_config& cfg, uint16_t part,
                            uint16_t no) noexcept;

} // namespace pando::registry
