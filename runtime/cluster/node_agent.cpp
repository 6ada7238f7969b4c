#include "runtime/cluster/node_agent.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/type_ids.hpp"
#include "runtime/cluster/shard_table.hpp"

namespace pando::runtime {

namespace {

using steady = std::chrono::steady_clock;

/// Another node's agent, once connected.
struct peer {
  caf::actor agent;
  caf::actor router;
  caf::actor registry;
  caf::actor replica;
  member self;            ///< as it describes itself
  cluster_view view;      ///< its view when it answered
  cluster_view last_view; ///< the last view it stored before it started
  bool described = false; ///< its description arrived
};

struct agent_state {
  agent_settings cfg;
  caf::actor router;
  caf::actor registry;
  caf::actor replica;
  cluster_view view;
  /// This node asked to leave; once a view without it arrives it stays out
  /// (and keeps serving as a gateway to the members).
  bool leaving = false;
  bool left = false;
  std::vector<caf::response_promise> leave_waiters;
  /// What the registry was last told: its leader, followers and epoch.
  caf::actor registry_leader;
  std::vector<caf::actor> registry_followers;
  std::uint64_t registry_epoch = 0;
  bool joined = false;
  caf::actor controller; ///< when this node hosts it
  steady::time_point started = steady::now();
  std::map<std::string, peer> peers; ///< by cluster address
  std::set<std::string> connecting;  ///< addresses being connected
  /// Load samples for the message rates.
  node_load last_load;
  node_load prev_load;
  double sample_span_s = 1;

  static inline const char* name = "pando.node_agent";
};

using agent_actor = caf::stateful_actor<agent_state>;

const peer* peer_named(const agent_state& st, const std::string& name) {
  for (const auto& [addr, p] : st.peers)
    if (p.described && p.self.name == name)
      return &p;
  return nullptr;
}

/// Names of the members this node reaches (itself included).
std::vector<std::string> reachable(const agent_state& st) {
  std::vector<std::string> out{st.cfg.self.name};
  for (const auto& [addr, p] : st.peers)
    if (p.described)
      out.push_back(p.self.name);
  return out;
}

/// Tells the registry which registry leads (the controller's node's) and,
/// when it leads, which ones follow; a follower re-reads the leader's
/// records on every change.
void tell_registry(agent_actor* self) {
  auto& st = self->state;
  auto leader_name = controller_of(st.view);
  caf::actor leader;
  std::vector<caf::actor> followers;
  if (leader_name == st.cfg.self.name) {
    for (const auto& m : st.view.members)
      if (m.up && m.name != st.cfg.self.name)
        if (const auto* p = peer_named(st, m.name); p && p->registry)
          followers.push_back(p->registry);
  } else if (const auto* p = peer_named(st, leader_name)) {
    leader = p->registry;
  } else {
    return; // not connected to the leader yet
  }
  if (leader == st.registry_leader && followers == st.registry_followers
      && st.view.epoch == st.registry_epoch)
    return;
  st.registry_leader = leader;
  st.registry_followers = followers;
  st.registry_epoch = st.view.epoch;
  self->send(st.registry, registry_atom_v, std::move(leader),
             std::move(followers));
}

/// Hands the current view to the router, with the members' routers.
void tell_router(agent_actor* self) {
  auto& st = self->state;
  if (st.view.epoch == 0)
    return;
  tell_registry(self);
  std::vector<caf::actor> routers;
  std::vector<caf::actor> replicas;
  for (const auto& m : st.view.members) {
    const auto* p = peer_named(st, m.name);
    routers.push_back(p != nullptr ? p->router : caf::actor{});
    replicas.push_back(p != nullptr ? p->replica : caf::actor{});
  }
  auto quorum = has_majority(st.view, reachable(st));
  self->send(st.router, view_atom_v, st.view, routers, replicas, quorum);
}

void connect(agent_actor* self, const std::string& address);

/// Asks a connected peer who it is, where its router, registry and replica
/// actors are, and what it knows.
void describe(agent_actor* self, const std::string& address) {
  auto agent = self->state.peers[address].agent;
  self->request(agent, std::chrono::seconds{5}, caf::get_atom_v, member_atom_v)
    .then(
      [self, address](member& m, caf::actor& router, caf::actor& registry,
                      caf::actor& replica, cluster_view& v,
                      cluster_view& last) {
        auto it = self->state.peers.find(address);
        if (it == self->state.peers.end())
          return;
        auto& p = it->second;
        p.self = std::move(m);
        p.router = std::move(router);
        p.registry = std::move(registry);
        p.replica = std::move(replica);
        p.view = std::move(v);
        p.last_view = std::move(last);
        p.described = true;
        tell_router(self);
      },
      [address](caf::error& err) {
        spdlog::debug("cluster: {} did not describe itself: {}", address,
                      to_string(err));
      });
}

/// Connects to the agent at `address` without blocking the agent: a
/// detached helper makes the (blocking) middleman call, then this node says
/// hello over the new connection. CAF keeps one connection per pair of
/// nodes, and its TLS transport drops both when two nodes dial each other,
/// so dialing is one-way: see `should_dial`.
void connect(agent_actor* self, const std::string& address) {
  auto& st = self->state;
  if (address == st.cfg.self.cluster_address || st.peers.count(address) > 0
      || !st.connecting.insert(address).second)
    return;
  auto me = caf::actor_cast<caf::actor>(self);
  auto tls = st.cfg.tls;
  self->system().spawn<caf::detached>(
    [me, address, tls](caf::event_based_actor* w) {
      auto colon = address.rfind(':');
      auto host = address.substr(0, colon);
      if (host.size() > 2 && host.front() == '[')
        host = host.substr(1, host.size() - 2);
      auto port
        = static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1)));
      auto agent
        = tls ? caf::openssl::remote_actor<caf::actor>(w->system(), host, port)
              : w->system().middleman().remote_actor(host, port);
      if (agent)
        w->send(me, member_atom_v, address, *agent);
      else
        w->send(me, member_atom_v, address, agent.error());
    });
}

void on_connected(agent_actor* self, const std::string& address,
                  caf::actor agent) {
  auto& st = self->state;
  st.connecting.erase(address);
  self->monitor(agent);
  st.peers[address].agent = agent;
  self->send(agent, member_atom_v, st.cfg.self,
             caf::actor_cast<caf::actor>(self));
  describe(self, address);
}

/// Another node dialed this one and says hello.
void on_hello(agent_actor* self, const member& m, caf::actor agent) {
  auto& st = self->state;
  auto& p = st.peers[m.cluster_address];
  if (p.agent == agent)
    return;
  if (p.agent)
    self->demonitor(p.agent);
  self->monitor(agent);
  p = peer{};
  p.agent = std::move(agent);
  describe(self, m.cluster_address);
}

/// Whether this node dials `address` (the other side dials otherwise):
/// members dial members with smaller addresses; a node that is not a member
/// dials the seeds with smaller addresses at once and the others after the
/// formation grace (a seed that is a member never dials a non-member).
bool should_dial(const agent_state& st, const std::string& address) {
  if (address < st.cfg.self.cluster_address)
    return true;
  return !st.joined
         && steady::now() - st.started
              >= std::chrono::milliseconds{st.cfg.formation_grace_ms};
}

/// Takes over as controller when the controller's node is lost and this
/// node is the oldest member left with a majority of the last view.
void maybe_take_over(agent_actor* self) {
  auto& st = self->state;
  if (st.controller || st.view.epoch == 0)
    return;
  auto alive = reachable(st);
  if (std::find(alive.begin(), alive.end(), controller_of(st.view))
      != alive.end())
    return;
  auto next = st.view;
  for (const auto& m : st.view.members)
    if (m.up && std::find(alive.begin(), alive.end(), m.name) == alive.end())
      next = apply_down(next, m.name);
  if (controller_of(next) != st.cfg.self.name || !has_majority(st.view, alive))
    return;
  spdlog::warn("cluster: taking over as controller (epoch {})", st.view.epoch);
  std::map<std::string, caf::actor> agents{
    {st.cfg.self.name, caf::actor_cast<caf::actor>(self)}};
  for (const auto& [addr, p] : st.peers)
    if (p.described)
      agents[p.self.name] = p.agent;
  auto cfg = st.cfg.controller;
  cfg.host = st.cfg.self.name;
  st.controller
    = spawn_controller(self->system(), cfg, std::move(next), std::move(agents));
  self->link_to(st.controller);
}

void on_down(agent_actor* self, const caf::actor_addr& who) {
  auto& st = self->state;
  for (auto i = st.peers.begin(); i != st.peers.end(); ++i)
    if (i->second.agent.address() == who) {
      spdlog::warn("cluster: lost {} ({})",
                   i->second.described ? i->second.self.name : "?", i->first);
      st.peers.erase(i);
      break;
    }
  tell_router(self);
  // Takeover waits for the next tick: losses from one event (a pause of
  // this node, a partition) arrive one by one, and a takeover must see all.
}

/// Returns the newest view stored by this node or the seeds it reaches,
/// with `present` up (their addresses refreshed) and the others down, so
/// that a restarted cluster keeps the placement its data follows; epoch 0
/// when there is none.
cluster_view resume_view(const agent_state& st,
                         const std::vector<member>& present) {
  auto newest = st.cfg.last_view;
  for (const auto& [addr, p] : st.peers)
    if (p.described && p.last_view.epoch > newest.epoch)
      newest = p.last_view;
  if (newest.epoch == 0 || newest.shards != st.cfg.shards
      || newest.replicas.size() != st.cfg.shards)
    return {};
  auto out = newest;
  for (auto& m : out.members) {
    auto i = std::find_if(present.begin(), present.end(),
                          [&m](const member& x) { return x.name == m.name; });
    m.up = i != present.end();
    if (m.up) {
      m.cluster_address = i->cluster_address;
      m.mqtt_address = i->mqtt_address;
      m.http_address = i->http_address;
    }
  }
  // Members that did not come back lose their shards to their followers.
  for (const auto& m : newest.members)
    if (std::none_of(present.begin(), present.end(),
                     [&m](const member& x) { return x.name == m.name; }))
      out = apply_down(out, m.name);
  if (controller_of(out).empty())
    return {};
  spdlog::info("cluster: resuming the placement of epoch {}", newest.epoch);
  return out;
}

/// Forms a new cluster with this node and the seeds it reaches.
void form(agent_actor* self) {
  auto& st = self->state;
  std::vector<member> members{st.cfg.self};
  for (const auto& [addr, p] : st.peers)
    if (p.described)
      members.push_back(p.self);
  std::sort(members.begin(), members.end(),
            [](const member& a, const member& b) {
              return a.cluster_address < b.cluster_address;
            });
  std::map<std::string, caf::actor> agents{
    {st.cfg.self.name, caf::actor_cast<caf::actor>(self)}};
  for (std::size_t i = 0; i < members.size(); ++i) {
    members[i].joined_seq = i + 1;
    members[i].up = true;
    if (const auto* p = peer_named(st, members[i].name))
      agents[members[i].name] = p->agent;
  }
  spdlog::info("cluster: forming with {} member(s)", members.size());
  auto view = resume_view(st, members);
  if (view.epoch == 0)
    view = initial_view(st.cfg.shards, st.cfg.replication_factor,
                        std::move(members));
  auto cfg = st.cfg.controller;
  cfg.host = st.cfg.self.name;
  st.controller
    = spawn_controller(self->system(), cfg, std::move(view), std::move(agents));
  self->link_to(st.controller);
}

caf::actor controller_or_host(const agent_state& st);

/// One join attempt: ask a member that has a view, or form the cluster.
void try_join(agent_actor* self) {
  auto& st = self->state;
  if (st.joined || st.leaving || st.left)
    return;
  for (const auto& seed : st.cfg.seeds)
    if (should_dial(st, seed))
      connect(self, seed);
  for (const auto& [addr, p] : st.peers)
    if (p.described && p.view.epoch > 0) {
      self->send(p.agent, caf::join_atom_v, st.cfg.self,
                 caf::actor_cast<caf::actor>(self));
      return;
    }
  // A view that does not list this node (a cluster resumed from a stored
  // view this node had left): ask its controller.
  if (!st.controller && st.view.epoch > 0)
    if (auto ctl = controller_or_host(st)) {
      self->send(ctl, caf::join_atom_v, st.cfg.self,
                 caf::actor_cast<caf::actor>(self));
      return;
    }
  if (st.controller)
    return; // formed; waiting for our own view
  if (st.view.epoch > 0)
    return; // a former member never forms a cluster of its own (split brain)
  std::size_t described = 0;
  for (const auto& seed : st.cfg.seeds) {
    auto it = st.peers.find(seed);
    if (it == st.peers.end() || !it->second.described)
      continue;
    ++described;
    if (it->second.self.cluster_address < st.cfg.self.cluster_address)
      return; // a smaller seed forms the cluster
  }
  // Seeds with larger addresses are dialed after one grace period; a seed
  // that still answers nobody after two does not hold up the formation.
  auto waited = steady::now() - st.started;
  if (described == st.cfg.seeds.size()
      || waited >= 2 * std::chrono::milliseconds{st.cfg.formation_grace_ms})
    form(self);
}

void on_view(agent_actor* self, cluster_view v) {
  auto& st = self->state;
  if (v.epoch <= st.view.epoch)
    return;
  st.view = std::move(v);
  auto was_joined = st.joined;
  st.joined = false;
  auto listed = false;
  for (const auto& m : st.view.members) {
    if (m.name == st.cfg.self.name) {
      st.joined = m.up;
      listed = true;
    } else if (m.up && m.cluster_address < st.cfg.self.cluster_address) {
      connect(self, m.cluster_address);
    }
  }
  // Removed from the view (drained): stay out. Listed as down (it was
  // unreachable for a while): join again.
  if (was_joined && !listed)
    st.leaving = true;
  if (st.joined && !was_joined)
    spdlog::info("cluster: joined, epoch {} with {} member(s)", st.view.epoch,
                 st.view.members.size());
  if (st.cfg.save_view)
    st.cfg.save_view(st.view);
  if (st.leaving && !st.joined && !st.left) {
    st.left = true;
    spdlog::info("cluster: left at epoch {}", st.view.epoch);
    for (auto& rp : st.leave_waiters)
      rp.deliver(st.view.epoch);
    st.leave_waiters.clear();
  }
  // A controller this node runs for a view that names another host (a
  // cluster resumed from a stored view whose oldest member is elsewhere, or
  // this node left) has stopped: messages go to the host's agent now.
  if (st.controller && controller_of(st.view) != st.cfg.self.name) {
    self->unlink_from(st.controller);
    self->send_exit(st.controller, caf::exit_reason::user_shutdown);
    st.controller = nullptr;
  }
  // The controller left with its node: the next oldest member takes over.
  if (!st.controller && st.joined
      && controller_of(st.view) == st.cfg.self.name) {
    std::map<std::string, caf::actor> agents{
      {st.cfg.self.name, caf::actor_cast<caf::actor>(self)}};
    for (const auto& [addr, p] : st.peers)
      if (p.described)
        agents[p.self.name] = p.agent;
    spdlog::info("cluster: hosting the controller from epoch {}",
                 st.view.epoch);
    auto cfg = st.cfg.controller;
    cfg.host = st.cfg.self.name;
    st.controller
      = spawn_controller(self->system(), cfg, st.view, std::move(agents));
    self->link_to(st.controller);
  }
  tell_router(self);
}

/// Returns the controller, or the agent that hosts it (which forwards).
caf::actor controller_or_host(const agent_state& st) {
  if (st.controller)
    return st.controller;
  if (const auto* p = peer_named(st, controller_of(st.view)))
    return p->agent;
  return {};
}

/// Asks the controller to let `name` leave; answers the shards it owned.
caf::result<std::uint64_t> request_leave(agent_actor* self,
                                         const std::string& name) {
  auto ctl = controller_or_host(self->state);
  if (!ctl || self->state.view.epoch == 0)
    return caf::make_error(errc::unavailable, "no controller is reachable");
  auto rp = self->make_response_promise<std::uint64_t>();
  self->request(ctl, std::chrono::seconds{10}, caf::leave_atom_v, name)
    .then([rp](std::uint64_t n) mutable { rp.deliver(n); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

node_stats local_stats(agent_actor* self, std::uint64_t device_actors) {
  auto& st = self->state;
  node_stats out;
  out.info = st.cfg.info;
  out.epoch = st.view.epoch;
  if (st.view.epoch > 0) {
    out.shards_owned = owned_count(st.view, st.cfg.self.name);
    out.shards_followed = followed_count(st.view, st.cfg.self.name);
  }
  out.device_actors = device_actors;
  // Gauges now; rates over the last sampling interval.
  auto now = st.cfg.load ? st.cfg.load() : st.last_load;
  out.connections = now.connections;
  out.resident_bytes = now.resident_bytes;
  auto span = std::max(st.sample_span_s, 0.001);
  out.messages_in_per_s
    = static_cast<double>(st.last_load.messages_in - st.prev_load.messages_in)
      / span;
  out.messages_out_per_s
    = static_cast<double>(st.last_load.messages_out - st.prev_load.messages_out)
      / span;
  return out;
}

/// Answers (nodes): every member of the view, asked in parallel.
caf::result<std::vector<node_stats>> all_stats(agent_actor* self) {
  auto& st = self->state;
  auto rp = self->make_response_promise<std::vector<node_stats>>();
  auto out = std::make_shared<std::vector<node_stats>>();
  auto members
    = st.view.epoch > 0 ? st.view.members : std::vector<member>{st.cfg.self};
  auto left = std::make_shared<std::size_t>(members.size());
  auto add = [rp, out, left](node_stats s) mutable {
    out->push_back(std::move(s));
    if (--*left == 0)
      rp.deliver(std::move(*out));
  };
  for (const auto& m : members) {
    node_stats down;
    down.info.name = m.name;
    down.info.mqtt_advertise = m.mqtt_address;
    down.info.http_advertise = m.http_address;
    down.up = false;
    caf::actor agent;
    if (m.name == st.cfg.self.name)
      agent = caf::actor_cast<caf::actor>(self);
    else if (const auto* p = peer_named(st, m.name); p != nullptr && m.up)
      agent = p->agent;
    if (!agent) {
      add(std::move(down));
      continue;
    }
    self->request(agent, std::chrono::seconds{2}, nodes_atom_v, caf::get_atom_v)
      .then([add](node_stats& s) mutable { add(std::move(s)); },
            [add, down](caf::error&) mutable { add(down); });
  }
  return rp;
}

shard_location locate(const agent_state& st, device_id id) {
  shard_location out;
  out.shard = shard_of(id, st.cfg.shards).value;
  out.epoch = st.view.epoch;
  if (st.view.epoch == 0)
    return out;
  for (auto idx : st.view.replicas[out.shard])
    out.replicas.push_back(st.view.members[idx].name);
  if (!st.view.replicas[out.shard].empty()) {
    const auto& owner = st.view.members[st.view.replicas[out.shard][0]];
    out.owner_mqtt = owner.mqtt_address;
    out.owner_http = owner.http_address;
  }
  return out;
}

caf::behavior agent_impl(agent_actor* self, agent_settings cfg,
                         caf::actor router, caf::actor registry,
                         caf::actor replica) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.router = std::move(router);
  st.registry = std::move(registry);
  st.replica = std::move(replica);
  auto& seeds = st.cfg.seeds;
  seeds.erase(
    std::remove(seeds.begin(), seeds.end(), st.cfg.self.cluster_address),
    seeds.end());
  if (st.cfg.load)
    st.last_load = st.prev_load = st.cfg.load();
  self->set_down_handler(
    [self](const caf::down_msg& dm) { on_down(self, dm.source); });
  self->send(self, caf::tick_atom_v);
  return {
    [self](caf::get_atom) { return self->state.cfg.info; },
    [self](member_atom) { return self->state.cfg.self; },
    [self](caf::get_atom, view_atom) { return self->state.view; },
    [self](caf::get_atom, route_atom) { return self->state.router; },
    [self](caf::get_atom, member_atom) {
      auto& st = self->state;
      return caf::make_message(st.cfg.self, st.router, st.registry, st.replica,
                               st.view, st.cfg.last_view);
    },
    [self](member_atom, const std::string& address, caf::actor& agent) {
      on_connected(self, address, std::move(agent));
    },
    [self](member_atom, const member& m, caf::actor& agent) {
      on_hello(self, m, std::move(agent));
    },
    [self](member_atom, const std::string& address, const caf::error& err) {
      self->state.connecting.erase(address);
      spdlog::debug("cluster: cannot reach {}: {}", address, to_string(err));
    },
    [self](caf::join_atom, member& m, caf::actor& agent) {
      auto& st = self->state;
      if (st.controller) {
        self->send(st.controller, caf::join_atom_v, std::move(m),
                   std::move(agent));
      } else if (const auto* p = peer_named(st, controller_of(st.view))) {
        self->send(p->agent, caf::join_atom_v, std::move(m), std::move(agent));
      }
    },
    [self](view_atom, cluster_view& v) { on_view(self, std::move(v)); },
    [self](synced_atom, std::uint32_t shard, std::string& name) {
      // From this node's router (or, on the controller's node, from another
      // node's agent): a replica copied a shard.
      if (auto ctl = controller_or_host(self->state))
        self->send(ctl, synced_atom_v, shard, std::move(name));
    },
    [self](caf::tick_atom) {
      auto& st = self->state;
      if (st.cfg.load) {
        st.prev_load = st.last_load;
        st.last_load = st.cfg.load();
        st.sample_span_s = static_cast<double>(st.cfg.retry_ms) / 1000.0;
      }
      // A member cut off from the majority (a pause, a partition) may have
      // been marked down meanwhile: a controller it hosts steps down, and it
      // asks to join again through any member it reaches.
      if (st.joined && !has_majority(st.view, reachable(st))) {
        if (st.controller) {
          spdlog::warn("cluster: lost the majority; the controller here "
                       "steps down");
          self->unlink_from(st.controller);
          self->send_exit(st.controller, caf::exit_reason::user_shutdown);
          st.controller = nullptr;
        }
        st.joined = false;
      }
      maybe_take_over(self);
      try_join(self);
      // Gossip: a member that missed views (it was paused or cut off) learns
      // the latest from its peers, and with it whether it was marked down.
      for (const auto& [addr, p] : st.peers)
        if (p.described)
          self
            ->request(p.agent, std::chrono::seconds{1}, caf::get_atom_v,
                      view_atom_v)
            .then([self](cluster_view& v) { on_view(self, std::move(v)); },
                  [](caf::error&) {});
      // Members of the view that are not connected (a restarted node, a
      // lost link) are retried.
      if (st.view.epoch > 0)
        for (const auto& m : st.view.members)
          if (m.up && m.name != st.cfg.self.name
              && m.cluster_address < st.cfg.self.cluster_address)
            connect(self, m.cluster_address);
      self->delayed_send(self, std::chrono::milliseconds{st.cfg.retry_ms},
                         caf::tick_atom_v);
    },
    [self](nodes_atom) { return all_stats(self); },
    [self](nodes_atom, caf::get_atom) -> caf::result<node_stats> {
      auto rp = self->make_response_promise<node_stats>();
      self
        ->request(self->state.router, std::chrono::seconds{1}, caf::get_atom_v)
        .then([self, rp](
                std::uint64_t n) mutable { rp.deliver(local_stats(self, n)); },
              [self, rp](caf::error&) mutable {
                rp.deliver(local_stats(self, 0));
              });
      return rp;
    },
    [self](locate_atom, device_id id) { return locate(self->state, id); },
    [self](caf::leave_atom) -> caf::result<std::uint64_t> {
      // This node leaves: answered (with the epoch) once a view without it
      // arrived.
      auto& st = self->state;
      if (st.left || st.view.epoch == 0)
        return st.view.epoch;
      auto ctl = controller_or_host(st);
      if (!ctl)
        return caf::make_error(errc::unavailable, "no controller is reachable");
      st.leaving = true;
      auto rp = self->make_response_promise<std::uint64_t>();
      st.leave_waiters.push_back(rp);
      // Short: when several nodes leave at once the controller may move
      // meanwhile, and the node asks again (see hand_off in runtime/node).
      self
        ->request(ctl, std::chrono::seconds{4}, caf::leave_atom_v,
                  st.cfg.self.name)
        .then([](std::uint64_t) {},
              [self](caf::error& err) {
                auto& st = self->state;
                st.leaving = false;
                for (auto& w : st.leave_waiters)
                  w.deliver(err);
                st.leave_waiters.clear();
              });
      return rp;
    },
    [self](caf::leave_atom, const std::string& name) {
      return request_leave(self, name);
    },
  };
}

} // namespace

caf::actor spawn_node_agent(caf::actor_system& sys, agent_settings settings,
                            const caf::actor& router,
                            const caf::actor& registry,
                            const caf::actor& replica) {
  return sys.spawn(agent_impl, std::move(settings), router, registry, replica);
}

} // namespace pando::runtime
