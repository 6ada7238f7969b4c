#pragma once

// The replica actor: one per node, where the owners of shards on other
// nodes write their followers' copies, and where a node that gains a shard
// copies it from a node that had it.
//
// Protocol:
//   (replicate, epoch, shard, owner, write_batch) -> ok
//        a follower's copy of an owner's write. Refused (`conflict`) when this
//        node knows a view in which `owner` does not own `shard` and that is
//        newer than `epoch` (fencing a deposed owner). Held while the shard
//        is being pulled, applied after the copy.
//   (view, epoch, [owner by shard])                 from the router
//   (pull, shard, source: actor, epoch)          -> ok   copies the shard from
//        another node's replica actor (write_batch of `(shard, prefix)`)
//   (shard, prefix, epoch)                       -> write_batch
//        serves a pull once this node adopted `epoch` (so that its device
//        actors of the shard have stopped), at most 5 s later
// Writes go through the node's storage actor.

#include <cstdint>

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace pando {

/// Spawns the node's replica actor over `storage`.
caf::actor spawn_replica_actor(caf::actor_system& sys,
                               const caf::actor& storage, std::uint32_t shards);

} // namespace pando
