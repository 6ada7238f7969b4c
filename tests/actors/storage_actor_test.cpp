#include <doctest/doctest.h>

#include "actors/storage/storage_actor.hpp"
#include "storage/kv_store.hpp"
#include "tests/actors/fixture.hpp"

using namespace pando;
using storage::column;

TEST_CASE_FIXTURE(test::actor_fixture, "the storage actor writes and reads") {
  std::shared_ptr<storage::kv_store> store = storage::make_memory_store();
  auto st = spawn_storage_actor(sys, store, false);
  self->send(st, caf::put_atom_v, column::devices, std::string{"k"},
             std::string{"v"});
  CHECK(run() > 0);
  bool acked = false;
  self->receive([&](caf::ok_atom) { acked = true; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK(acked);
  // The write reached the store itself, not just the actor.
  auto direct = store->get(column::devices, "k");
  REQUIRE(direct.ok());
  CHECK(*direct == std::optional<std::string>{"v"});
  self->send(st, caf::get_atom_v, column::devices, std::string{"k"});
  run();
  std::optional<std::string> got;
  self->receive(
    [&](bool found, const std::string& value) {
      if (found)
        got = value;
    },
    caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK(got == "v");
  self->send(st, caf::get_atom_v, column::devices, std::string{"absent"});
  run();
  bool found_absent = true;
  self->receive([&](bool found, const std::string&) { found_absent = found; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK_FALSE(found_absent);
  self->send_exit(st, caf::exit_reason::user_shutdown);
  run();
}

TEST_CASE_FIXTURE(test::actor_fixture, "a write batch is applied as a whole") {
  std::shared_ptr<storage::kv_store> store = storage::make_memory_store();
  REQUIRE(store->put(column::devices, "old", "x").ok());
  auto st = spawn_storage_actor(sys, store, false);
  storage::write_batch batch;
  batch.put(column::devices, "a", "1");
  batch.put(column::history, "b", "2");
  batch.erase(column::devices, "old");
  self->send(st, caf::put_atom_v, batch);
  run();
  bool acked = false;
  self->receive([&](caf::ok_atom) { acked = true; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK(acked);
  CHECK(*store->get(column::devices, "a") == std::optional<std::string>{"1"});
  CHECK(*store->get(column::history, "b") == std::optional<std::string>{"2"});
  CHECK(*store->get(column::devices, "old") == std::nullopt);
  self->send_exit(st, caf::exit_reason::user_shutdown);
  run();
}
