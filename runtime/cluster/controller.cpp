#include "runtime/cluster/controller.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/type_ids.hpp"
#include "runtime/cluster/shard_table.hpp"

namespace pando::runtime {

namespace {

struct controller_state {
  controller_settings cfg;
  cluster_view current;
  cluster_view target;
  std::map<std::string, caf::actor> agents;
  bool stepping = false;
  /// Replicas reported in sync since the last publication: published
  /// together, at most every `sync_batch_ms`.
  bool sync_pending = false;
  /// Epoch of the last published view: every publication takes the next.
  std::uint64_t epoch = 0;

  static inline const char* name = "pando.controller";
};

using controller_actor = caf::stateful_actor<controller_state>;

void publish(controller_actor* self) {
  auto& st = self->state;
  st.current.epoch = ++st.epoch;
  st.sync_pending = false; // this view carries them
  for (const auto& m : st.current.members)
    if (m.up)
      if (auto i = st.agents.find(m.name); i != st.agents.end())
        self->send(i->second, view_atom_v, st.current);
  spdlog::info("cluster view epoch={} members={} moves_left={}",
               st.current.epoch, st.current.members.size(),
               plan_moves(st.current, st.target).size());
}

/// Walks one step towards the target, then again after the interval.
void step(controller_actor* self) {
  auto& st = self->state;
  if (plan_moves(st.current, st.target).empty()) {
    st.stepping = false;
    return;
  }
  // Shards without an in-sync replica up wait (see step_towards): a step
  // that moved nothing publishes nothing.
  auto next = step_towards(st.current, st.target, st.cfg.max_moves);
  if (!plan_moves(st.current, next).empty()
      || next.syncing != st.current.syncing) {
    st.current = std::move(next);
    publish(self);
  }
  st.stepping = true;
  self->delayed_send(self, std::chrono::milliseconds{st.cfg.step_interval_ms},
                     caf::tick_atom_v);
}

/// Adopts `next` as the target. Membership changes take effect at once, in
/// a view that moves no shard yet (so that every node sees the new member
/// before it gains shards); the moves follow step by step.
void retarget(controller_actor* self, cluster_view next) {
  auto& st = self->state;
  st.target = std::move(next);
  st.current = step_towards(st.current, st.target, 0);
  publish(self);
  if (!st.stepping) {
    st.stepping = true;
    self->delayed_send(self, std::chrono::milliseconds{st.cfg.step_interval_ms},
                       caf::tick_atom_v);
  }
}

void on_join(controller_actor* self, member m, caf::actor agent) {
  auto& st = self->state;
  self->monitor(agent);
  st.agents[m.name] = agent;
  for (const auto& known : st.target.members)
    if (known.name == m.name && known.up
        && known.cluster_address == m.cluster_address) {
      // Already a member (a retried join): just tell it the view.
      self->send(agent, view_atom_v, st.current);
      return;
    }
  spdlog::info("cluster: {} joins from {}", m.name, m.cluster_address);
  std::uint64_t seq = 0;
  for (const auto& known : st.target.members)
    seq = std::max(seq, known.joined_seq);
  m.joined_seq = seq + 1;
  m.up = true;
  // A member that comes back (it restarted, or was cut off) keeps the
  // shards it alone still holds in sync; it is taken as failed first if
  // that was not seen yet, so it keeps nothing else.
  for (auto* v : {&st.current, &st.target})
    for (const auto& known : v->members)
      if (known.name == m.name) {
        if (known.up)
          *v = apply_down(*v, m.name);
        break;
      }
  retarget(self, apply_join(st.target, std::move(m)));
}

void on_down(controller_actor* self, const caf::actor_addr& who) {
  auto& st = self->state;
  for (auto i = st.agents.begin(); i != st.agents.end(); ++i)
    if (i->second.address() == who) {
      auto name = i->first;
      st.agents.erase(i);
      auto member_now = std::any_of(
        st.current.members.begin(), st.current.members.end(),
        [&name](const member& m) { return m.name == name && m.up; });
      if (!member_now)
        return; // it left (or was already marked down)
      std::vector<std::string> alive;
      for (const auto& [n, agent] : st.agents)
        alive.push_back(n);
      if (!has_majority(st.current, alive)) {
        // A minority must not redraw the cluster: the view stays, and the
        // node agents stop serving until the majority is back.
        spdlog::error("cluster: {} is unreachable and this side is a "
                      "minority; the view stays at epoch {}",
                      name, st.current.epoch);
        return;
      }
      spdlog::warn("cluster: {} is down", name);
      // Repairs apply whole: the failed member's shards go to their first
      // follower now, together with any rebalancing still pending.
      st.target = apply_down(st.target, name);
      st.current = apply_down(st.current, name);
      publish(self);
      if (!st.stepping)
        step(self);
      return;
    }
}

/// A replica copied its shard: it counts from the next view on.
void on_synced(controller_actor* self, std::uint32_t shard,
               const std::string& name) {
  auto& st = self->state;
  if (!mark_synced(st.current, shard, name))
    return;
  mark_synced(st.target, shard, name);
  if (st.sync_pending)
    return;
  st.sync_pending = true;
  self->delayed_send(self, std::chrono::milliseconds{st.cfg.sync_batch_ms},
                     synced_atom_v);
}

caf::result<std::uint64_t> on_leave(controller_actor* self,
                                    const std::string& name) {
  auto& st = self->state;
  auto known = std::any_of(st.current.members.begin(), st.current.members.end(),
                           [&name](const member& m) { return m.name == name; });
  if (!known)
    return caf::make_error(errc::not_found, "no member " + name);
  auto up = std::count_if(st.current.members.begin(), st.current.members.end(),
                          [](const member& m) { return m.up; });
  if (up < 2)
    return caf::make_error(errc::conflict, "the last member cannot leave");
  // A member holding the only in-sync copy of a shard (its other replicas
  // are still copying) leaves once they have it.
  if (auto sole = sole_copies(st.current, name); sole > 0)
    return caf::make_error(errc::unavailable,
                           name + " holds the only in-sync copy of "
                             + std::to_string(sole)
                             + " shard(s) while their other replicas copy "
                               "them; try again shortly");
  auto owned = owned_count(st.current, name);
  spdlog::info("cluster: {} leaves, handing off {} shards", name, owned);
  st.target = apply_leave(st.target, name);
  st.current = apply_leave(st.current, name);
  publish(self);
  if (auto i = st.agents.find(name); i != st.agents.end()) {
    // Its agent hears the view without it, then stays out.
    self->demonitor(i->second);
    self->send(i->second, view_atom_v, st.current);
    st.agents.erase(i);
  }
  if (!st.stepping)
    step(self);
  if (controller_of(st.current) != st.cfg.host)
    self->quit(); // the next oldest member's agent takes over
  return static_cast<std::uint64_t>(owned);
}

caf::behavior controller_impl(controller_actor* self, controller_settings cfg,
                              cluster_view view,
                              std::map<std::string, caf::actor> agents) {
  auto& st = self->state;
  st.cfg = cfg;
  st.epoch = view.epoch;
  st.current = view;
  st.target = std::move(view);
  st.agents = std::move(agents);
  for (const auto& [name, agent] : st.agents)
    self->monitor(agent);
  self->set_down_handler(
    [self](const caf::down_msg& dm) { on_down(self, dm.source); });
  publish(self);
  if (!cfg.host.empty() && controller_of(st.current) != cfg.host) {
    // Started from a view whose oldest member is elsewhere (a cluster that
    // resumed its stored view): that member's agent hosts the controller
    // once it has this view.
    spdlog::info("cluster: the controller moves to {}",
                 controller_of(st.current));
    self->quit();
    return {};
  }
  return {
    [self](caf::join_atom, member& m, caf::actor& agent) {
      on_join(self, std::move(m), std::move(agent));
    },
    [self](caf::tick_atom) { step(self); },
    [self](synced_atom, std::uint32_t shard, const std::string& name) {
      on_synced(self, shard, name);
    },
    [self](synced_atom) {
      auto& st = self->state;
      if (!st.sync_pending)
        return;
      st.sync_pending = false;
      publish(self);
    },
    [self](caf::get_atom, view_atom) { return self->state.current; },
    [self](caf::leave_atom, const std::string& name) {
      return on_leave(self, name);
    },
  };
}

} // namespace

caf::actor spawn_controller(caf::actor_system& sys, controller_settings cfg,
                            cluster_view view,
                            std::map<std::string, caf::actor> agents) {
  return sys.spawn(controller_impl, cfg, std::move(view), std::move(agents));
}

} // namespace pando::runtime
