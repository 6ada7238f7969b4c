// Shard table: placement, repair and rate-limited rebalancing.
//
// A view maps each shard to an ordered replica list `[owner, follower...]` of
// indexes into `members`. Invariants of every view built here:
//
// - each list holds min(rf, up members) distinct members, all of them up,
//   except a list none of whose in-sync replicas is up: it keeps its failed
//   members (the shard is unavailable until one returns) rather than hand
//   the shard to replicas that never copied it;
// - the order is the promotion order: when the owner fails, the first
//   in-sync follower (which holds the data) becomes owner;
// - a replica new to a list is syncing (`cluster_view::syncing`) until the
//   controller hears that it copied the shard (`mark_synced`); every function
//   here derives that from the view it started from (`carry_sync`);
// - views never change; every new view carries epoch + 1.
//
// The initial placement is a rotation: shard s is owned by up member s mod N,
// and its followers walk the other members with an offset that rotates with
// s / N, so that a failed owner's shards spread over all survivors. A final
// follower pass levels follower counts to within one.
//
// Repair (`apply_down`, `apply_leave`) only drops the failed member from each
// list and appends a new follower (least loaded first) where one is missing:
// ownership moves exactly for the failed member's shards and no data moves
// apart from the follower refills.
//
// `apply_join` refills, then levels ownership: while the most and least
// loaded members differ by more than one, one shard of the most loaded moves
// to the least loaded (preferring a shard it already follows, which costs a
// promotion instead of a copy). Followers are levelled the same way. With a
// newcomer at zero this moves about S / (N + 1) ownerships.
//
// `plan_moves` diffs two views per shard and `step_towards` applies the first
// `max_moves` diffs, so the controller can walk to the target a few shards at
// a time, each step being a new view.

#include "runtime/cluster/shard_table.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace pando::runtime {

namespace {

using replica_list = std::vector<std::uint16_t>;

std::vector<std::uint16_t> up_indexes(const cluster_view& view) {
  std::vector<std::uint16_t> result;
  for (std::size_t i = 0; i < view.members.size(); ++i)
    if (view.members[i].up)
      result.push_back(static_cast<std::uint16_t>(i));
  return result;
}

std::size_t effective_rf(const cluster_view& view) {
  return std::min<std::size_t>(view.replication_factor,
                               up_indexes(view).size());
}

bool contains(const replica_list& xs, std::uint16_t x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

/// Per-member counts of owned (position 0) or followed (position > 0) slots.
std::vector<std::size_t> load(const cluster_view& view, bool owners) {
  std::vector<std::size_t> result(view.members.size(), 0);
  for (const auto& xs : view.replicas)
    for (std::size_t pos = 0; pos < xs.size(); ++pos)
      if ((pos == 0) == owners)
        ++result[xs[pos]];
  return result;
}

/// Returns the up member with the smallest count not in `exclude`, if any.
std::optional<std::uint16_t> least_loaded(const cluster_view& view,
                                          const std::vector<std::size_t>& cnt,
                                          const replica_list& exclude) {
  std::optional<std::uint16_t> best;
  for (auto i : up_indexes(view))
    if (!contains(exclude, i) && (!best || cnt[i] < cnt[*best]))
      best = i;
  return best;
}

/// Drops replicas that are not up, promotes an in-sync follower where the
/// owner failed, trims to the effective rf and refills missing slots with
/// the least loaded members. A list without an in-sync replica that is up
/// stays as it is.
void repair(cluster_view& view) {
  auto rf = effective_rf(view);
  auto owned = load(view, true);
  auto followed = load(view, false);
  for (std::uint32_t s = 0; s < view.replicas.size(); ++s) {
    auto& xs = view.replicas[s];
    if (xs.empty()) {
      if (rf == 0)
        continue; // nobody is up
      xs.push_back(*least_loaded(view, owned, xs));
      ++owned[xs[0]];
    } else {
      if (!view.has_in_sync_replica_up(s))
        continue; // unavailable until an in-sync replica returns
      auto owner_lost = !view.members[xs[0]].up;
      std::erase_if(xs, [&](std::uint16_t i) { return !view.members[i].up; });
      if (owner_lost) {
        auto first = std::find_if(xs.begin(), xs.end(), [&](std::uint16_t i) {
          return !view.is_syncing(s, i);
        });
        std::rotate(xs.begin(), first, first + 1);
      }
      while (xs.size() > rf) {
        // Trim syncing followers first: they hold the least.
        auto it
          = std::find_if(xs.rbegin(), xs.rend() - 1, [&](std::uint16_t i) {
              return view.is_syncing(s, i);
            });
        if (it != xs.rend() - 1)
          xs.erase(std::next(it).base());
        else
          xs.pop_back();
      }
    }
    while (xs.size() < rf) {
      auto pick = *least_loaded(view, followed, xs);
      xs.push_back(pick);
      ++followed[pick];
    }
  }
}

/// Returns (most loaded, least loaded) among up members.
std::pair<std::uint16_t, std::uint16_t>
extremes(const cluster_view& view, const std::vector<std::size_t>& cnt) {
  auto up = up_indexes(view);
  auto hi = up.front();
  auto lo = up.front();
  for (auto i : up) {
    if (cnt[i] > cnt[hi])
      hi = i;
    if (cnt[i] < cnt[lo])
      lo = i;
  }
  return {hi, lo};
}

/// Moves one ownership from `hi` to `lo`; returns false if none can move.
bool move_ownership(cluster_view& view, std::uint16_t hi, std::uint16_t lo) {
  // Cheap first: `lo` already follows the shard in sync.
  for (std::uint32_t s = 0; s < view.replicas.size(); ++s) {
    auto& xs = view.replicas[s];
    if (!xs.empty() && xs[0] == hi && !view.is_syncing(s, lo))
      if (auto it = std::find(xs.begin(), xs.end(), lo); it != xs.end()) {
        std::iter_swap(xs.begin(), it);
        return true;
      }
  }
  for (std::uint32_t s = 0; s < view.replicas.size(); ++s) {
    auto& xs = view.replicas[s];
    if (!xs.empty() && xs[0] == hi && !contains(xs, lo)) {
      xs[0] = lo;
      return true;
    }
  }
  return false;
}

/// Moves one follower slot from `hi` to `lo`; returns false if none can.
bool move_follower(cluster_view& view, std::uint16_t hi, std::uint16_t lo) {
  for (std::uint32_t s = 0; s < view.replicas.size(); ++s) {
    auto& xs = view.replicas[s];
    if (xs.empty())
      continue;
    auto it = std::find(xs.begin() + 1, xs.end(), hi);
    if (it != xs.end() && !contains(xs, lo)) {
      *it = lo;
      return true;
    }
  }
  return false;
}

/// Levels owned (or followed) counts to within one.
void level(cluster_view& view, bool owners) {
  if (up_indexes(view).empty())
    return;
  for (;;) {
    auto [hi, lo] = extremes(view, load(view, owners));
    auto cnt = load(view, owners);
    if (cnt[hi] <= cnt[lo] + 1)
      return;
    if (!(owners ? move_ownership(view, hi, lo) : move_follower(view, hi, lo)))
      return;
  }
}

cluster_view next_of(const cluster_view& view) {
  auto result = view;
  ++result.epoch;
  return result;
}

std::vector<std::string> names_of(const cluster_view& view,
                                  const replica_list& xs) {
  std::vector<std::string> result;
  for (auto i : xs)
    result.push_back(view.members[i].name);
  return result;
}

std::optional<std::uint16_t> index_of(const cluster_view& view,
                                      const std::string& name) {
  for (std::size_t i = 0; i < view.members.size(); ++i)
    if (view.members[i].name == name)
      return static_cast<std::uint16_t>(i);
  return std::nullopt;
}

/// Sets `after.syncing` from `before`: a replica of shard `s` in `after` is
/// in sync if it was an in-sync replica of `s` in `before` (by name), or if
/// `s` had no replica in `before` (there was nothing to copy).
void carry_sync(const cluster_view& before, cluster_view& after) {
  after.syncing.assign(after.replicas.size(), {});
  auto any = false;
  for (std::uint32_t s = 0; s < after.replicas.size(); ++s) {
    if (s >= before.replicas.size() || before.replicas[s].empty())
      continue;
    for (auto i : after.replicas[s]) {
      auto b = index_of(before, after.members[i].name);
      if (!b || !contains(before.replicas[s], *b) || before.is_syncing(s, *b)) {
        after.syncing[s].push_back(i);
        any = true;
      }
    }
  }
  if (!any)
    after.syncing.clear();
}

} // namespace

bool shard_move::owner_changes() const {
  return before.empty() != after.empty()
         || (!before.empty() && before[0] != after[0]);
}

cluster_view initial_view(std::uint32_t shards,
                          std::uint32_t replication_factor,
                          std::vector<member> members) {
  cluster_view view{1, std::move(members), shards, replication_factor, {}};
  auto up = up_indexes(view);
  auto n = up.size();
  auto rf = effective_rf(view);
  view.replicas.resize(shards);
  for (std::size_t s = 0; n > 0 && s < shards; ++s) {
    auto owner = s % n;
    auto rotation = n > 1 ? (s / n) % (n - 1) : 0;
    auto& xs = view.replicas[s];
    xs.push_back(up[owner]);
    for (std::size_t k = 1; k < rf; ++k)
      xs.push_back(up[(owner + 1 + (rotation + k - 1) % (n - 1)) % n]);
  }
  level(view, false);
  return view;
}

cluster_view apply_join(const cluster_view& view, member m) {
  auto result = next_of(view);
  if (auto i = index_of(result, m.name))
    result.members[*i] = std::move(m);
  else
    result.members.push_back(std::move(m));
  repair(result);
  level(result, true);
  level(result, false);
  carry_sync(view, result);
  return result;
}

cluster_view apply_down(const cluster_view& view, const std::string& name) {
  auto result = next_of(view);
  if (auto i = index_of(result, name))
    result.members[*i].up = false;
  repair(result);
  carry_sync(view, result);
  return result;
}

cluster_view apply_leave(const cluster_view& view, const std::string& name) {
  auto result = apply_down(view, name);
  auto gone = index_of(result, name);
  if (!gone)
    return result;
  result.members.erase(result.members.begin() + *gone);
  for (auto& xs : result.replicas) {
    // A list it was kept in (it held the only copy) loses it too: a member
    // that leaves is gone for good.
    std::erase(xs, *gone);
    for (auto& i : xs)
      if (i > *gone)
        --i;
  }
  result.syncing.clear();
  carry_sync(view, result);
  return result;
}

std::vector<shard_move> plan_moves(const cluster_view& from,
                                   const cluster_view& to) {
  std::vector<shard_move> result;
  for (std::uint32_t s = 0; s < to.shards; ++s) {
    auto before = s < from.replicas.size() ? names_of(from, from.replicas[s])
                                           : std::vector<std::string>{};
    auto after = names_of(to, to.replicas[s]);
    if (before != after)
      result.push_back({s, std::move(before), std::move(after)});
  }
  return result;
}

cluster_view step_towards(const cluster_view& current,
                          const cluster_view& target, std::size_t max_moves) {
  // Every shard starts from its current list (target's members adopted at
  // once); the first `max_moves` that differ from the target and still have
  // an in-sync replica up (a source to copy from) take the target's list.
  auto result = target;
  result.epoch = current.epoch + 1;
  for (std::uint32_t s = 0; s < result.replicas.size(); ++s) {
    auto& xs = result.replicas[s];
    xs.clear();
    if (s < current.replicas.size())
      for (auto i : current.replicas[s])
        if (auto j = index_of(result, current.members[i].name))
          xs.push_back(*j);
  }
  carry_sync(current, result);
  std::size_t applied = 0;
  for (const auto& mv : plan_moves(result, target)) {
    if (applied == max_moves)
      break;
    if (!result.has_in_sync_replica_up(mv.shard))
      continue;
    result.replicas[mv.shard] = target.replicas[mv.shard];
    ++applied;
  }
  carry_sync(current, result);
  repair(result);
  carry_sync(current, result);
  return result;
}

bool mark_synced(cluster_view& view, std::uint32_t shard,
                 const std::string& name) {
  auto i = index_of(view, name);
  if (!i || shard >= view.syncing.size())
    return false;
  auto& xs = view.syncing[shard];
  auto it = std::find(xs.begin(), xs.end(), *i);
  if (it == xs.end())
    return false;
  xs.erase(it);
  if (std::all_of(view.syncing.begin(), view.syncing.end(),
                  [](const auto& v) { return v.empty(); }))
    view.syncing.clear();
  return true;
}

std::string controller_of(const cluster_view& view) {
  const member* oldest = nullptr;
  for (const auto& m : view.members)
    if (m.up && (!oldest || m.joined_seq < oldest->joined_seq))
      oldest = &m;
  return oldest ? oldest->name : std::string{};
}

bool has_majority(const cluster_view& last,
                  const std::vector<std::string>& reachable) {
  std::size_t up = 0;
  std::size_t seen = 0;
  for (const auto& m : last.members) {
    if (!m.up)
      continue;
    ++up;
    if (std::find(reachable.begin(), reachable.end(), m.name)
        != reachable.end())
      ++seen;
  }
  return seen * 2 > up;
}

std::string owner_of(const cluster_view& view, std::uint32_t shard) {
  const auto& xs = view.replicas.at(shard);
  return xs.empty() ? std::string{} : view.members[xs[0]].name;
}

std::vector<std::string> followers_of(const cluster_view& view,
                                      std::uint32_t shard) {
  auto names = names_of(view, view.replicas.at(shard));
  if (!names.empty())
    names.erase(names.begin());
  return names;
}

std::size_t owned_count(const cluster_view& view, const std::string& name) {
  auto i = index_of(view, name);
  return i ? load(view, true)[*i] : 0;
}

std::size_t sole_copies(const cluster_view& view, const std::string& name) {
  auto me = index_of(view, name);
  if (!me)
    return 0;
  std::size_t result = 0;
  for (std::uint32_t s = 0; s < view.replicas.size(); ++s) {
    const auto& xs = view.replicas[s];
    if (!contains(xs, *me) || view.is_syncing(s, *me))
      continue;
    auto others = std::any_of(xs.begin(), xs.end(), [&](std::uint16_t i) {
      return i != *me && view.members[i].up && !view.is_syncing(s, i);
    });
    result += others ? 0 : 1;
  }
  return result;
}

std::size_t followed_count(const cluster_view& view, const std::string& name) {
  auto i = index_of(view, name);
  return i ? load(view, false)[*i] : 0;
}

} // namespace pando::runtime
