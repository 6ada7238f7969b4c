#pragma once

// The replica actor: one per node, where the owners of shards on other
// nodes write their followers' copies, and where a node that gains a shard
// copies it from a node that had it.
//
// Protocol:
//   (replicate, epoch, shard, owner, write_batch) -> ok
//        a follower's copy of an owner's write. Refused (`conflict`) when this
//        node knows a view in which `owner` does not own `shard` and that is
//        newer than `epoch` (fencing a deposed owner). Held while this node
//        still has to copy the shard (applied after the copy), and held until
//        this node adopts `epoch` when that view is newer than its own (at
//        most 5 s), so that a copy never wipes a write it did not contain.
//   (view, epoch, [owner by shard], [shard this node syncs])   from the router
//   (pull, shard, source: actor, epoch)          -> ok   copies the shard from
//        another node's replica actor, chunk by chunk
//        (cluster.copy_chunk_bytes)
//   (shard, prefix, epoch, cursor)               -> (write_batch, next cursor,
//                                                    done)
//        serves one chunk of a copy once this node adopted `epoch` (so that
//        its device actors of the shard have stopped), at most 5 s later
// Writes go through the node's storage actor.

#include <cstdint>

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace pando {

/// Spawns the node's replica actor over `storage`; it serves copies in
/// chunks of about `chunk_bytes`.
caf::actor spawn_replica_actor(caf::actor_system& sys,
                               const caf::actor& storage,
                               std::uint64_t chunk_bytes);

} // namespace pando
