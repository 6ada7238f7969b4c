#pragma once

// Byte layouts of what a device actor stores about reports (all integers
// big-endian), shared by the device actor, the application API (history)
// and the webhook notifier (outbox):
//   object:  part u16, no u16, device ts u64, server ms u64, len u32, TLVs
//   status (`<id>/s`):       object*
//   history status record:   's' object*
//   history event record:    'e' part u16, no u16, priority u16,
//                            device ts u64, TLVs
//   outbox entry:            len u16, identifier, product id u64,
//                            server ms u64, history record

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/device/messages.hpp"
#include "actors/registry/payload_mapping.hpp"

namespace pando {

/// Returns the objects in their stored layout.
std::string encode_objects(const std::vector<object_status>& objects);

/// Parses stored objects; nullopt if truncated.
std::optional<std::vector<object_status>> decode_objects(std::string_view in);

/// Returns the history record of a status report received at `server_ms`.
std::string history_status(const status_report& r, std::int64_t server_ms);

/// Returns the history record of an event.
std::string history_event(const event_report& e);

/// A decoded history record: a status report or an event.
struct history_record {
  bool is_status = false;
  std::vector<object_status> objects; ///< status
  event_report event;                 ///< event
};

/// Parses a history record; nullopt if it is not one.
std::optional<history_record> decode_history(std::string_view in);

/// A report waiting for webhook delivery (column `outbox`).
struct outbox_entry {
  std::string identifier;
  std::int64_t product_id = 0;
  std::int64_t server_ms = 0;
  std::string record; ///< a history record
};

/// Returns the stored layout of `x`.
std::string encode_outbox(const outbox_entry& x);

/// Parses an outbox entry; nullopt if truncated.
std::optional<outbox_entry> decode_outbox(std::string_view in);

/// Returns the Data message of stored status objects.
proto::data data_of(const std::vector<object_status>& objects);

/// Returns `{label: [values]}` of stored status objects (see
/// `registry::status_to_json`).
registry::mapping_result<nlohmann::json>
objects_to_json(const registry::product_config& cfg,
                const std::vector<object_status>& objects);

/// Returns `{name: [params]}` of an event (see `registry::event_to_json`).
registry::mapping_result<nlohmann::json>
event_to_json(const registry::product_config& cfg, const event_report& e);

} // namespace pando
