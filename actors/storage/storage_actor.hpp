#pragma once

// The storage actor: the one place where actors reach the node's kv_store.
// It runs detached (its own thread), so disk latency never stalls CAF's
// cooperative workers. Spawned by the node at start; stops with the node.
// Messages (replies go to the sender):
//   (get, column, key)          -> (found: bool, value: string)
//   (scan, column, prefix)      -> (keys, values) in key order
//   (scan, column, key_range)   -> (keys, values) in range order
//   (shard, prefix, cursor, max_bytes)
//                               -> (write_batch, next cursor, done: bool)
//                                  one chunk (about `max_bytes`) of a copy of
//                                  every record under `prefix` (columns
//                                  devices, history, commands, rules,
//                                  outbox); the
//                                  first chunk (empty cursor) begins by
//                                  erasing the prefix's range
//   (put, write_batch)          -> ok, or the storage error
//   (put, column, key, value)   -> ok, or the storage error
//   (flush)                     -> ok, or the storage error
// The header stays free of CAF includes.

#include <memory>

namespace caf {
class actor_system;
class actor;
} // namespace caf

namespace pando::storage {
class kv_store;
} // namespace pando::storage

namespace pando {

/// Spawns the storage actor over `store`. With `detached` false it runs on
/// the scheduler (for deterministic tests); with `sync` every write waits
/// for the write-ahead log to reach the disk.
caf::actor spawn_storage_actor(caf::actor_system& sys,
                               std::shared_ptr<storage::kv_store> store,
                               bool detached = true, bool sync = false);

} // namespace pando
