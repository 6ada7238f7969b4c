#pragma once

#include "transports/pando/errc.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace pando::proto {

/// Raw octets carried by a `bytes` TLV.
using bytes = std::vector<uint8_t>;

/// A read-only view on an encoded payload.
using byte_span = std::span<const uint8_t>;

/// Wire tag of a typed value (spec 5.1); equal to the product config's
/// `value_type`.
enum class tag : uint16_t {
  float64 = 1,
  float32 = 2,
  int8 = 3,
  int16 = 4,
  int32 = 5,
  int64 = 6,
  uint8 = 7,
  uint16 = 8,
  uint32 = 9,
  uint64 = 10,
  bytes = 11,
  string = 12,
  /// Opt-in extension: one byte, 0 or 1. The original cannot encode it, so
  /// callers decide whether to accept it.
  boolean = 13,
};

/// One typed value; alternative index + 1 equals its wire tag.
using value
  = std::variant<double, float, int8_t, int16_t, int32_t, int64_t, uint8_t,
                 uint16_t, uint32_t, uint64_t, bytes, std::string, bool>;

/// Largest size of a bytes or string value (its length field is a u16).
inline constexpr size_t max_value_length = 65535;

/// Returns the wire tag of `x`.
constexpr tag tag_of(const value& x) noexcept {
  return static_cast<tag>(x.index() + 1);
}

/// Returns the number of bytes `encode(x, ...)` appends, tag included.
size_t encoded_size(const value& x) noexcept;

/// Appends the TLV encoding of `x` to `out`.
///
/// Empty bytes/strings encode as tag + `00 00` (the original omitted the
/// length). Returns `errc::value_too_long` for bytes/strings longer than
/// `max_value_length`, leaving `out` untouched, else `errc::none`.
[[nodiscard]] errc encode(const value& x, std::vector<uint8_t>& out);

/// Decodes exactly one TLV starting at `bytes[offset]`.
///
/// On success, advances `offset` past the TLV. On error, leaves `offset`
/// untouched and returns `truncated_value`, `length_exceeds_payload`,
/// `unknown_tag` or `invalid_bool`.
result<value> decode_one(byte_span buf, size_t& offset);

// -- big-endian primitives shared by the codec --------------------------------

namespace detail {

/// Appends the `Width` low-order bytes of `x` to `out`, most significant
/// first.
template<size_t Width>
void write_uint(uint64_t x, std::vector<uint8_t>& out) {
  for (size_t i = Width; i > 0; --i)
    out.push_back(static_cast<uint8_t>(x >> (8 * (i - 1))));
}

/// Reads a `Width`-byte big-endian integer at `buf[offset]`; the caller
/// guarantees that `Width` bytes are available.
template<size_t Width>
uint64_t read_uint(byte_span buf, size_t offset) noexcept {
  uint64_t x = 0;
  for (size_t i = 0; i < Width; ++i)
    x = (x << 8) | buf[offset + i];
  return x;
}

} // namespace detail

} // namespace pando::proto
