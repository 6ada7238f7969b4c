#pragma once

// Validation of registry entities as the admin API receives them. Pure.

#include <string>

#include <nlohmann/json.hpp>

namespace pando::registry {

/// Returns whether `kind` is "vendor", "product" or "application".
bool is_entity_kind(const std::string& kind);

/// A checked entity body, or every problem found (joined with "; ").
struct checked_entity {
  nlohmann::json entity;
  std::string error;
};

/// Checks the writable fields of a `kind` body: known fields only, types,
/// lengths, application domains, URLs, product configurations. With
/// `creating`, required fields must be present and defaults are filled in.
checked_entity check_entity(const std::string& kind, const nlohmann::json& in,
                            bool creating);

} // namespace pando::registry
