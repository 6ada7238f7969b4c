#pragma once

// A thin doctest fixture over CAF's deterministic test scheduler: actors run
// only when the test calls `run()`, and time moves only with `advance()`.

#include <chrono>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/type_ids.hpp"

namespace pando::test {

struct actor_fixture {
  static caf::actor_system_config& make_config(caf::actor_system_config& cfg) {
    cfg.add_message_types<caf::id_block::pando>();
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    return cfg;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys{make_config(cfg)};
  caf::scheduler::test_coordinator& sched
    = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys};

  /// Runs every pending job; returns how many ran.
  size_t run() { return sched.run(); }

  /// Moves the fake clock forward and runs what became due.
  void advance(caf::timespan d) {
    sched.advance_time(d);
    run();
  }
};

} // namespace pando::test
