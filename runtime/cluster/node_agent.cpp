#include "runtime/cluster/node_agent.hpp"

#include <caf/all.hpp>

#include "actors/type_ids.hpp"

namespace pando::runtime {

caf::actor spawn_node_agent(caf::actor_system& sys, node_info info) {
  return sys.spawn([info](caf::event_based_actor*) -> caf::behavior {
    return {
      [info](caf::get_atom) { return info; },
    };
  });
}

} // namespace pando::runtime
