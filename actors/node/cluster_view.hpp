#pragma once

// The cluster's membership and shard placement as one immutable, versioned
// view: built by the controller (runtime/cluster), pushed to every node
// agent, read by routers. Crosses nodes: fields are appended only.

#include <cstdint>
#include <string>
#include <vector>

namespace pando {

/// A cluster member as the controller sees it.
struct member {
  /// The node name (unique within the cluster).
  std::string name;
  /// Join order: smaller means older. The oldest up member hosts the
  /// controller.
  std::uint64_t joined_seq = 0;
  /// False once the member is detected as failed (it stays listed until it
  /// leaves, so that `has_majority` still counts it).
  bool up = true;
  /// Where other nodes reach it (cluster.listen) and what it tells devices
  /// and tools (mqtt.advertise, http.advertise).
  std::string cluster_address;
  std::string mqtt_address;
  std::string http_address;
};

/// @relates member
template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, member& x) {
  return f(x.name, x.joined_seq, x.up, x.cluster_address, x.mqtt_address,
           x.http_address);
}

/// One immutable, versioned placement of all shards.
///
/// `replicas[s]` lists indexes into `members`, `[0]` being the owner of shard
/// `s` and the rest its followers in promotion order. Normally every list
/// holds `min(replication_factor, number of up members)` distinct, up
/// members. `replication_factor` is the configured value, so a cap caused by
/// a small cluster lifts again when members join.
///
/// A replica that was added to a list (a refill after a failure, a move, a
/// join) is *syncing* until it has copied the shard: `syncing[s]` lists those
/// members of `replicas[s]`. Only an in-sync replica is promoted when an
/// owner fails, and a list keeps its failed members when no in-sync replica
/// of the shard is up any more: the shard is then unavailable (explicit
/// errors) until one of them is back, instead of served without its data.
struct cluster_view {
  /// Grows by one on every change.
  std::uint64_t epoch = 0;
  std::vector<member> members;
  std::uint32_t shards = 0;
  std::uint32_t replication_factor = 0;
  std::vector<std::vector<std::uint16_t>> replicas;
  /// By shard (empty when no replica of any shard is syncing).
  std::vector<std::vector<std::uint16_t>> syncing;

  /// Returns whether member index `m` is still copying shard `s`.
  bool is_syncing(std::uint32_t s, std::uint16_t m) const {
    if (s >= syncing.size())
      return false;
    for (auto x : syncing[s])
      if (x == m)
        return true;
    return false;
  }

  /// Returns whether an in-sync replica of shard `s` is up (else the shard
  /// is unavailable until one is back).
  bool has_in_sync_replica_up(std::uint32_t s) const {
    for (auto i : replicas[s])
      if (members[i].up && !is_syncing(s, i))
        return true;
    return false;
  }
};

/// @relates cluster_view
template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_view& x) {
  return f(x.epoch, x.members, x.shards, x.replication_factor, x.replicas,
           x.syncing);
}

} // namespace pando
