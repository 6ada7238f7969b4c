// The rules actor on the deterministic scheduler: timer rules fire at their
// minute, actions go through the router to the target, and every firing is
// reported to the owner. The registry, router and device actors are
// stand-ins that record what they receive.

#include <doctest/doctest.h>

#include "actors/device/command_record.hpp"
#include "actors/device/device_record.hpp"
#include "actors/rules/rule.hpp"
#include "actors/rules/rules_actor.hpp"
#include "actors/storage/storage_actor.hpp"
#include "storage/kv_store.hpp"
#include "tests/actors/fixture.hpp"

using namespace pando;
using namespace std::chrono_literals;

namespace {

/// What the stand-in device actor received.
struct device_log {
  std::vector<downstream> deliveries;
  std::vector<std::pair<std::uint64_t, std::string>> firings;
};

caf::behavior fake_device(caf::event_based_actor*,
                          std::shared_ptr<device_log> log) {
  return {
    [log](deliver_atom, downstream& msg, std::int64_t) {
      log->deliveries.push_back(msg);
      command_status st;
      st.id = log->deliveries.size();
      return st;
    },
    [log](deliver_atom, downstream& msg) {
      log->deliveries.push_back(msg);
      return caf::ok_atom_v;
    },
    [log](fired_atom, std::uint64_t id, std::string& result, std::int64_t) {
      log->firings.emplace_back(id, std::move(result));
    },
  };
}

caf::behavior fake_router(caf::event_based_actor*, caf::actor dev) {
  return {[dev](route_atom, device_id) { return dev; }};
}

/// Answers (get, "application", id) with an application of `*domain`, or
/// an error once `*domain` is empty.
caf::behavior fake_registry(caf::event_based_actor*,
                            std::shared_ptr<std::string> domain) {
  return {
    [domain](caf::get_atom, const std::string&,
             std::int64_t id) -> caf::result<std::string> {
      if (domain->empty())
        return caf::make_error(errc::not_found, "no such application");
      return nlohmann::json{{"id", id}, {"domain", *domain}}.dump();
    },
  };
}

struct rules_fixture : test::actor_fixture {
  std::shared_ptr<storage::kv_store> store = storage::make_memory_store();
  caf::actor storage_actor = spawn_storage_actor(sys, store, false);
  // 2024-01-01 12:00:30 UTC
  std::int64_t clock_ms = 1'704'110'430'000;
  std::shared_ptr<device_log> log = std::make_shared<device_log>();
  std::shared_ptr<std::string> domain = std::make_shared<std::string>("*");
  caf::actor dev = sys.spawn(fake_device, log);
  caf::actor router = sys.spawn(fake_router, dev);
  caf::actor registry = sys.spawn(fake_registry, domain);
  device_id owner = device_id_of("1-1-owner");
  caf::actor rules;

  void start() {
    rules_settings rs;
    rs.now_ms = [this] { return clock_ms; };
    rs.utc_offset_minutes = [](std::int64_t) { return 0; };
    rules = spawn_rules_actor(sys, rs, storage_actor, registry, nullptr);
    self->send(rules, route_atom_v, router);
    run();
  }

  ~rules_fixture() {
    for (auto* a : {&rules, &dev, &router, &registry, &storage_actor})
      if (*a)
        self->send_exit(*a, caf::exit_reason::user_shutdown);
    run();
  }

  /// Moves both clocks.
  void pass(std::chrono::milliseconds d) {
    clock_ms += d.count();
    advance(d);
  }

  static rules::rule timer(std::uint64_t id, std::string trigger) {
    rules::rule r;
    r.id = id;
    r.type = "timer";
    r.trigger = std::move(trigger);
    r.target = "device/1-1-target/command";
    r.target_identifier = "1-1-target";
    r.target_kind = "command";
    r.app_id = 7;
    r.payload = std::string(33, '\0');
    return r;
  }

  std::uint64_t scheduled() {
    self->send(rules, caf::get_atom_v);
    run();
    std::uint64_t n = 0;
    self->receive([&](std::uint64_t x) { n = x; }, caf::after(0s) >> [] {});
    return n;
  }
};

} // namespace

TEST_CASE_FIXTURE(rules_fixture, "a timer rule fires at its minute") {
  start();
  self->send(rules, rule_atom_v, caf::put_atom_v, owner,
             rules::to_json(timer(1, "1 12 * * *")));
  run();
  CHECK(scheduled() == 1);
  pass(29s);
  CHECK(log->deliveries.empty());
  pass(1s); // 12:01:00
  REQUIRE(log->deliveries.size() == 1);
  const auto& msg = log->deliveries[0];
  CHECK(msg.topic == "c");
  CHECK(msg.stamp_token);
  // The timestamp field carries the firing time in seconds.
  std::uint64_t ts = 0;
  for (int i = 1; i <= 8; ++i)
    ts = (ts << 8) | static_cast<unsigned char>(msg.payload[i]);
  CHECK(ts == static_cast<std::uint64_t>(clock_ms / 1000));
  REQUIRE(log->firings.size() == 1);
  CHECK(log->firings[0] == std::pair<std::uint64_t, std::string>{1, "ok"});
  // Next firing: tomorrow, not within the next hours.
  pass(6h);
  CHECK(log->deliveries.size() == 1);
}

TEST_CASE_FIXTURE(rules_fixture, "stored timer rules are scheduled at start") {
  store->put(storage::column::rules,
             device_key_prefix(owner, 1024) + to_hex16(3),
             rules::to_json(timer(3, "*/2 * * * *")));
  auto off = timer(4, "* * * * *");
  off.enabled = false;
  store->put(storage::column::rules,
             device_key_prefix(owner, 1024) + to_hex16(4), rules::to_json(off));
  start();
  CHECK(scheduled() == 1); // the disabled rule waits
  pass(90s);               // 12:02:00
  CHECK(log->deliveries.size() == 1);
  pass(120s); // 12:04:00
  CHECK(log->deliveries.size() == 2);
}

TEST_CASE_FIXTURE(rules_fixture, "deleted and rescheduled rules") {
  start();
  self->send(rules, rule_atom_v, caf::put_atom_v, owner,
             rules::to_json(timer(1, "* * * * *")));
  self->send(rules, rule_atom_v, caf::delete_atom_v, owner, std::uint64_t{1});
  run();
  pass(5min);
  CHECK(log->deliveries.empty());
  // Rescheduling replaces the earlier schedule instead of adding one.
  self->send(rules, rule_atom_v, caf::put_atom_v, owner,
             rules::to_json(timer(2, "* * * * *")));
  self->send(rules, rule_atom_v, caf::put_atom_v, owner,
             rules::to_json(timer(2, "*/10 * * * *")));
  run();
  pass(4min + 30s); // 12:10:00
  CHECK(log->deliveries.size() == 1);
}

TEST_CASE_FIXTURE(rules_fixture, "a once rule fires once") {
  start();
  auto r = timer(1, "* * * * *");
  r.once = true;
  self->send(rules, rule_atom_v, caf::put_atom_v, owner, rules::to_json(r));
  run();
  pass(5min);
  CHECK(log->deliveries.size() == 1);
  CHECK(scheduled() == 0);
}

TEST_CASE_FIXTURE(rules_fixture, "the application is checked at firing") {
  start();
  auto r = timer(1, "* * * * *");
  r.target_kind = "status";
  *domain = "product/99"; // no longer covers 1-1-target
  self->send(rules, fire_atom_v, owner, rules::to_json(r));
  run();
  CHECK(log->deliveries.empty());
  REQUIRE(log->firings.size() == 1);
  CHECK(log->firings[0].second.find("no longer access") != std::string::npos);
  domain->clear(); // the application was deleted
  self->send(rules, fire_atom_v, owner, rules::to_json(r));
  run();
  CHECK(log->deliveries.empty());
  REQUIRE(log->firings.size() == 2);
  CHECK(log->firings[1].second == "the application no longer exists");
  *domain = "product/1";
  self->send(rules, fire_atom_v, owner, rules::to_json(r));
  run();
  REQUIRE(log->deliveries.size() == 1);
  CHECK(log->deliveries[0].topic == "s");
}
