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
  cluster_view view;
  /// The members' routers, by member index (null: this node or unreachable).
  std::vector<caf::actor> routers;
  bool quorum = false;

  static inline const char* name = "pando.router";
};

using router_actor = caf::stateful_actor<router_state>;

caf::error unavailable(std::string why) {
  return caf::make_error(errc::unavailable, std::move(why));
}

caf::actor activate(router_actor* self, device_id id) {
  auto& st = self->state;
  if (auto i = st.active.find(id); i != st.active.end())
    return i->second;
  auto dev = spawn_device(self->system(), id, st.settings.device, st.storage);
  // Linked both ways: the router's exit ends its device actors, and the
  // router learns (through an exit message) when one passivates or fails.
  self->link_to(dev);
  st.active.emplace(id, dev);
  st.by_addr.emplace(dev.address(), id);
  return dev;
}

/// Returns the member index owning `shard`, or -1.
int owner_index(const router_state& st, shard_id shard) {
  if (st.view.epoch == 0 || shard.value >= st.view.replicas.size()
      || st.view.replicas[shard.value].empty())
    return -1;
  return st.view.replicas[shard.value][0];
}

caf::result<caf::message> route(router_actor* self, device_id id) {
  auto& st = self->state;
  if (st.view.epoch == 0)
    return unavailable("this node has not joined a cluster yet");
  if (!st.quorum)
    return unavailable("this node does not reach a majority of the cluster");
  auto shard = shard_of(id, st.settings.shards);
  auto idx = owner_index(st, shard);
  if (idx < 0)
    return unavailable("shard " + std::to_string(shard.value)
                       + " has no owner");
  const auto& owner = st.view.members[static_cast<std::size_t>(idx)];
  if (owner.name == st.settings.node_name)
    return caf::make_message(activate(self, id));
  const auto& remote = st.routers[static_cast<std::size_t>(idx)];
  if (!remote)
    return unavailable("the owner of shard " + std::to_string(shard.value)
                       + ", " + owner.name + ", is unreachable");
  // The owner's router answers the caller directly.
  return self->delegate(remote, route_atom_v, id, owner.name);
}

/// A request delegated by another node's router: served only by the owner.
caf::result<caf::actor> route_here(router_actor* self, device_id id,
                                   const std::string& owner) {
  auto& st = self->state;
  if (owner != st.settings.node_name)
    return unavailable("misrouted request");
  auto idx = owner_index(st, shard_of(id, st.settings.shards));
  if (idx < 0 || st.view.members[static_cast<std::size_t>(idx)].name != owner
      || !st.quorum)
    return unavailable("shard moved; ask again");
  return activate(self, id);
}

/// Adopts a newer view; stops device actors of shards owned elsewhere now.
void on_view(router_actor* self, cluster_view& view,
             std::vector<caf::actor>& routers, bool quorum) {
  auto& st = self->state;
  if (view.epoch < st.view.epoch)
    return;
  st.view = std::move(view);
  st.routers = std::move(routers);
  st.quorum = quorum;
  // Without a majority this node may no longer own anything: its device
  // actors stop, so their sessions end and nothing more is acknowledged.
  for (const auto& [id, dev] : st.active) {
    auto idx = owner_index(st, shard_of(id, st.settings.shards));
    if (!st.quorum || idx < 0
        || st.view.members[static_cast<std::size_t>(idx)].name
             != st.settings.node_name)
      self->send_exit(dev, caf::exit_reason::user_shutdown);
  }
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
    [self](route_atom, device_id id) { return route(self, id); },
    [self](route_atom, device_id id, const std::string& owner) {
      return route_here(self, id, owner);
    },
    [self](caf::get_atom) {
      return static_cast<std::uint64_t>(self->state.active.size());
    },
    [self](view_atom, cluster_view& view, std::vector<caf::actor>& routers,
           bool quorum) { on_view(self, view, routers, quorum); },
  };
}

} // namespace

caf::actor spawn_router(caf::actor_system& sys, router_settings settings,
                        const caf::actor& storage) {
  return sys.spawn(router_impl, std::move(settings), storage);
}

} // namespace pando
