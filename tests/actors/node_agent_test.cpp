// The node agent and the controller on the deterministic scheduler: a node
// without seeds forms a cluster of one; the controller publishes views on
// join (rate-limited rebalancing) and on a member's failure.

#include <doctest/doctest.h>

#include "runtime/cluster/controller.hpp"
#include "runtime/cluster/node_agent.hpp"
#include "runtime/cluster/shard_table.hpp"
#include "tests/actors/fixture.hpp"

using namespace pando;
using namespace std::chrono_literals;

namespace {

/// Records the views it is given (as a router or a node agent).
struct view_log {
  std::vector<cluster_view> views;
  std::vector<bool> quorum;
  /// (registry, leader, followers) messages: whether a leader was named.
  std::vector<bool> led_elsewhere;
};

caf::behavior recorder(caf::event_based_actor*, std::shared_ptr<view_log> log) {
  return {
    [log](view_atom, cluster_view& v, std::vector<caf::actor>&,
          std::vector<caf::actor>&, bool quorum) {
      log->views.push_back(std::move(v));
      log->quorum.push_back(quorum);
    },
    [log](view_atom, cluster_view& v) { log->views.push_back(std::move(v)); },
    [log](registry_atom, caf::actor& leader, std::vector<caf::actor>&) {
      log->led_elsewhere.push_back(static_cast<bool>(leader));
    },
  };
}

member node(std::string name, std::uint64_t seq) {
  member m;
  m.name = std::move(name);
  m.joined_seq = seq;
  m.cluster_address = "127.0.0.1:" + std::to_string(7400 + seq);
  return m;
}

} // namespace

TEST_CASE_FIXTURE(test::actor_fixture, "a node without seeds forms a cluster") {
  auto log = std::make_shared<view_log>();
  auto router = sys.spawn(recorder, log);
  runtime::agent_settings cfg;
  cfg.info.name = "earth";
  cfg.info.boots = 3;
  cfg.self = node("earth", 0);
  cfg.self.mqtt_address = "127.0.0.1:1883";
  cfg.shards = 64;
  auto agent = runtime::spawn_node_agent(sys, cfg, router, router, router);
  run();
  REQUIRE(!log->views.empty());
  const auto& v = log->views.back();
  CHECK(v.epoch >= 1);
  REQUIRE(v.members.size() == 1);
  CHECK(v.members[0].name == "earth");
  CHECK(runtime::owned_count(v, "earth") == 64);
  CHECK(log->quorum.back());
  // The only member hosts the controller, so its registry leads.
  REQUIRE(log->led_elsewhere.size() == 1);
  CHECK_FALSE(log->led_elsewhere[0]);
  self->send(agent, caf::get_atom_v);
  self->send(agent, locate_atom_v, device_id_of("1-1-lamp"));
  run();
  self->receive([&](const node_info& x) { CHECK(x.boots == 3); },
                caf::after(0s) >> [] { FAIL("no node_info"); });
  self->receive(
    [&](const shard_location& loc) {
      CHECK(loc.shard == shard_of(device_id_of("1-1-lamp"), 64).value);
      CHECK(loc.replicas == std::vector<std::string>{"earth"});
      CHECK(loc.owner_mqtt == "127.0.0.1:1883");
    },
    caf::after(0s) >> [] { FAIL("no location"); });
  self->send_exit(agent, caf::exit_reason::user_shutdown);
  self->send_exit(router, caf::exit_reason::user_shutdown);
  run();
}

TEST_CASE_FIXTURE(test::actor_fixture,
                  "the controller publishes every change") {
  auto a = std::make_shared<view_log>(), b = std::make_shared<view_log>(),
       c = std::make_shared<view_log>();
  auto agent_a = sys.spawn(recorder, a);
  auto agent_b = sys.spawn(recorder, b);
  auto agent_c = sys.spawn(recorder, c);
  auto initial = runtime::initial_view(300, 2, {node("a", 1), node("b", 2)});
  runtime::controller_settings cfg;
  cfg.max_moves = 40;
  cfg.step_interval_ms = 100;
  auto ctl = runtime::spawn_controller(sys, cfg, initial,
                                       {{"a", agent_a}, {"b", agent_b}});
  run();
  REQUIRE(a->views.size() == 1);
  REQUIRE(b->views.size() == 1);
  CHECK(runtime::owned_count(a->views[0], "a") == 150);
  // c joins: it is a member at once, and ownership moves 40 shards a step.
  self->send(ctl, caf::join_atom_v, node("c", 0), agent_c);
  run();
  REQUIRE(!c->views.empty());
  auto first = c->views.back();
  CHECK(first.members.size() == 3);
  CHECK(first.epoch > a->views[0].epoch);
  auto moved = runtime::plan_moves(a->views[0], first).size();
  CHECK(moved <= 40);
  for (int i = 0; i < 20; ++i)
    advance(100ms);
  const auto& last = c->views.back();
  CHECK(c->views.size() > 2); // several steps
  for (const auto* name : {"a", "b", "c"})
    CHECK(runtime::owned_count(last, name) >= 99);
  // Epochs only grow.
  for (std::size_t i = 1; i < c->views.size(); ++i)
    CHECK(c->views[i].epoch > c->views[i - 1].epoch);
  // While c still copies shards that a alone holds in sync, a may not
  // leave: the controller says to try again.
  self->send(ctl, caf::leave_atom_v, std::string{"a"});
  run();
  bool refused = false;
  self->receive([](std::uint64_t) { FAIL("a left with sole copies"); },
                [&](const caf::error& err) {
                  refused
                    = err.category() == caf::atom("pando")
                      && static_cast<errc>(err.code()) == errc::unavailable;
                },
                caf::after(0s) >> [] { FAIL("no answer to the leave"); });
  CHECK(refused);
  // c copies what it gained: until it says so, it is syncing; the reports
  // are published together in one view.
  std::size_t syncing = 0;
  for (std::uint32_t s = 0; s < last.shards; ++s)
    for (std::uint16_t m = 0; m < last.members.size(); ++m)
      if (last.is_syncing(s, m)) {
        CHECK(last.members[m].name == "c");
        self->send(ctl, synced_atom_v, s, std::string{"c"});
        ++syncing;
      }
  CHECK(syncing >= 99);
  auto before_sync = c->views.size();
  run();
  advance(100ms);
  REQUIRE(c->views.size() == before_sync + 1);
  const auto synced = c->views.back();
  CHECK(synced.syncing.empty());
  CHECK(runtime::plan_moves(last, synced).empty());
  // b fails: its shards go to their followers in one view.
  self->send_exit(agent_b, caf::exit_reason::kill);
  run();
  const auto& after = a->views.back();
  CHECK(after.epoch > synced.epoch);
  CHECK_FALSE(after.members[1].up);
  CHECK(runtime::owned_count(after, "b") == 0);
  CHECK(runtime::owned_count(after, "a") + runtime::owned_count(after, "c")
        == 300);
  for (auto* x : {&agent_a, &agent_c, &ctl})
    self->send_exit(*x, caf::exit_reason::user_shutdown);
  run();
}
