#include <doctest/doctest.h>

#include "runtime/cluster/node_agent.hpp"
#include "tests/actors/fixture.hpp"

using namespace pando;

TEST_CASE_FIXTURE(test::actor_fixture, "the node agent describes its node") {
  node_info info;
  info.name = "earth";
  info.boots = 3;
  info.mqtt_advertise = "127.0.0.1:1883";
  auto agent = runtime::spawn_node_agent(sys, info);
  self->send(agent, caf::get_atom_v);
  run();
  node_info got;
  self->receive([&](const node_info& x) { got = x; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK(got.name == "earth");
  CHECK(got.boots == 3);
  CHECK(got.mqtt_advertise == "127.0.0.1:1883");
  self->send_exit(agent, caf::exit_reason::user_shutdown);
  run();
}
