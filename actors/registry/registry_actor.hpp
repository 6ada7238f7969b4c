#pragma once

// The registry actor: vendors, products and applications. It owns their
// records (column `registry`), keeps all of them in memory (they are few and
// read on every registration and API call), and generates their keys in
// pando's key format. One per node, spawned at start.
//
// Entities travel as JSON text (the admin API's bodies):
//   (put, kind, body)            -> entity     create
//   (update, kind, id, body)     -> entity     change name/description/...
//   (get, kind, id)              -> entity
//   (get, kind)                  -> [entity]   all, by id
//   (delete, kind, id)           -> ok
//   (reset, kind, id)            -> entity     new key; the old one stops
//   working (get, kind, key: string)     -> entity     lookup by key (product,
//   application)
//   (join, watcher: actor)       -> ()         the watcher receives (update)
//                                              whenever an application
//                                              changes
//   (registry, leader, [followers])            in a cluster: writes go to the
//                                              leader (null: this one), which
//                                              confirms each with every
//                                              follower; a follower copies
//                                              the leader's records
//   (registry, put, write_batch) -> ok         a follower applies a write
//   (registry, get)              -> (keys, values)  every record (leader)
// kind is "vendor", "product" or "application". Errors are `pando::errc`
// with a message naming the offending field.

#include <string>

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace pando {

/// Spawns the registry; it persists through `storage`.
caf::actor spawn_registry(caf::actor_system& sys, std::string key_secret,
                          const caf::actor& storage);

} // namespace pando
