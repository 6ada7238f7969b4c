#pragma once

#include <cstdint>

namespace pando {

/// Errors of pando's actors, carried in `caf::error` (category "pando").
/// Gateways map them to protocol codes in one place each (HTTP codes in
/// transports/http, CONNACK codes in transports/mqtt).
enum class errc : std::uint8_t {
  /// No error.
  none = 0,
  /// The device is not registered.
  device_not_found,
  /// The device secret does not match.
  wrong_secret,
  /// The access token is unknown, expired or replaced by a newer login.
  bad_token,
  /// A request field is missing or has a bad value.
  invalid_argument,
  /// The product key does not decode, or names no product.
  bad_product_key,
  /// The product, vendor or application does not exist.
  not_found,
  /// Two identifiers hash to one device id; the second is refused.
  identifier_collision,
  /// The payload does not decode as pando's binary protocol.
  bad_payload,
  /// The store failed; nothing was acknowledged.
  storage_failure,
  /// The device has no session to deliver to.
  device_offline,
  /// The device did not answer in time.
  timeout,
  /// The node cannot serve the request now (stopping, overloaded).
  unavailable,
  /// The caller may not access this resource.
  forbidden,
  /// The resource exists already.
  conflict,
};

/// Returns the name of `x`.
const char* to_string(errc x) noexcept;

} // namespace pando
