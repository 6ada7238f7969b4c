#pragma once

#include "actors/registry/mapping_result.hpp"
#include "actors/registry/product_config.hpp"
#include "actors/registry/value_json.hpp"
#include "transports/pando/message.hpp"

#include <nlohmann/json.hpp>

#include <span>

namespace pando::registry {

/// Maps application-API JSON onto pando payloads and back, driven by a
/// product config (spec 2.2, 6.2, 7.3).
///
/// JSON bodies have the shape `{"<label or name>": [v1, v2, ...]}`; each
/// array lists all values of the object/command/event in config order, typed
/// as described at `value_from_json` / `value_to_json`. Every mismatch is a
/// `mapping_error` naming the label and value index (API code 10005); nothing
/// throws. The config is expected to be valid (see `validate`); with
/// duplicate labels or numbers the first match wins.
///
/// Payloads are returned with a zero header (flag, timestamp, token); the
/// caller fills in timestamp and token before encoding.

/// Returns the `data` message for the status body `{label: [values], ...}`.
///
/// The body must name at least one object and only known labels; each
/// object's values must all be given. One `sub_data` per label (part = the
/// object's part, property_no = its no), in config order.
mapping_result<proto::data> status_from_json(const product_config& cfg,
                                             const nlohmann::json& body);

/// Returns `{label: [values], ...}` for the status objects a device reported.
///
/// Objects are matched on (part, no), falling back to no alone (spec B14).
/// Unknown objects, objects reported twice and values whose count or types
/// differ from the config are errors.
mapping_result<nlohmann::json>
status_to_json(const product_config& cfg,
               std::span<const proto::sub_data> objects);

/// Returns `status_to_json(cfg, x.objects)`.
mapping_result<nlohmann::json> status_to_json(const product_config& cfg,
                                              const proto::data& x);

/// Returns the command for the body `{name: [params]}`.
///
/// The body must hold exactly one command (spec B13). Sub-device, number and
/// priority come from the config.
mapping_result<proto::command> command_from_json(const product_config& cfg,
                                                 const nlohmann::json& body);

/// Returns `{name: [params]}` for a command, matched like `status_to_json`.
mapping_result<nlohmann::json> command_to_json(const product_config& cfg,
                                               const proto::command& x);

/// Returns the event for the body `{name: [params]}` (e.g. for simulators);
/// same rules as `command_from_json`.
mapping_result<proto::event> event_from_json(const product_config& cfg,
                                             const nlohmann::json& body);

/// Returns `{name: [params]}` for an event a device sent, matched on
/// (part, no) with fallback to no (spec B14).
mapping_result<nlohmann::json> event_to_json(const product_config& cfg,
                                             const proto::event& x);

} // namespace pando::registry
