#include "actors/router/router.hpp"

#include <map>
#include <unordered_map>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/router/placement.hpp"
#include "actors/type_ids.hpp"

namespace pando {

namespace {

/// A route request waiting for its shard's copy.
struct held_route {
  device_id id;
  caf::response_promise promise;
};

struct router_state {
  router_settings settings;
  caf::actor storage;
  caf::actor replica;
  std::unordered_map<device_id, caf::actor> active;
  std::unordered_map<caf::actor_addr, device_id> by_addr;
  cluster_view view;
  /// The members' routers, by member index (null: this node or unreachable).
  std::vector<caf::actor> routers;
  std::vector<caf::actor> replicas; ///< by member index
  bool quorum = false;
  /// Shards this node now owns and is still copying from their previous
  /// holder: their route requests wait (at most `max_held` each).
  std::map<std::uint32_t, std::vector<held_route>> frozen;

  static inline const char* name = "pando.router";
};

using router_actor = caf::stateful_actor<router_state>;

/// Route requests one moving shard may hold.
constexpr std::size_t max_held = 10'000;

caf::error unavailable(std::string why) {
  return caf::make_error(errc::unavailable, std::move(why));
}

caf::actor activate(router_actor* self, device_id id) {
  auto& st = self->state;
  if (auto i = st.active.find(id); i != st.active.end())
    return i->second;
  auto dev = spawn_device(self->system(), id, st.settings.device, st.storage);
  // Monitored, so that the router learns when one passivates or fails; the
  // router's own exit ends them (see router_impl).
  self->monitor(dev);
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
  if (owner.name == st.settings.node_name) {
    if (auto i = st.frozen.find(shard.value); i != st.frozen.end()) {
      if (i->second.size() >= max_held)
        return unavailable("shard " + std::to_string(shard.value)
                           + " is moving here; try again");
      auto rp = self->make_response_promise();
      i->second.push_back({id, rp});
      return rp;
    }
    return caf::make_message(activate(self, id));
  }
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

/// Returns the names of shard `s`'s replicas in `v`, the owner first.
std::vector<std::string> replica_names(const cluster_view& v, std::uint32_t s) {
  std::vector<std::string> out;
  if (v.epoch == 0 || s >= v.replicas.size())
    return out;
  for (auto idx : v.replicas[s])
    out.push_back(v.members[idx].name);
  return out;
}

/// Publishes the followers' replica actors of the shards this node owns.
void publish_placement(router_actor* self) {
  auto& st = self->state;
  auto p = std::make_shared<placement>();
  p->epoch = st.view.epoch;
  p->self = st.settings.node_name;
  p->followers.resize(st.view.replicas.size());
  p->owned.resize(st.view.replicas.size());
  std::vector<std::string> owners(st.view.replicas.size());
  for (std::size_t s = 0; s < st.view.replicas.size(); ++s) {
    const auto& list = st.view.replicas[s];
    if (list.empty())
      continue;
    owners[s] = st.view.members[list[0]].name;
    if (owners[s] != st.settings.node_name)
      continue;
    p->owned[s] = true;
    for (std::size_t i = 1; i < list.size(); ++i)
      if (const auto& r = st.replicas[list[i]])
        p->followers[s].push_back(r);
  }
  // Timer rules run where their owner device's shard is owned: the rules
  // actor reads them again when that changes (not on every view).
  auto owned_changed = true;
  if (const auto& box = st.settings.device.placement) {
    if (auto before = box->get())
      owned_changed = before->owned != p->owned;
    box->set(std::move(p));
  }
  if (st.replica)
    self->send(st.replica, view_atom_v, st.view.epoch, std::move(owners));
  if (const auto& rules = st.settings.device.rules;
      rules && *rules && owned_changed)
    self->send(*rules, view_atom_v);
}

/// Copies shard `s` from the node that held it in `before`; an owned shard
/// stays frozen until the copy is in.
void pull(router_actor* self, std::uint32_t s, const cluster_view& before,
          bool owner) {
  auto& st = self->state;
  caf::actor source;
  for (const auto& name : replica_names(before, s))
    for (std::size_t i = 0; i < st.view.members.size(); ++i)
      if (!source && st.view.members[i].name == name && st.view.members[i].up
          && st.replicas[i])
        source = st.replicas[i];
  if (!source || !st.replica)
    return; // nobody has it any more: the shard starts empty
  if (owner)
    st.frozen[s];
  auto unfreeze = [self, s] {
    auto held = std::move(self->state.frozen[s]);
    self->state.frozen.erase(s);
    for (auto& h : held)
      h.promise.deliver(activate(self, h.id));
  };
  self
    ->request(st.replica, std::chrono::seconds{60}, pull_atom_v, s, source,
              st.view.epoch)
    .then([unfreeze](caf::ok_atom) mutable { unfreeze(); },
          [unfreeze, s](caf::error& err) mutable {
            spdlog::error("router: copying shard {} failed: {}", s,
                          to_string(err));
            unfreeze();
          });
}

/// Adopts a newer view: stops device actors of shards owned elsewhere now,
/// copies shards this node gained, and publishes the followers.
void on_view(router_actor* self, cluster_view& view,
             std::vector<caf::actor>& routers,
             std::vector<caf::actor>& replicas, bool quorum) {
  auto& st = self->state;
  if (view.epoch < st.view.epoch)
    return;
  auto before = std::move(st.view);
  st.view = std::move(view);
  st.routers = std::move(routers);
  st.replicas = std::move(replicas);
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
  publish_placement(self);
  if (before.epoch == 0)
    return; // a new cluster, or this node's first view: nothing to copy
  const auto& me = st.settings.node_name;
  for (std::uint32_t s = 0; s < st.view.replicas.size(); ++s) {
    auto now = replica_names(st.view, s);
    auto was = replica_names(before, s);
    auto has = [&me](const std::vector<std::string>& xs) {
      return std::find(xs.begin(), xs.end(), me) != xs.end();
    };
    if (has(now) && !has(was) && !st.frozen.count(s))
      pull(self, s, before, now.front() == me);
  }
}

caf::behavior router_impl(router_actor* self, router_settings settings,
                          caf::actor storage, caf::actor replica) {
  self->state.settings = std::move(settings);
  self->state.replica = std::move(replica);
  self->state.settings.device.shards = self->state.settings.shards;
  self->state.storage = std::move(storage);
  self->set_down_handler([self](const caf::down_msg& msg) {
    // A device actor that passivated or failed is forgotten and reactivated
    // on its next message.
    auto& st = self->state;
    if (auto i = st.by_addr.find(msg.source); i != st.by_addr.end()) {
      if (auto a = st.active.find(i->second);
          a != st.active.end() && a->second.address() == msg.source)
        st.active.erase(a);
      st.by_addr.erase(i);
    }
  });
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    // The node stops: so do the device actors.
    for (const auto& [id, dev] : self->state.active)
      self->send_exit(dev, caf::exit_reason::user_shutdown);
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
           std::vector<caf::actor>& replicas,
           bool quorum) { on_view(self, view, routers, replicas, quorum); },
  };
}

} // namespace

caf::actor spawn_router(caf::actor_system& sys, router_settings settings,
                        const caf::actor& storage, const caf::actor& replica) {
  return sys.spawn(router_impl, std::move(settings), storage, replica);
}

} // namespace pando
