#pragma once

// The cluster controller: one per cluster, on the oldest up member. It owns
// the membership and the shard table, and publishes every change as a new
// immutable view (epoch + 1) to every member's node agent:
//   - a join (or rejoin) adds the member at once and rebalances towards the
//     target placement at most `max_moves` shards per step, a step per
//     `step_interval_ms`;
//   - a member whose node agent goes down (monitor, ~2 s with the
//     middleman's heartbeats) is marked down and its shards go to their first
//     follower in one step.
//
// Protocol:
//   (join, member, agent: actor)    a node asks to join; answered by a view
//   (get, view)                  -> cluster_view   the latest published view
//   (leave, name)                -> uint64  a graceful leave (SIGTERM,
//   pando-ctl
//                                   drain): the member's shards go to their
//                                   first followers (which hold the data) and
//                                   its follower slots are refilled, in one
//                                   view without it; answers the shards it
//                                   owned
//   (synced, shard, name)           `name` copied `shard`: from the next view
//                                   on it counts as an in-sync replica
// It sends each node agent (view, cluster_view).

#include <cstdint>
#include <map>
#include <string>

#include "actors/node/cluster_view.hpp"

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace pando::runtime {

struct controller_settings {
  /// Shards whose placement changes per rebalancing step.
  std::uint32_t max_moves = 64;
  std::int64_t step_interval_ms = 500;
  /// Replicas that finished copying a shard are published together, at
  /// most this often.
  std::int64_t sync_batch_ms = 100;
  /// The name of the node hosting the controller: once a view makes another
  /// member the oldest (this node left), the controller stops and that
  /// member's agent starts the next one.
  std::string host;
};

/// Spawns a controller that starts from `view` (published at once, with the
/// members' agents in `agents` by name).
caf::actor spawn_controller(caf::actor_system& sys, controller_settings cfg,
                            cluster_view view,
                            std::map<std::string, caf::actor> agents);

} // namespace pando::runtime
