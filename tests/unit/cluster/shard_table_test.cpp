// Unit tests for the pure shard table. Expected numbers are derived by hand
// from the placement rules (see the essay in shard_table.cpp).

#include "runtime/cluster/shard_table.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using namespace pando::runtime;

namespace {

const std::vector<std::string> planet_names{"earth", "mars", "jupiter",
                                            "saturn", "venus"};

std::vector<member> planets(std::size_t n) {
  std::vector<member> result;
  for (std::size_t i = 0; i < n; ++i)
    result.push_back({planet_names[i], i + 1, true});
  return result;
}

/// Every list has `rf` distinct, up members.
void check_lists(const cluster_view& view, std::size_t rf) {
  REQUIRE(view.replicas.size() == view.shards);
  for (const auto& xs : view.replicas) {
    REQUIRE(xs.size() == rf);
    CHECK(std::set<std::uint16_t>(xs.begin(), xs.end()).size() == rf);
    for (auto i : xs)
      CHECK(view.members.at(i).up);
  }
}

/// Owned and followed counts of up members lie within floor/ceil of the mean.
void check_balanced(const cluster_view& view, std::size_t rf) {
  std::size_t n = 0;
  for (const auto& m : view.members)
    n += m.up ? 1 : 0;
  auto lo = view.shards / n;
  auto hi = (view.shards + n - 1) / n;
  auto flo = view.shards * (rf - 1) / n;
  auto fhi = (view.shards * (rf - 1) + n - 1) / n;
  for (const auto& m : view.members) {
    if (!m.up)
      continue;
    CHECK(owned_count(view, m.name) >= lo);
    CHECK(owned_count(view, m.name) <= hi);
    CHECK(followed_count(view, m.name) >= flo);
    CHECK(followed_count(view, m.name) <= fhi);
  }
}

std::size_t owner_changes(const std::vector<shard_move>& moves) {
  return static_cast<std::size_t>(
    std::count_if(moves.begin(), moves.end(),
                  [](const auto& m) { return m.owner_changes(); }));
}

} // namespace

TEST_CASE("initial views are balanced for 1 to 5 members") {
  for (std::uint32_t shards : {1024u, 7u}) {
    for (std::size_t n = 1; n <= 5; ++n) {
      CAPTURE(shards);
      CAPTURE(n);
      auto view = initial_view(shards, 2, planets(n));
      auto rf = std::min<std::size_t>(2, n);
      CHECK(view.epoch == 1);
      check_lists(view, rf);
      check_balanced(view, rf);
    }
  }
}

TEST_CASE("hand-derived counts for 3 members and 1024 shards") {
  // Owners rotate: earth owns s = 0 mod 3 (342 shards), the others 341.
  auto view = initial_view(1024, 2, planets(3));
  CHECK(owned_count(view, "earth") == 342);
  CHECK(owned_count(view, "mars") == 341);
  CHECK(owned_count(view, "jupiter") == 341);
  // 1024 follower slots: 341 + 341 + 342.
  CHECK(followed_count(view, "earth") == 341);
  CHECK(followed_count(view, "mars") == 341);
  CHECK(followed_count(view, "jupiter") == 342);
  CHECK(owner_of(view, 0) == "earth");
  CHECK(followers_of(view, 0) == std::vector<std::string>{"mars"});
  CHECK(followers_of(view, 3) == std::vector<std::string>{"jupiter"});
}

TEST_CASE("small shard counts") {
  auto view = initial_view(7, 2, planets(5));
  std::vector<std::size_t> owned;
  for (const auto& name : planet_names)
    owned.push_back(owned_count(view, name));
  std::sort(owned.begin(), owned.end());
  CHECK(owned == std::vector<std::size_t>{1, 1, 1, 2, 2});
}

TEST_CASE("the replication factor is capped by up members and lifts again") {
  auto view = initial_view(16, 3, planets(2));
  CHECK(view.replication_factor == 3);
  check_lists(view, 2);
  auto grown = apply_join(view, {"jupiter", 3, true});
  CHECK(grown.epoch == 2);
  check_lists(grown, 3);
  check_balanced(grown, 3);
  auto single = initial_view(16, 2, planets(1));
  check_lists(single, 1);
  CHECK(followed_count(single, "earth") == 0);
}

TEST_CASE("a failed owner's shards go to their first follower") {
  auto before = initial_view(1024, 2, planets(3));
  auto after = apply_down(before, "earth");
  CHECK(after.epoch == 2);
  check_lists(after, 2);
  for (std::uint32_t s = 0; s < 1024; ++s)
    if (owner_of(before, s) == "earth")
      CHECK(owner_of(after, s) == followers_of(before, s).at(0));
    else
      CHECK(owner_of(after, s) == owner_of(before, s));
  auto moves = plan_moves(before, after);
  // Ownership moves exactly for earth's 342 shards; every shard earth held
  // (342 owned + 341 followed) gets one new follower.
  CHECK(owner_changes(moves) == 342);
  CHECK(moves.size() == 683);
  // Earth's followers alternate between mars and jupiter: 171 each.
  CHECK(owned_count(after, "mars") == 512);
  CHECK(owned_count(after, "jupiter") == 512);
  CHECK(owned_count(after, "earth") == 0);
  CHECK(followed_count(after, "earth") == 0);
}

TEST_CASE("small cluster failure and leave") {
  auto before = initial_view(7, 2, planets(3));
  auto down = apply_down(before, "mars");
  check_lists(down, 2);
  for (std::uint32_t s = 0; s < 7; ++s)
    if (owner_of(before, s) == "mars")
      CHECK(owner_of(down, s) == followers_of(before, s).at(0));
  auto left = apply_leave(before, "mars");
  CHECK(left.members.size() == 2);
  check_lists(left, 2);
  for (std::uint32_t s = 0; s < 7; ++s)
    CHECK(owner_of(left, s) == owner_of(down, s));
}

TEST_CASE("a join moves about S / (N + 1) ownerships and rebalances") {
  auto before = initial_view(1024, 2, planets(3));
  auto after = apply_join(before, {"saturn", 4, true});
  check_lists(after, 2);
  check_balanced(after, 2);
  CHECK(owned_count(after, "saturn") == 256);
  auto moves = plan_moves(before, after);
  // Saturn takes exactly 1024 / 4 ownerships and 1024 / 4 follower slots,
  // on distinct shards; nothing else changes: 512 shards, all copies to
  // saturn, the minimum for its fair share.
  CHECK(owner_changes(moves) == 256);
  CHECK(moves.size() == 512);
  CHECK(followed_count(after, "saturn") == 256);
  MESSAGE("join 3->4: " << owner_changes(moves) << " ownerships, "
                        << moves.size() << " shards changed");
}

TEST_CASE("step_towards walks to the target eight shards at a time") {
  auto current = initial_view(1024, 2, planets(3));
  auto target = apply_join(current, {"saturn", 4, true});
  auto total = plan_moves(current, target).size();
  std::size_t steps = 0;
  while (!plan_moves(current, target).empty()) {
    auto next = step_towards(current, target, 8);
    CHECK(next.epoch == current.epoch + 1);
    CHECK(plan_moves(current, next).size() <= 8);
    check_lists(next, 2);
    current = next;
    ++steps;
  }
  CHECK(total == 512);
  CHECK(steps == (total + 7) / 8); // 64 steps
  CHECK(current.replicas == target.replicas);
}

TEST_CASE("the controller is the oldest up member") {
  std::vector<member> ms{
    {"mars", 3, true}, {"earth", 1, true}, {"jupiter", 2, true}};
  auto view = initial_view(8, 2, ms);
  CHECK(controller_of(view) == "earth");
  CHECK(controller_of(apply_down(view, "earth")) == "jupiter");
}

TEST_CASE("majority rule") {
  auto three = initial_view(8, 2, planets(3));
  CHECK(has_majority(three, {"earth", "mars"}));
  CHECK_FALSE(has_majority(three, {"earth"}));
  auto four = initial_view(8, 2, planets(4));
  CHECK_FALSE(has_majority(four, {"earth", "mars"}));
  CHECK(has_majority(four, {"earth", "mars", "jupiter"}));
}

TEST_CASE("growing from 1 to 5 members one join at a time") {
  // The newcomer climbs to floor(1024 / (N + 1)) while the rest level down.
  const std::vector<std::size_t> expected{512, 341, 256, 204};
  auto all = planets(5);
  auto view = initial_view(1024, 2, {all[0]});
  for (std::size_t n = 1; n < 5; ++n) {
    CAPTURE(n);
    auto next = apply_join(view, all[n]);
    check_lists(next, 2);
    check_balanced(next, 2);
    auto moves = plan_moves(view, next);
    CHECK(owned_count(next, all[n].name) == expected[n - 1]);
    CHECK(owner_changes(moves) == expected[n - 1]);
    view = next;
  }
}

TEST_CASE("a failed member rejoins") {
  auto view = initial_view(1024, 2, planets(3));
  auto down = apply_down(view, "mars");
  CHECK(controller_of(down) == "earth");
  CHECK(has_majority(view, {"earth", "jupiter"}));
  auto back = apply_join(down, {"mars", 4, true});
  CHECK(back.epoch == 3);
  CHECK(back.members.size() == 3);
  check_lists(back, 2);
  check_balanced(back, 2);
  CHECK(owner_changes(plan_moves(down, back)) == owned_count(back, "mars"));
}

TEST_CASE("unknown names change nothing but the epoch") {
  auto view = initial_view(7, 2, planets(3));
  auto same = apply_leave(view, "pluto");
  CHECK(same.epoch == 2);
  CHECK(plan_moves(view, same).empty());
  CHECK(owned_count(view, "pluto") == 0);
}

TEST_CASE("a refilled replica is syncing until it reports its copy") {
  auto view = initial_view(64, 2, planets(3));
  CHECK(view.syncing.empty());
  auto down = apply_down(view, "earth");
  std::size_t syncing = 0;
  for (std::uint32_t s = 0; s < 64; ++s) {
    const auto& xs = down.replicas[s];
    // Owners are in sync: the promoted follower held the data.
    CHECK_FALSE(down.is_syncing(s, xs[0]));
    // A follower is syncing exactly when earth was in the list before.
    auto had_earth
      = owner_of(view, s) == "earth" || followers_of(view, s).at(0) == "earth";
    CHECK(down.is_syncing(s, xs[1]) == had_earth);
    syncing += had_earth ? 1 : 0;
  }
  CHECK(syncing == 43); // earth's 22 owned + 21 followed of 64
  for (std::uint32_t s = 0; s < 64; ++s)
    mark_synced(down, s, followers_of(down, s).at(0));
  CHECK(down.syncing.empty());
  CHECK_FALSE(mark_synced(down, 0, "mars")); // nothing left to mark
}

TEST_CASE("a second failure before the copy keeps the shard where its data "
          "is") {
  auto view = initial_view(64, 2, planets(3));
  auto one = apply_down(view, "earth");
  auto two = apply_down(one, "mars");
  std::size_t kept = 0;
  for (std::uint32_t s = 0; s < 64; ++s) {
    const auto& xs = one.replicas[s];
    auto mars_only
      = one.members[xs[0]].name == "mars" && one.is_syncing(s, xs[1]);
    if (mars_only) {
      // Jupiter never copied it: mars, though down, stays its owner.
      CHECK(owner_of(two, s) == "mars");
      ++kept;
    } else {
      CHECK(owner_of(two, s) == "jupiter");
    }
  }
  // Exactly the shards earth and mars held together: jupiter was copying
  // each of them when mars failed.
  std::size_t together = 0;
  for (std::uint32_t s = 0; s < 64; ++s) {
    std::set<std::string> names{owner_of(view, s), followers_of(view, s).at(0)};
    together += names == std::set<std::string>{"earth", "mars"} ? 1 : 0;
  }
  CHECK(kept == together);
  CHECK(kept > 0);
  // Mars comes back: it owns them again, and the rest rebalances.
  auto back = apply_join(two, {"mars", 4, true});
  for (std::uint32_t s = 0; s < 64; ++s)
    if (owner_of(two, s) == "mars")
      CHECK(owner_of(back, s) == "mars");
  // No step hands one of them to jupiter while mars is down.
  auto step = step_towards(two, apply_join(two, {"venus", 5, true}), 64);
  for (std::uint32_t s = 0; s < 64; ++s)
    if (owner_of(two, s) == "mars")
      CHECK(followers_of(step, s) == followers_of(two, s));
}

TEST_CASE("a leave renumbers the syncing replicas with the members") {
  auto view = initial_view(64, 2, planets(4));
  auto down = apply_down(view, "mars");
  auto left = apply_leave(down, "earth");
  REQUIRE(left.members.size() == 3);
  for (std::uint32_t s = 0; s < 64; ++s)
    for (auto i : left.replicas[s]) {
      REQUIRE(i < left.members.size());
      // In sync exactly when it was an in-sync replica of s before.
      auto before = std::find_if(down.members.begin(), down.members.end(),
                                 [&](const member& m) {
                                   return m.name == left.members[i].name;
                                 })
                    - down.members.begin();
      auto listed
        = std::find(down.replicas[s].begin(), down.replicas[s].end(), before)
          != down.replicas[s].end();
      CHECK(
        left.is_syncing(s, i)
        == (!listed || down.is_syncing(s, static_cast<std::uint16_t>(before))));
    }
}

TEST_CASE("a member with the only in-sync copy of a shard is counted") {
  auto view = initial_view(64, 2, planets(3));
  CHECK(sole_copies(view, "earth") == 0);
  auto down = apply_down(view, "mars");
  // Each shard mars held has one in-sync replica left, the member it held
  // it with, until the refilled follower copies it.
  auto together = [&view](const std::string& other) {
    std::size_t n = 0;
    for (std::uint32_t s = 0; s < 64; ++s) {
      std::set<std::string> names{owner_of(view, s),
                                  followers_of(view, s).at(0)};
      n += names == std::set<std::string>{"mars", other} ? 1 : 0;
    }
    return n;
  };
  CHECK(sole_copies(down, "earth") == together("earth"));
  CHECK(sole_copies(down, "jupiter") == together("jupiter"));
  CHECK(together("earth") + together("jupiter")
        == owned_count(view, "mars") + followed_count(view, "mars"));
  CHECK(sole_copies(down, "pluto") == 0);
  for (std::uint32_t s = 0; s < 64; ++s)
    mark_synced(down, s, followers_of(down, s).at(0));
  CHECK(sole_copies(down, "earth") == 0);
}
