#pragma once

// Automation rules (spec 8): a rule belongs to a device (its owner), fires
// on a cron schedule (`timer`) or on one of the owner's events (`ifttt`), and
// then sends a command or a status to a target device. pando validates a
// rule completely when it is created (spec S2): the trigger, the target's
// format, existence and application domain, and the action against the
// target's product config. The action is compiled then into the payload it
// sends, so that firing needs no lookup.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/registry/product_config.hpp"

namespace pando::rules {

/// A stored rule. Stored as JSON in column `rules` under the owner's
/// `device_key_prefix` followed by the rule id (16 hex digits).
struct rule {
  std::uint64_t id = 0; ///< per owner device, from 1
  std::string type;     ///< "timer" or "ifttt"
  std::string trigger;  ///< cron text (timer) or event name (ifttt)
  std::string target;   ///< "device/<identifier>/command|status"
  std::string action;   ///< the JSON object text, as given
  bool once = false;    ///< disabled after its first firing
  bool enabled = true;
  /// Seconds a command action waits in the target's queue while the target
  /// is offline (0: the firing fails when the target is offline).
  std::int64_t ttl_s = 0;
  std::int64_t app_id = 0; ///< the application that created it
  std::int64_t created_at_ms = 0;

  // -- compiled at creation ---------------------------------------------------
  /// ifttt: the triggering event. Event numbers are unique in a product
  /// config, so the number alone identifies it (as in pando-cloud).
  std::uint16_t event_part = 0;
  std::uint16_t event_no = 0;
  std::string target_identifier;
  std::string target_kind; ///< "command" or "status"
  std::string payload;     ///< the Command or Data bytes, zero header

  // -- last firing (kept by the owner's device actor) -------------------------
  std::uint64_t fired = 0;
  std::int64_t last_fired_ms = 0;
  std::string last_result; ///< "ok" or why the firing failed
};

/// Returns the stored JSON of `r`.
std::string to_json(const rule& r);

/// Parses a stored rule; nullopt if it is not one.
std::optional<rule> rule_from_json(std::string_view text);

/// Returns the rule as the application API shows it (without the compiled
/// payload).
nlohmann::json to_api_json(const rule& r);

/// A rule creation request (POST .../rules) after parsing, before the target
/// is looked up.
struct rule_request {
  rule r;
  std::string error; ///< non-empty: the body is invalid (API code 10005)
};

/// Parses and checks the body of POST .../rules against the owner's product
/// config: type, trigger (cron syntax or an event of the owner's product),
/// target format, action (a JSON object or a string holding one), once,
/// enabled and ttl. Fills `event_part/no` and `target_identifier/kind`.
rule_request parse_rule_request(const nlohmann::json& body,
                                const registry::product_config& owner_cfg);

/// Compiles `r.action` against the target's product config into
/// `r.payload`; returns the error (API code 10005) or an empty string.
std::string compile_action(rule& r, const registry::product_config& target_cfg);

/// Writes `unix_seconds` into the timestamp field (bytes 1..8) of a
/// Command or Data payload.
void stamp_timestamp(std::string& payload, std::uint64_t unix_seconds);

/// Returns the storage key of rule `id` of the device whose key prefix is
/// `owner_prefix` (see `device_key_prefix`).
std::string rule_key(const std::string& owner_prefix, std::uint64_t id);

} // namespace pando::rules
