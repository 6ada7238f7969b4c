#pragma once

#include "transports/pando/errc.hpp"
#include "transports/pando/tlv.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pando::proto {

/// The 16-byte access token copied into every payload header.
using token_bytes = std::array<uint8_t, 16>;

/// Size of the command/event header (spec 5.2).
inline constexpr size_t command_header_size = 33;

/// Size of the data header (spec 5.3).
inline constexpr size_t data_header_size = 25;

/// Size of one sub-data header (spec 5.3).
inline constexpr size_t sub_data_header_size = 6;

/// A command sent from the cloud to a device on topic `c` (spec 5.2).
struct command {
  /// Reserved; 0 from the cloud.
  uint8_t flag = 0;
  /// Unix seconds from the cloud, Unix milliseconds from devices.
  uint64_t timestamp = 0;
  /// The device's current access token (raw bytes).
  token_bytes token{};
  /// Sub-device ("part") number.
  uint16_t sub_device = 0;
  /// Command number from the product config.
  uint16_t no = 0;
  /// 0..99, higher is more urgent.
  uint16_t priority = 0;
  /// The parameters; ParamsCount on the wire is always `params.size()`.
  std::vector<value> params;

  friend bool operator==(const command&, const command&) = default;
};

/// An event sent from a device to the cloud on topic `e`; same layout as
/// `command` (spec 5.2).
struct event {
  /// Reserved; ignored on input.
  uint8_t flag = 0;
  /// Unix milliseconds (or 0) from devices.
  uint64_t timestamp = 0;
  /// Token field; ignored on input.
  token_bytes token{};
  /// Sub-device ("part") number.
  uint16_t sub_device = 0;
  /// Event number from the product config.
  uint16_t no = 0;
  /// 0..99, higher is more urgent.
  uint16_t priority = 0;
  /// The parameters; ParamsCount on the wire is always `params.size()`.
  std::vector<value> params;

  friend bool operator==(const event&, const event&) = default;
};

/// The state of one status object inside a `data` message (spec 5.3).
struct sub_data {
  /// Sub-device id (= the object's `part`).
  uint16_t sub_device = 0;
  /// Object number (= the object's `no`).
  uint16_t property_no = 0;
  /// The object's status values; ParamsCount is always `params.size()`.
  std::vector<value> params;

  friend bool operator==(const sub_data&, const sub_data&) = default;
};

/// A status message on topic `s`, in both directions (spec 5.3).
struct data {
  /// Reserved.
  uint8_t flag = 0;
  /// Same unit caveat as `command::timestamp`.
  uint64_t timestamp = 0;
  /// Token field.
  token_bytes token{};
  /// Zero or more status objects; their count is implicit on the wire.
  std::vector<sub_data> objects;

  friend bool operator==(const data&, const data&) = default;
};

// -- encoding -----------------------------------------------------------------

/// Appends the payload of `x` to `out`.
///
/// Returns `value_too_long` or `too_many_params` (leaving `out` untouched)
/// if `x` cannot be represented, else `errc::none`.
/// @relates command
[[nodiscard]] errc encode(const command& x, std::vector<uint8_t>& out);

/// Appends the payload of `x` to `out`; see `encode(const command&, ...)`.
/// @relates event
[[nodiscard]] errc encode(const event& x, std::vector<uint8_t>& out);

/// Appends the payload of `x` to `out`; see `encode(const command&, ...)`.
/// @relates data
[[nodiscard]] errc encode(const data& x, std::vector<uint8_t>& out);

// -- decoding -----------------------------------------------------------------

/// Decodes a whole command payload.
///
/// Parses TLVs up to the end of the payload (as the original does), then
/// rejects the payload with `params_count_mismatch` if their number differs
/// from ParamsCount. Any truncated or unknown TLV is an error.
/// @relates command
result<command> decode_command(byte_span buf);

/// Decodes a whole event payload; see `decode_command`.
/// @relates event
result<event> decode_event(byte_span buf);

/// Decodes a whole data payload.
///
/// Each sub-data block holds exactly ParamsCount TLVs. Fewer than 6 bytes
/// left after the last block yield `trailing_bytes`.
/// @relates data
result<data> decode_data(byte_span buf);

} // namespace pando::proto
