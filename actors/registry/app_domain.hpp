#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pando::registry {

/// Why a device identifier is malformed (spec 2.4, 2.5).
enum class identifier_errc : uint8_t {
  /// No error.
  none = 0,
  /// Fewer than three `-`-separated parts.
  wrong_format,
  /// The vendor part is not a 64-bit hex number.
  wrong_vendor,
  /// The product part is not a 64-bit hex number.
  wrong_product,
};

/// Returns the original's message for `x`, e.g. `"wrong vendor format."`.
/// @relates identifier_errc
std::string_view to_string(identifier_errc x) noexcept;

/// The parts of a device identifier `<vendor hex>-<product hex>-<code>`.
struct identifier_parts {
  /// Vendor id (may be 0).
  uint64_t vendor_id = 0;
  /// Product id.
  uint64_t product_id = 0;
  /// Device code, as sent at registration; may be empty or contain `-`.
  std::string device_code;
  /// `identifier_errc::none` on success.
  identifier_errc error = identifier_errc::none;

  /// Returns whether the identifier parsed.
  explicit operator bool() const noexcept {
    return error == identifier_errc::none;
  }
};

/// Returns `lowerhex(vendor_id) + "-" + lowerhex(product_id) + "-" + code`.
std::string make_identifier(uint64_t vendor_id, uint64_t product_id,
                            std::string_view code);

/// Splits `identifier` into vendor id, product id and device code.
///
/// The code is everything after the second `-` (so it may contain `-`, as
/// `make_identifier` allows). The ids accept upper- and lowercase hex without
/// prefix or sign, like Go's `strconv.ParseUint(s, 16, 64)`.
identifier_parts parse_identifier(std::string_view identifier);

/// Outcome of an application-domain check.
enum class domain_access : uint8_t {
  /// The domain covers the device.
  allowed,
  /// The domain is well-formed but does not cover the device.
  denied,
  /// The domain or the identifier is malformed.
  error,
};

/// Result of `check_app_domain`.
struct domain_check {
  /// The verdict.
  domain_access access = domain_access::error;
  /// Empty if allowed, else the reason (the original's wording).
  std::string message;
};

/// Returns whether an application with `domain` may access the device
/// `identifier` (spec 2.5).
///
/// `*` covers every device, `vendor/<decimal id>` and `product/<decimal id>`
/// the devices of one vendor or product. The identifier must have exactly
/// three parts (a device code containing `-` is an error, as in the
/// original); it is checked before the domain.
domain_check check_app_domain(std::string_view domain,
                              std::string_view identifier);

/// Like `check_app_domain`, but accepts device codes containing `-` (spec
/// B18): only the vendor and product parts of `identifier` are checked.
domain_check check_device_domain(std::string_view domain,
                                 std::string_view identifier);

} // namespace pando::registry
