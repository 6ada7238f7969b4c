// The replica actor on CAF's test scheduler: a shard copy streamed in
// chunks, a live write held until the copy is in, and fencing.

#include <doctest/doctest.h>

#include <array>
#include <map>

#include <caf/all.hpp>

#include "actors/device/ids.hpp"
#include "actors/storage/replica_actor.hpp"
#include "actors/storage/storage_actor.hpp"
#include "actors/type_ids.hpp"
#include "storage/kv_store.hpp"
#include "tests/actors/fixture.hpp"

using namespace pando;
using storage::column;

namespace {

using records = std::map<std::pair<int, std::string>, std::string>;

/// Every record of `store` in the four copied columns.
records all_of(storage::kv_store& store) {
  records out;
  for (auto col :
       {column::devices, column::history, column::commands, column::rules})
    REQUIRE(store.scan(
      col, storage::key_range{}, [&](std::string_view k, std::string_view v) {
        out[{static_cast<int>(col), std::string{k}}] = std::string{v};
        return true;
      }));
  return out;
}

void put(storage::kv_store& store, column col, const std::string& key,
         const std::string& value) {
  storage::write_batch b;
  b.put(col, key, value);
  REQUIRE(store.write(b));
}

} // namespace

TEST_CASE_FIXTURE(test::actor_fixture,
                  "a shard is copied in chunks and live writes wait for it") {
  std::shared_ptr<storage::kv_store> a_store = storage::make_memory_store();
  std::shared_ptr<storage::kv_store> b_store = storage::make_memory_store();
  auto five = shard_key_prefix(shard_id{5});
  auto six = shard_key_prefix(shard_id{6});
  // The source: 40 records of shard 5 over all four columns (about 2 KB),
  // and one of shard 6 that must not travel.
  records expected;
  for (int i = 0; i < 40; ++i) {
    auto col = std::array{column::devices, column::history, column::commands,
                          column::rules}[i % 4];
    auto key = five + "00000000000000" + std::to_string(10 + i) + "/k";
    auto value = std::string(40, static_cast<char>('a' + i % 26));
    put(*a_store, col, key, value);
    expected[{static_cast<int>(col), key}] = value;
  }
  put(*a_store, column::devices, six + "x", "not copied");
  // The receiver holds a stale record of shard 5 (gone at the source) and
  // one of shard 6 (untouched).
  put(*b_store, column::history, five + "stale", "old");
  put(*b_store, column::devices, six + "y", "mine");
  auto a_storage = spawn_storage_actor(sys, a_store, false);
  auto b_storage = spawn_storage_actor(sys, b_store, false);
  // 256-byte chunks: the copy takes several messages.
  auto a = spawn_replica_actor(sys, a_storage, 256);
  auto b = spawn_replica_actor(sys, b_storage, 256);
  std::vector<std::string> owners(16, "a");
  self->send(a, view_atom_v, std::uint64_t{3}, owners,
             std::vector<std::uint32_t>{});
  self->send(b, view_atom_v, std::uint64_t{3}, owners,
             std::vector<std::uint32_t>{5});
  run();

  // Chunks as the source's storage serves them: several, none larger than
  // the limit plus one record, together exactly the shard.
  std::string cursor;
  std::size_t chunks = 0;
  records streamed;
  for (bool done = false; !done && chunks < 100; ++chunks) {
    self->send(a_storage, shard_atom_v, five, cursor, std::uint64_t{256});
    run();
    self->receive(
      [&](const storage::write_batch& batch, const std::string& next,
          bool last) {
        std::size_t bytes = 0;
        for (const auto& op : batch.ops())
          if (op.kind == storage::write_batch::op_kind::put) {
            streamed[{static_cast<int>(op.col), op.key}] = op.value;
            bytes += op.key.size() + op.value.size();
          }
        CHECK(bytes < 256 + 100);
        cursor = next;
        done = last;
      },
      caf::after(std::chrono::seconds(0)) >> [] { FAIL("no chunk"); });
  }
  CHECK(chunks >= 8);
  CHECK(streamed == expected);

  // A live write for shard 5 reaches b before the copy: it waits for it.
  storage::write_batch live;
  live.put(column::devices, five + "live", "new");
  self->send(b, replicate_atom_v, std::uint64_t{3}, std::uint32_t{5},
             std::string{"a"}, live);
  run();
  CHECK_FALSE(b_store->get(column::devices, five + "live")->has_value());
  self->send(b, pull_atom_v, std::uint32_t{5}, a, std::uint64_t{3});
  run();
  int oks = 0;
  for (int i = 0; i < 2; ++i)
    self->receive([&](caf::ok_atom) { ++oks; },
                  caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK(oks == 2); // the pull and the held write
  auto got = all_of(*b_store);
  auto want = expected;
  want[{static_cast<int>(column::devices), five + "live"}] = "new";
  want[{static_cast<int>(column::devices), six + "y"}] = "mine";
  CHECK(got == want); // the stale record is gone, shard 6 kept

  // Fencing: a write from a deposed owner of an older view is refused.
  owners[5] = "b";
  self->send(b, view_atom_v, std::uint64_t{4}, owners,
             std::vector<std::uint32_t>{});
  self->send(b, replicate_atom_v, std::uint64_t{3}, std::uint32_t{5},
             std::string{"a"}, live);
  run();
  bool refused = false;
  self->receive([&](caf::ok_atom) {},
                [&](const caf::error& err) {
                  refused = err.category() == caf::atom("pando")
                            && static_cast<errc>(err.code()) == errc::conflict;
                },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CHECK(refused);

  // A write naming a view b has not adopted yet waits for that view.
  storage::write_batch early;
  early.put(column::devices, six + "early", "1");
  self->send(b, replicate_atom_v, std::uint64_t{5}, std::uint32_t{6},
             std::string{"b"}, early);
  run();
  CHECK_FALSE(b_store->get(column::devices, six + "early")->has_value());
  self->send(b, view_atom_v, std::uint64_t{5}, owners,
             std::vector<std::uint32_t>{});
  run();
  CHECK(b_store->get(column::devices, six + "early")->has_value());

  for (auto* x : {&a, &b, &a_storage, &b_storage})
    self->send_exit(*x, caf::exit_reason::user_shutdown);
  run();
}
