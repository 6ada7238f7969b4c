#pragma once

// The router: the only way to reach a device actor. It maps device id ->
// shard -> owner node with the current cluster view and answers with the
// device actor's handle: it activates the actor when this node owns the
// shard, and otherwise delegates the request to the owner's router (one
// hop), which answers the caller directly. Callers then message the device
// actor directly and ask again when it is gone. One router per node,
// spawned at start; exits when the node stops.
//
// Protocol:
//   (route, device_id) -> actor     the device's actor; `unavailable` before
//                                   the node joined a cluster, on a minority
//                                   side, or when the owner is unreachable
//   (get)              -> uint64    device actors active on this node
//   (view, cluster_view, [router by member], [replica by member],
//    quorum: bool)                  a new view from the node agent: device
//                                   actors of shards this node no longer
//                                   owns stop; shards it gains are copied
//                                   from their previous holder (route
//                                   requests for a gained owned shard wait
//                                   for the copy); the followers of owned
//                                   shards are published to device actors

#include "actors/device/device_actor.hpp"

namespace pando {

/// What the router needs to host device actors.
struct router_settings {
  device_env device;
  std::uint32_t shards = 1024;
  /// This node's name, as the cluster view lists it.
  std::string node_name;
};

/// Spawns the node's router; device actors persist through `storage`, and
/// shards this node gains are copied through its `replica` actor (may be
/// null on a test bench).
caf::actor spawn_router(caf::actor_system& sys, router_settings settings,
                        const caf::actor& storage, const caf::actor& replica);

} // namespace pando
