#pragma once

// The node agent: one per node, published on `cluster.listen`. It makes the
// node a cluster member and keeps it one:
//   - joining: it connects to `cluster.seeds`; when one of them already has
//     a view it asks that member to let it join (the request reaches the
//     controller). When none has, the seed with the smallest address forms
//     the cluster with the seeds it reaches, once all of them answered or
//     `formation_grace_ms` passed. A node without other seeds forms a
//     cluster of one at once.
//   - views: it accepts each newer view from the controller, connects to
//     members it does not know yet, and hands the view to its router together
//     with the other members' routers and whether it reaches a majority of
//     the view's up members (a minority side stops serving).
//   - failures: it monitors every other member's agent (the middleman's
//     heartbeats detect a dead or hung node in about 2 s); when the
//     controller's node is lost, the oldest member still up takes over, but
//     only with a majority of the last view.
//   - inspection: node stats for pando-ctl, shard locations for login.
//
// Protocol:
//   (get)                        -> node_info
//   (member)                     -> member        this node as a member
//   (get, view)                  -> cluster_view  the latest view (epoch 0:
//                                                 none yet)
//   (get, route)                 -> actor         this node's router
//   (get, member)                -> (member, router, registry, replica,
//                                    cluster_view, last stored view)
//   (join, member, agent)           a node asks to join (forwarded to the
//                                   controller)
//   (view, cluster_view)            a new view from the controller
//   (synced, shard, name)           a replica copied a shard (from the
//                                   router; forwarded to the controller)
//   (nodes)                      -> [node_stats]  every member of the view
//   (nodes, get)                 -> node_stats    this node
//   (locate, device_id)          -> shard_location
// It sends its router (view, cluster_view, [router by member],
// [replica actor by member], quorum) and
// its registry (registry, leader, [followers]): the controller's node's
// registry leads, and confirms each write with every other member's.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "actors/node/cluster_view.hpp"
#include "actors/node/node_info.hpp"
#include "runtime/cluster/controller.hpp"

namespace caf {
class actor_system;
class actor;
} // namespace caf

namespace pando::runtime {

/// Counters of the node's load, sampled for `node_stats`.
struct node_load {
  std::uint64_t connections = 0;
  std::uint64_t messages_in = 0;  ///< total so far
  std::uint64_t messages_out = 0; ///< total so far
  std::uint64_t resident_bytes = 0;
};

struct agent_settings {
  node_info info;
  /// This node as a member: name and addresses (joined_seq is assigned).
  member self;
  /// cluster.seeds as "host:port"; this node's own address is skipped.
  std::vector<std::string> seeds;
  std::uint32_t shards = 1024;
  std::uint32_t replication_factor = 2;
  controller_settings controller;
  /// How long the forming seed waits for the other seeds.
  std::int64_t formation_grace_ms = 3000;
  /// Connect to other nodes with TLS (the node loaded CAF's OpenSSL module
  /// with cluster.tls_*).
  bool tls = false;
  /// Pause between join attempts and reconnects.
  std::int64_t retry_ms = 500;
  /// Samples the node's load (called on the agent's thread).
  std::function<node_load()> load;
  /// The last view this node stored before it started (epoch 0: none), and
  /// how it stores each view it adopts: a cluster that restarts as a whole
  /// forms again from the newest stored view, keeping the placement.
  cluster_view last_view;
  std::function<void(const cluster_view&)> save_view;
};

/// Spawns the node agent of the node whose router, registry and replica
/// actor are given.
caf::actor spawn_node_agent(caf::actor_system& sys, agent_settings settings,
                            const caf::actor& router,
                            const caf::actor& registry,
                            const caf::actor& replica);

} // namespace pando::runtime
