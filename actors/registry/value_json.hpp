#pragma once

#include "actors/registry/mapping_result.hpp"
#include "transports/pando/tlv.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pando::registry {

/// Returns the value of type `type` that the JSON value `x` denotes.
///
/// Integer types (3-10) take JSON integers in the type's range; a float with
/// an integral value (`1.0`, `1e2`) is accepted, a fractional one (`1.5`) is
/// not. float64/float32 take any finite JSON number (float32 also in its
/// range; rounded to nearest). bytes (11) take a base64 string (standard
/// alphabet, padding required, canonical); anything else, including raw text
/// from old clients, is rejected with a message saying base64 is expected.
/// string (12) takes a valid UTF-8 JSON string. bool (13) takes `true` or
/// `false` only. bytes/strings are at most 65535 bytes. Errors carry an empty
/// path and never throw.
mapping_result<proto::value> value_from_json(proto::tag type,
                                             const nlohmann::json& x);

/// Returns the JSON rendering of `x`.
///
/// Integers render as JSON integers over their full range; float32 renders as
/// the shortest decimal that round-trips at float precision (3.2f as `3.2`);
/// NaN and infinities render as `null`; bytes render as base64; strings that
/// are not valid UTF-8 get U+FFFD for each offending byte (as Go does); bool
/// renders as `true`/`false`.
nlohmann::json value_to_json(const proto::value& x);

/// Returns the standard, padded base64 encoding of `x`.
std::string base64_encode(std::span<const uint8_t> x);

/// Returns the octets of the standard, padded, canonical base64 text `x`
/// (no whitespace, unused bits zero), or `std::nullopt` if it is not one.
std::optional<proto::bytes> base64_decode(std::string_view x);

/// Returns whether `x` is well-formed UTF-8 (no overlongs, surrogates or
/// code points above U+10FFFF).
bool is_valid_utf8(std::string_view x) noexcept;

/// Returns `x` with each byte that does not start a well-formed UTF-8
/// sequence replaced by U+FFFD.
std::string to_valid_utf8(std::string_view x);

} // namespace pando::registry
