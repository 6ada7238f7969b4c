#pragma once

// The webhook notifier: one per node. Device actors put each status report
// and event into the outbox (column `outbox`) in the same write batch as the
// report itself, then tell the notifier (notify, key, entry). The notifier
// renders the report through the device's product config and POSTs it to
// the report_url of every application whose domain covers the device
// (spec 6.3, with U1, U6, S6 and B10 fixed):
//   {"tag":"status"|"event","identifier":..., "timestamp":<ms>, "data":{...}}
// timestamp is the device's own timestamp, or the server's receive time when
// the device sent 0. An entry leaves the outbox when every application got
// it or gave up after the retries, so reports survive a restart
// (at-least-once: `X-Pando-Delivery` names the entry and application, for
// receivers that drop duplicates). Reports go to the outbox only while some
// application has a report_url (the `active` flag the notifier keeps).
//
// Outbox keys start with the device's shard prefix: entries are replicated
// with the report and copied with the shard, and only the shard's owner
// delivers them. When this node gains shards (the router says so), it reads
// the outbox again and delivers what the previous owner left; removing a
// delivered entry is copied to the shard's followers.
//
// Protocol:
//   (notify, key: string, entry: string)   an outbox entry to deliver
//   (view)                                 the shards this node owns changed
//   (get)                               -> uint64 entries in progress

#include <atomic>
#include <cstdint>
#include <memory>

#include "transports/webhook/delivery.hpp"

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace pando {

namespace metrics {
class registry;
} // namespace metrics

class placement_box;

/// What the notifier needs besides its peers.
struct notifier_settings {
  /// Which shards this node owns, and their followers (null: it delivers
  /// every entry, as a node outside a cluster).
  std::shared_ptr<placement_box> placement;
  webhooks::delivery_settings delivery;
  /// How often the applications and product configs are re-read from the
  /// registry (the registry also announces application changes at once).
  std::int64_t refresh_ms = 10'000;
};

/// Spawns the node's notifier. It reads the outbox at start, and keeps
/// `*active` true while any application has a report_url.
caf::actor spawn_notifier(caf::actor_system& sys, notifier_settings settings,
                          const caf::actor& storage, const caf::actor& registry,
                          std::shared_ptr<std::atomic<bool>> active,
                          metrics::registry& metrics);

} // namespace pando
