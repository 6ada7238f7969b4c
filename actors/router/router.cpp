#include "actors/router/router.hpp"

#include <map>
#include <set>
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
  /// Shards being copied here (owned or followed).
  std::set<std::uint32_t> pulling;
  /// Shards copied here that the view still lists as syncing: reported to
  /// the controller again with every view until it counts them.
  std::set<std::uint32_t> copied;
  /// The node agent (it sends the views): takes the reports for the
  /// controller.
  caf::actor agent;
  /// Per shard this node syncs: the in-sync replicas of the view before it
  /// started syncing (where to copy from when the current list has none,
  /// as after a move that replaced the only replica).
  std::map<std::uint32_t, std::vector<std::string>> fallback;
  /// Shards with a copy attempt scheduled (one at a time per shard).
  std::set<std::uint32_t> retrying;

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

/// Serves a route request for a device of shard `shard`, which this node
/// owns: at once, or after the shard's copy arrived.
caf::result<caf::message> serve_owned(router_actor* self, device_id id,
                                      std::uint32_t shard, int idx) {
  auto& st = self->state;
  if (auto i = st.frozen.find(shard); i != st.frozen.end()) {
    if (i->second.size() >= max_held)
      return unavailable("shard " + std::to_string(shard)
                         + " is moving here; try again");
    auto rp = self->make_response_promise();
    i->second.push_back({id, rp});
    return rp;
  }
  if (st.view.is_syncing(shard, static_cast<std::uint16_t>(idx))
      && !st.copied.count(shard))
    return unavailable("shard " + std::to_string(shard)
                       + " has no copy here yet and no in-sync replica "
                         "to copy it from");
  return caf::make_message(activate(self, id));
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
    return serve_owned(self, id, shard.value, idx);
  const auto& remote = st.routers[static_cast<std::size_t>(idx)];
  if (!remote)
    return unavailable("the owner of shard " + std::to_string(shard.value)
                       + ", " + owner.name + ", is unreachable");
  // The owner's router answers the caller directly.
  return self->delegate(remote, route_atom_v, id, owner.name);
}

/// A request delegated by another node's router: served only by the owner,
/// like a local one (a shard still being copied here makes it wait).
caf::result<caf::message> route_here(router_actor* self, device_id id,
                                     const std::string& owner) {
  auto& st = self->state;
  if (owner != st.settings.node_name)
    return unavailable("misrouted request");
  auto shard = shard_of(id, st.settings.shards);
  auto idx = owner_index(st, shard);
  if (idx < 0 || st.view.members[static_cast<std::size_t>(idx)].name != owner
      || !st.quorum)
    return unavailable("shard moved; ask again");
  return serve_owned(self, id, shard.value, idx);
}

/// Returns this node's index in the view, or -1.
int my_index(const router_state& st) {
  for (std::size_t i = 0; i < st.view.members.size(); ++i)
    if (st.view.members[i].name == st.settings.node_name)
      return static_cast<int>(i);
  return -1;
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
    // A follower not reachable yet is listed as null: writes then fail
    // rather than skip a replica the view counts on.
    for (std::size_t i = 1; i < list.size(); ++i)
      p->followers[s].push_back(st.replicas[list[i]]);
  }
  // Timer rules run, and webhooks go out, where their device's shard is
  // owned: the rules actor and the notifier read again when that changes
  // (not on every view).
  auto owned_changed = true;
  if (const auto& box = st.settings.device.placement) {
    if (auto before = box->get())
      owned_changed = before->owned != p->owned;
    box->set(std::move(p));
  }
  // The replica actor holds writes to the shards this node still has to
  // copy, from this view on.
  std::vector<std::uint32_t> syncing;
  if (auto me = my_index(st); me >= 0)
    for (std::uint32_t s = 0; s < st.view.replicas.size(); ++s)
      if (st.view.is_syncing(s, static_cast<std::uint16_t>(me))
          && !st.copied.count(s))
        syncing.push_back(s);
  if (st.replica)
    self->send(st.replica, view_atom_v, st.view.epoch, std::move(owners),
               std::move(syncing));
  if (owned_changed)
    for (const auto& peer :
         {st.settings.device.rules, st.settings.device.notifier})
      if (peer && *peer)
        self->send(*peer, view_atom_v);
}

/// Picks where to copy shard `s` from: an in-sync replica that is up, else
/// an up member that held it in sync before this node started syncing it.
caf::actor copy_source(const router_state& st, std::uint32_t s) {
  const auto& me = st.settings.node_name;
  for (auto i : st.view.replicas[s])
    if (st.view.members[i].up && st.view.members[i].name != me
        && !st.view.is_syncing(s, i) && st.replicas[i])
      return st.replicas[i];
  if (auto f = st.fallback.find(s); f != st.fallback.end())
    for (const auto& name : f->second)
      for (std::size_t i = 0; i < st.view.members.size(); ++i)
        if (st.view.members[i].name == name && name != me
            && st.view.members[i].up && st.replicas[i])
          return st.replicas[i];
  return {};
}

void retry_later(router_actor* self, std::uint32_t s) {
  if (self->state.retrying.insert(s).second)
    self->delayed_send(self, std::chrono::seconds{1}, pull_atom_v, s);
}

void report_synced(router_actor* self, std::uint32_t s) {
  auto& st = self->state;
  if (st.agent)
    self->send(st.agent, synced_atom_v, s, st.settings.node_name);
}

/// Copies shard `s`, which this node is syncing; an owned shard stays
/// frozen until the copy is in. When it is, the controller hears of it.
void pull(router_actor* self, std::uint32_t s, bool owner) {
  auto& st = self->state;
  auto source = copy_source(st, s);
  if (!source || !st.replica) {
    // No source reachable yet: tried again with the next view or shortly.
    retry_later(self, s);
    return;
  }
  st.pulling.insert(s);
  if (owner)
    st.frozen[s];
  auto finish = [self, s](bool ok) {
    auto& st = self->state;
    st.pulling.erase(s);
    if (ok) {
      st.copied.insert(s);
      report_synced(self, s);
      // Said again every second until a view counts it (a report can be
      // lost while the controller moves).
      self->delayed_send(self, std::chrono::seconds{1}, synced_atom_v, s);
    } else {
      // Tried again shortly, from whichever source the view offers then.
      retry_later(self, s);
    }
    auto held = std::move(st.frozen[s]);
    st.frozen.erase(s);
    auto idx = owner_index(st, shard_id{s});
    auto mine = st.quorum && idx >= 0
                && st.view.members[static_cast<std::size_t>(idx)].name
                     == st.settings.node_name;
    for (auto& h : held)
      if (ok && mine)
        h.promise.deliver(activate(self, h.id));
      else if (!mine)
        h.promise.deliver(unavailable("shard moved; ask again"));
      else
        h.promise.deliver(unavailable("shard " + std::to_string(s)
                                      + " could not be copied here yet; "
                                        "try again"));
  };
  self
    ->request(st.replica, caf::infinite, pull_atom_v, s, source, st.view.epoch)
    .then([finish](caf::ok_atom) mutable { finish(true); },
          [finish, s](caf::error& err) mutable {
            spdlog::error("router: copying shard {} failed: {}", s,
                          to_string(err));
            finish(false);
          });
}

/// Starts copies of the shards this node syncs and reports finished ones
/// the view still lists as syncing.
void sync_shards(router_actor* self, const cluster_view& before) {
  auto& st = self->state;
  auto me = my_index(st);
  for (std::uint32_t s = 0; s < st.view.replicas.size(); ++s) {
    const auto& xs = st.view.replicas[s];
    auto listed = me >= 0 && std::find(xs.begin(), xs.end(), me) != xs.end();
    if (!listed || !st.view.is_syncing(s, static_cast<std::uint16_t>(me))) {
      st.copied.erase(s); // a later syncing replica copies again
      st.fallback.erase(s);
      continue;
    }
    if (!st.fallback.count(s)) {
      auto& names = st.fallback[s];
      if (s < before.replicas.size())
        for (auto i : before.replicas[s])
          if (!before.is_syncing(s, i))
            names.push_back(before.members[i].name);
    }
    if (st.copied.count(s))
      report_synced(self, s);
    else if (!st.pulling.count(s))
      pull(self, s, xs.front() == me);
  }
}

/// Adopts a newer view: stops device actors of shards owned elsewhere now,
/// copies shards this node syncs, and publishes the followers.
void on_view(router_actor* self, cluster_view& view,
             std::vector<caf::actor>& routers,
             std::vector<caf::actor>& replicas, bool quorum) {
  auto& st = self->state;
  if (view.epoch < st.view.epoch)
    return;
  st.agent = caf::actor_cast<caf::actor>(self->current_sender());
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
  sync_shards(self, before);
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
    [self](synced_atom, std::uint32_t s) {
      auto& st = self->state;
      auto me = my_index(st);
      if (me >= 0 && st.copied.count(s)
          && st.view.is_syncing(s, static_cast<std::uint16_t>(me))) {
        report_synced(self, s);
        self->delayed_send(self, std::chrono::seconds{1}, synced_atom_v, s);
      }
    },
    [self](pull_atom, std::uint32_t s) {
      // A failed copy, tried again with the current view.
      auto& st = self->state;
      st.retrying.erase(s);
      auto me = my_index(st);
      if (me >= 0 && s < st.view.replicas.size() && !st.pulling.count(s)
          && !st.copied.count(s)
          && st.view.is_syncing(s, static_cast<std::uint16_t>(me)))
        pull(self, s, st.view.replicas[s].front() == me);
    },
  };
}

} // namespace

caf::actor spawn_router(caf::actor_system& sys, router_settings settings,
                        const caf::actor& storage, const caf::actor& replica) {
  return sys.spawn(router_impl, std::move(settings), storage, replica);
}

} // namespace pando
