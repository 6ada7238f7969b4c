#pragma once

// The rules actor: one per node. It schedules the timer rules of the
// devices this node owns and carries out every rule action (timer and
// ifttt): it re-checks that the creating application still exists and that
// its domain still admits the target (spec S2), sends the compiled command
// or status to the target's device actor through the router, and reports
// the result to the owner's device actor, which records it.
//
// Protocol:
//   (rule, put, owner: device_id, rule: string)     schedule or reschedule a
//                                                    timer rule (stored JSON)
//   (rule, delete, owner: device_id, id: uint64)    unschedule it
//   (fire, owner: device_id, rule: string)           carry out the action now
//   (get)                                        -> uint64 scheduled rules
//   (view)                                          ownership changed: the
//                                                    stored timer rules of
//                                                    owned devices are read
//                                                    again
// At start it reads every stored rule; it learns the router with
//   (route, router: actor).

#include <cstdint>
#include <functional>

#include "actors/device/ids.hpp"

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace pando {

namespace metrics {
class registry;
} // namespace metrics

/// What the rules actor needs besides its peers.
struct rules_settings {
  /// Wall-clock time in milliseconds (injected for tests).
  std::function<std::int64_t()> now_ms;
  /// Minutes east of UTC in which cron triggers are read, for a given Unix
  /// time in seconds (the node's local time zone by default).
  std::function<int(std::int64_t)> utc_offset_minutes;
  /// How long one action may take (routing and the device's ack).
  std::int64_t action_timeout_ms = 10'000;
  /// Whether this node owns the device's shard (null: every device). Only
  /// the owner of a rule's device schedules its timer rules.
  std::function<bool(device_id)> owns;
};

/// Spawns the node's rules actor. `metrics` may be null.
caf::actor spawn_rules_actor(caf::actor_system& sys, rules_settings settings,
                             const caf::actor& storage,
                             const caf::actor& registry,
                             metrics::registry* metrics);

/// Returns the node's local UTC offset in minutes at `unix_seconds`.
int local_utc_offset_minutes(std::int64_t unix_seconds);

} // namespace pando
