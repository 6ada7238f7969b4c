#pragma once

// Pure shard-table algebra for the cluster controller: membership plus an
// ordered replica list per shard, published as immutable, versioned views.
// No CAF, no sockets, no clocks; the controller actor owns a view and
// replaces it through the functions below.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/node/cluster_view.hpp"

namespace pando::runtime {

using pando::cluster_view;
using pando::member;

/// The change of one shard's replica list between two views.
struct shard_move {
  std::uint32_t shard = 0;
  /// Replica names before (`[0]` = owner).
  std::vector<std::string> before;
  /// Replica names after (`[0]` = owner).
  std::vector<std::string> after;

  /// Returns whether the owner changes.
  bool owner_changes() const;
};

/// Builds epoch 1: up members own `floor/ceil(shards / N)` shards each and
/// follow a balanced share as well, never two replicas of a shard on one
/// member.
cluster_view initial_view(std::uint32_t shards,
                          std::uint32_t replication_factor,
                          std::vector<member> members);

/// Returns the target view after `m` joins (or rejoins): missing replicas are
/// refilled and just enough ownerships and follower slots move to rebalance
/// (within +-1 of the mean), taken from the most loaded members.
cluster_view apply_join(const cluster_view& view, member m);

/// Returns the target view after member `name` leaves: it disappears from
/// `members`; its shards go to their first follower and lost follower slots
/// are refilled.
cluster_view apply_leave(const cluster_view& view, const std::string& name);

/// Returns the target view after member `name` fails: as `apply_leave`, but
/// the member stays listed with `up == false`, and where no in-sync replica
/// of a shard is up without it, that shard's list keeps it (the shard waits
/// for it instead of starting empty elsewhere).
cluster_view apply_down(const cluster_view& view, const std::string& name);

/// Lists every shard whose replica list differs between `from` and `to`.
std::vector<shard_move> plan_moves(const cluster_view& from,
                                   const cluster_view& to);

/// Returns the next view on the way from `current` to `target`: at most
/// `max_moves` shards take their target replica list, with epoch
/// `current.epoch + 1`; a shard without an in-sync replica that is up does
/// not move. The members of `target` are adopted at once; shards not yet
/// moved are repaired (repairs are meant to be applied whole, steps are for
/// rebalancing).
cluster_view step_towards(const cluster_view& current,
                          const cluster_view& target, std::size_t max_moves);

/// Records that `name` copied `shard` (it stops syncing); returns whether
/// that changed the view (the epoch is left to the caller).
bool mark_synced(cluster_view& view, std::uint32_t shard,
                 const std::string& name);

/// Returns the name of the oldest up member (empty if none is up).
std::string controller_of(const cluster_view& view);

/// Returns whether `reachable` holds a strict majority of the up members of
/// `last`.
bool has_majority(const cluster_view& last,
                  const std::vector<std::string>& reachable);

/// Returns the owner's name of `shard`.
std::string owner_of(const cluster_view& view, std::uint32_t shard);

/// Returns the followers' names of `shard`, in promotion order.
std::vector<std::string> followers_of(const cluster_view& view,
                                      std::uint32_t shard);

/// Returns how many shards `name` owns.
std::size_t owned_count(const cluster_view& view, const std::string& name);

/// Returns how many shards have `name` as their only in-sync replica that is
/// up (their other replicas are still copying them).
std::size_t sole_copies(const cluster_view& view, const std::string& name);

/// Returns how many shards `name` follows.
std::size_t followed_count(const cluster_view& view, const std::string& name);

} // namespace pando::runtime
