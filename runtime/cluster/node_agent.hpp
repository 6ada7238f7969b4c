#pragma once

// The node agent: one per node, published on `cluster.listen`. Other nodes
// (and, later, the controller) monitor it to learn that a node went away,
// and ask it for the node's `node_info`. Spawned by the node at start; exits
// when the node stops.

#include "actors/node/node_info.hpp"

namespace caf {
class actor_system;
class actor;
} // namespace caf

namespace pando::runtime {

/// Spawns the node agent; it answers `get` with `info`.
caf::actor spawn_node_agent(caf::actor_system& sys, node_info info);

} // namespace pando::runtime
