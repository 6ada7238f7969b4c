#pragma once

// The device actor: one per device, the single writer of its data (its
// twin). Spawned on demand by the device host of the node that owns the
// device's shard; loads its state from storage, passivates when idle with no
// session, and exits when its host stops.
//
// Protocol (replies go to the sender; errors are `pando::errc`):
//   (register, registration_request)          -> registration_reply
//   (login, secret: string)                   -> login_reply
//   (auth, token, node, clean: bool)          -> auth_reply
//                                                   sender = MQTT session
//   (report, status_report)                   -> ok   after the durable write
//   (report, event_report)                    -> ok   after the durable write
//   (closed, blob: string)                    -> ()   sender = MQTT session
//   (deliver, downstream)                     -> ok   when the device acked
//   (query, downstream)                       -> [object_status] the device's
//                                                   next status report
//   (history, begin, end, limit, newest_first)
//                                             -> (keys, values) history
//                                                entries with key suffixes
//                                                (hex ms + hex seq) in
//                                                [begin, end); "" = open
//   (deliver, downstream, ttl_ms)             -> command_status: a command;
//                                                   acked when the device
//                                                   acknowledged it, queued
//                                                   when offline (ttl > 0)
//   (commands, limit)                         -> [command_status] newest
//                                                   first
//   (update, name, description)               -> ok
//   (delete)                                  -> ok   all records erased; the
//                                                   actor then exits
//   (desire, [desired_object])                -> desired_view: recorded; the
//                                                   delta goes to the device
//                                                   now or on reconnect
//   (desire)                                  -> desired_view
//   (get)                                     -> device_view
//   (rule, put, rule: string)                 -> string: the stored rule
//                                                   (rules::rule JSON) with
//                                                   its new id
//   (rule, get)                               -> [string] every rule
//   (rule, update, id, enabled: bool)         -> string
//   (rule, delete, id)                        -> ok
//   (fired, id, result: string, t_ms)         -> ()   from the rules actor
// The device actor sends its session: (deliver, downstream) and (kick).
// The session answers deliveries with (acked, tag). It sends the rules
// actor its timer rules (rule, put|delete, ...) and its triggered ifttt
// rules (fire, owner, rule), and the notifier each durable report
// (notify, outbox key, outbox entry) when webhooks are active.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/device/ids.hpp"

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace pando {

class placement_box;

/// What every device actor of a node shares.
struct device_env {
  /// AES key of pando's key format (security.key_secret).
  std::string key_secret;
  /// Shards of the cluster (cluster.shards): part of every record's key.
  std::uint32_t shards = 1024;
  /// Lifetime of an access token, extended by each use.
  std::int64_t token_ttl_ms = 2 * 3600 * 1000;
  /// A device actor without a session exits after this much idle time.
  std::int64_t idle_timeout_ms = 5 * 60 * 1000;
  /// History older than this is deleted (0 = kept forever).
  std::int64_t history_retention_ms = 0;
  /// How long a persistent MQTT session outlives its connection.
  std::int64_t session_expiry_ms = 2 * 3600 * 1000;
  /// Wall-clock time in milliseconds (injected for tests).
  std::function<std::int64_t()> now_ms;
  /// The node's rules actor (may be null: no rules run).
  std::shared_ptr<caf::actor> rules;
  /// The node's webhook notifier (may be null), and whether any application
  /// has a webhook: only then reports go to the outbox.
  std::shared_ptr<caf::actor> notifier;
  std::shared_ptr<std::atomic<bool>> webhooks_active;
  /// The followers of each shard (set by the router; null on a test bench):
  /// every write is confirmed by them before it is acknowledged.
  std::shared_ptr<placement_box> placement;
};

/// Spawns the actor of device `id`, which persists through `storage`.
caf::actor spawn_device(caf::actor_system& sys, device_id id,
                        const device_env& env, const caf::actor& storage);

} // namespace pando
