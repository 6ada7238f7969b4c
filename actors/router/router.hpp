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
//   (view, cluster_view, [router by member], quorum: bool)
//                                   a new view from the node agent; device
//                                   actors of shards this node no longer
//                                   owns are stopped

#include "actors/device/device_actor.hpp"

namespace pando {

/// What the router needs to host device actors.
struct router_settings {
  device_env device;
  std::uint32_t shards = 1024;
  /// This node's name, as the cluster view lists it.
  std::string node_name;
};

/// Spawns the node's router; device actors persist through `storage`.
caf::actor spawn_router(caf::actor_system& sys, router_settings settings,
                        const caf::actor& storage);

} // namespace pando
