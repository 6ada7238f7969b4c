#pragma once

// The router: the only way to reach a device actor. It maps device id ->
// shard -> owner node and answers with the device actor's handle, spawning
// the actor on demand when this node owns the shard. Callers then message
// the device actor directly (one hop) and ask again when it is gone.
// One router per node, spawned at start; exits when the node stops.
//
// Protocol:
//   (route, device_id) -> actor     the device's actor
//   (get)              -> uint64    device actors active on this node

#include "actors/device/device_actor.hpp"

namespace pando {

/// What the router needs to host device actors.
struct router_settings {
  device_env device;
  std::uint32_t shards = 1024;
};

/// Spawns the node's router; device actors persist through `storage`.
caf::actor spawn_router(caf::actor_system& sys, router_settings settings,
                        const caf::actor& storage);

} // namespace pando
