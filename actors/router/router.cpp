#include "actors/router/router.hpp"

#include <unordered_map>

#include <caf/all.hpp>

#include "actors/type_ids.hpp"

namespace pando {

namespace {

struct router_state {
  router_settings settings;
  caf::actor storage;
  std::unordered_map<device_id, caf::actor> active;
  std::unordered_map<caf::actor_addr, device_id> by_addr;

  static inline const char* name = "pando.router";
};

using router_actor = caf::stateful_actor<router_state>;

caf::actor activate(router_actor* self, device_id id) {
  auto& st = self->state;
  if (auto i = st.active.find(id); i != st.active.end())
    return i->second;
  // Single-node placement: this node owns every shard. The cluster runtime
  // replaces this with the shard table's owner and forwards otherwise.
  auto dev = spawn_device(self->system(), id, st.settings.device, st.storage);
  // Linked both ways: the router's exit ends its device actors, and the
  // router learns (through an exit message) when one passivates or fails.
  self->link_to(dev);
  st.active.emplace(id, dev);
  st.by_addr.emplace(dev.address(), id);
  return dev;
}

caf::behavior router_impl(router_actor* self, router_settings settings,
                          caf::actor storage) {
  self->state.settings = std::move(settings);
  self->state.settings.device.shards = self->state.settings.shards;
  self->state.storage = std::move(storage);
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    // A device actor that passivated or failed is forgotten and reactivated
    // on its next message; an exit from anyone else stops the router.
    auto& st = self->state;
    if (auto i = st.by_addr.find(msg.source); i != st.by_addr.end()) {
      st.active.erase(i->second);
      st.by_addr.erase(i);
      return;
    }
    self->quit(msg.reason);
  });
  return {
    [self](route_atom, device_id id) { return activate(self, id); },
    [self](caf::get_atom) {
      return static_cast<std::uint64_t>(self->state.active.size());
    },
  };
}

} // namespace

caf::actor spawn_router(caf::actor_system& sys, router_settings settings,
                        const caf::actor& storage) {
  return sys.spawn(router_impl, std::move(settings), storage);
}

} // namespace pando
