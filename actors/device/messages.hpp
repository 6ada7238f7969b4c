#pragma once

// Messages to and from device actors. Plain structs with `inspect`, so that
// they cross nodes; fields are appended only.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/device/ids.hpp"

namespace pando {

/// A device asks to be registered (POST /v1/devices/registration), after the
/// HTTP gateway validated the product key.
struct registration_request {
  std::int64_t product_id = 0;
  std::int64_t vendor_id = 0;
  std::string identifier;
  std::string device_code;
  std::string version;
  std::string product_name;
  std::string product_description;
  /// The secret the device already holds, if any: presenting it keeps it.
  std::string current_secret;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, registration_request& x) {
  return f(x.product_id, x.vendor_id, x.identifier, x.device_code, x.version,
           x.product_name, x.product_description, x.current_secret);
}

/// The answer to a registration.
struct registration_reply {
  device_id id;
  std::string secret;
  std::string device_key;
  std::string identifier;
  bool created = false; ///< false: re-registration of a known device
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, registration_reply& x) {
  return f(x.id, x.secret, x.device_key, x.identifier, x.created);
}

/// The answer to a login: a fresh access token.
struct login_reply {
  std::string token; ///< 32 lowercase hex characters
  std::int64_t expires_at_ms = 0;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, login_reply& x) {
  return f(x.token, x.expires_at_ms);
}

/// The answer to an MQTT session's authentication.
struct auth_reply {
  /// The persistent session to resume (the gateway's format), or empty.
  std::string session_blob;
  std::string identifier;
  std::int64_t product_id = 0;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, auth_reply& x) {
  return f(x.session_blob, x.identifier, x.product_id);
}

/// The reported state of one status object of a device.
struct object_status {
  std::uint16_t part = 0;
  std::uint16_t no = 0;
  std::string params; ///< the object's TLVs, as received
  std::int64_t device_ts = 0;
  std::int64_t server_ts_ms = 0;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, object_status& x) {
  return f(x.part, x.no, x.params, x.device_ts, x.server_ts_ms);
}

/// A status report from a device: one entry per reported object.
struct status_report {
  std::int64_t device_ts = 0;
  std::vector<object_status> objects;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, status_report& x) {
  return f(x.device_ts, x.objects);
}

/// An event from a device.
struct event_report {
  std::uint16_t part = 0;
  std::uint16_t no = 0;
  std::uint16_t priority = 0;
  std::string params; ///< the event's TLVs, as received
  std::int64_t device_ts = 0;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_report& x) {
  return f(x.part, x.no, x.priority, x.params, x.device_ts);
}

/// One object of a device's desired status: its encoded sub-data block
/// (part, no, params count, params) as it goes into a Data payload.
struct desired_object {
  std::uint16_t part = 0;
  std::uint16_t no = 0;
  std::string block;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, desired_object& x) {
  return f(x.part, x.no, x.block);
}

/// A device's desired status, its version and what still differs from the
/// reported status (the delta).
struct desired_view {
  std::uint64_t version = 0;
  std::vector<desired_object> desired;
  std::vector<desired_object> delta;
  bool delivered = false; ///< the delta reached the device (PUT only)
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, desired_view& x) {
  return f(x.version, x.desired, x.delta, x.delivered);
}

/// Everything the platform knows about a device (its twin), for the
/// application API and pando-ctl. Never carries the secret.
struct device_view {
  device_id id;
  std::string identifier;
  std::int64_t product_id = 0;
  std::int64_t vendor_id = 0;
  std::string device_key;
  std::string name;
  std::string description;
  std::string version;
  std::int64_t created_at_ms = 0;
  bool online = false;
  std::string session_node;
  std::int64_t last_seen_ms = 0;
  std::vector<object_status> status;
  std::uint64_t reports = 0;
  std::uint64_t events = 0;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_view& x) {
  return f(x.id, x.identifier, x.product_id, x.vendor_id, x.device_key, x.name,
           x.description, x.version, x.created_at_ms, x.online, x.session_node,
           x.last_seen_ms, x.status, x.reports, x.events);
}

/// A message from the platform to a device's MQTT session.
struct downstream {
  std::string topic;
  std::string payload;
  std::uint8_t qos = 1;
  std::uint64_t tag = 0; ///< reported back when the device acknowledges
  /// Writes the device's current access token into bytes 9..24 of the
  /// payload (the token field of pando's Command and Data headers).
  bool stamp_token = false;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, downstream& x) {
  return f(x.topic, x.payload, x.qos, x.tag, x.stamp_token);
}

} // namespace pando
