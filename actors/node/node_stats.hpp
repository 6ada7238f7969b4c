#pragma once

// What pando-ctl shows about nodes and devices' placement. Crosses nodes:
// fields are appended only.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/node/node_info.hpp"

namespace pando {

/// One node's load, as its node agent reports it (pando-ctl nodes, top).
struct node_stats {
  node_info info;
  bool up = true;          ///< false: listed in the view but unreachable
  std::uint64_t epoch = 0; ///< the view epoch the node knows
  std::uint64_t shards_owned = 0;
  std::uint64_t shards_followed = 0;
  std::uint64_t device_actors = 0;
  std::uint64_t connections = 0;
  double messages_in_per_s = 0;  ///< MQTT publishes received
  double messages_out_per_s = 0; ///< MQTT publishes sent
  std::uint64_t resident_bytes = 0;
};

/// @relates node_stats
template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_stats& x) {
  return f(x.info, x.up, x.epoch, x.shards_owned, x.shards_followed,
           x.device_actors, x.connections, x.messages_in_per_s,
           x.messages_out_per_s, x.resident_bytes);
}

/// Where a device's shard lives (pando-ctl locate, login's access_addr).
struct shard_location {
  std::uint32_t shard = 0;
  std::uint64_t epoch = 0;
  /// Replica node names, the owner first.
  std::vector<std::string> replicas;
  /// The owner's MQTT and HTTP addresses.
  std::string owner_mqtt;
  std::string owner_http;
};

/// @relates shard_location
template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_location& x) {
  return f(x.shard, x.epoch, x.replicas, x.owner_mqtt, x.owner_http);
}

} // namespace pando
