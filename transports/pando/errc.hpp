#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <variant>

namespace pando::proto {

/// Error codes of the pando binary payload codec (spec section 5).
///
/// The value 0 means "no error", as CAF requires for error code enums.
enum class errc : uint8_t {
  /// No error.
  none = 0,
  /// The payload is shorter than the fixed message header (33 or 25 bytes).
  truncated_header,
  /// A TLV's tag, length field or fixed-size value is cut off.
  truncated_value,
  /// A bytes/string TLV declares more bytes than the payload has left.
  length_exceeds_payload,
  /// A TLV carries a tag outside 1..13.
  unknown_tag,
  /// A bool TLV carries a value byte other than 0 or 1.
  invalid_bool,
  /// A command/event's ParamsCount differs from the number of TLVs present.
  params_count_mismatch,
  /// A data payload ends with 1..5 bytes, too few for a sub-data header.
  trailing_bytes,
  /// A bytes/string value is longer than 65535 bytes and cannot be encoded.
  value_too_long,
  /// A message has more than 65535 params and cannot be encoded.
  too_many_params,
};

/// Returns the name of `x`, e.g. `"unknown_tag"`.
/// @relates errc
constexpr std::string_view to_string(errc x) noexcept {
  switch (x) {
    case errc::none: return "none";
    case errc::truncated_header: return "truncated_header";
    case errc::truncated_value: return "truncated_value";
    case errc::length_exceeds_payload: return "length_exceeds_payload";
    case errc::unknown_tag: return "unknown_tag";
    case errc::invalid_bool: return "invalid_bool";
    case errc::params_count_mismatch: return "params_count_mismatch";
    case errc::trailing_bytes: return "trailing_bytes";
    case errc::value_too_long: return "value_too_long";
    case errc::too_many_params: return "too_many_params";
  }
  return "<invalid errc>";
}

/// Either a decoded `T` or the `errc` explaining why decoding failed.
template<class T>
class result {
 public:
  // -- constructors -----------------------------------------------------------

  /// Creates a successful result.
  result(T x) : val_(std::move(x)) {
    // nop
  }

  /// Creates a failed result; `x` must not be `errc::none`.
  result(errc x) : val_(x) {
    // nop
  }

  // -- observers --------------------------------------------------------------

  /// Returns whether this result holds a value.
  bool has_value() const noexcept { return val_.index() == 0; }

  /// Returns whether this result holds a value.
  explicit operator bool() const noexcept { return has_value(); }

  /// Returns the error, or `errc::none` if this result holds a value.
  errc error() const noexcept {
    return has_value() ? errc::none : std::get<1>(val_);
  }

  /// Returns the value; requires `has_value()`.
  T& value() & { return std::get<0>(val_); }

  /// Returns the value; requires `has_value()`.
  const T& value() const& { return std::get<0>(val_); }

  /// Returns the value; requires `has_value()`.
  T&& value() && { return std::get<0>(std::move(val_)); }

  /// Returns the value; requires `has_value()`.
  T& operator*() & { return value(); }

  /// Returns the value; requires `has_value()`.
  const T& operator*() const& { return value(); }

  /// Accesses the value; requires `has_value()`.
  T* operator->() { return &value(); }

  /// Accesses the value; requires `has_value()`.
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, errc> val_;
};

} // namespace pando::proto
