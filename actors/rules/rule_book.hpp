#pragma once

// The rules a device owns, as its device actor keeps them: assigns ids,
// finds the ifttt rules an event triggers, and records firings (a `once`
// rule is disabled by its first firing). Pure; the device actor persists
// what changes.

#include <cstdint>
#include <map>
#include <vector>

#include "actors/rules/rule.hpp"

namespace pando::rules {

class rule_book {
 public:
  /// Most rules one device may own.
  static constexpr std::size_t max_rules = 100;

  /// Adds a stored rule (at activation).
  void load(rule r);

  /// Adds a new rule with the next id; nullptr when the device has
  /// `max_rules` rules already.
  const rule* add(rule r);

  /// Removes rule `id`; false if there is none.
  bool remove(std::uint64_t id);

  /// Returns rule `id` or nullptr.
  const rule* find(std::uint64_t id) const;

  /// Enables or disables rule `id`; nullptr if there is none.
  const rule* set_enabled(std::uint64_t id, bool enabled);

  /// Returns the enabled ifttt rules triggered by event number `no`.
  std::vector<const rule*> triggered_by(std::uint16_t no) const;

  /// Records a firing of rule `id` at `t_ms` with its result ("ok" or an
  /// error); nullptr if the rule is gone.
  const rule* record(std::uint64_t id, std::string result, std::int64_t t_ms);

  /// Every rule, by id.
  const std::map<std::uint64_t, rule>& all() const { return rules_; }

  /// Forgets every rule.
  void clear() { rules_.clear(); }

 private:
  std::map<std::uint64_t, rule> rules_;
  std::uint64_t next_id_ = 1;
};

} // namespace pando::rules
