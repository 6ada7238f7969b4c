#include "actors/registry/app_domain.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <system_error>

namespace pando::registry {

namespace {

constexpr std::string_view wrong_domain = "wrong app domain format.";

constexpr std::string_view no_access = "app has no access right on device.";

/// Parses `str` like Go's `strconv.ParseUint(str, base, 64)`: one or more
/// digits, no sign, prefix or whitespace, no overflow.
std::optional<uint64_t> parse_u64(std::string_view str, int base) noexcept {
  uint64_t result = 0;
  auto last = str.data() + str.size();
  auto [ptr, ec] = std::from_chars(str.data(), last, result, base);
  if (str.empty() || ec != std::errc{} || ptr != last)
    return std::nullopt;
  return result;
}

/// Appends the lowercase hex spelling of `x` (no leading zeros) to `out`.
void append_hex(uint64_t x, std::string& out) {
  char buf[16];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), x, 16);
  out.append(buf, ptr);
}

domain_check error(std::string_view message) {
  return {domain_access::error, std::string{message}};
}

/// Checks a `<scope>/<decimal id>` domain against a parsed identifier.
domain_check check_scoped(std::string_view scope, std::string_view id_str,
                          const identifier_parts& device) {
  auto id = parse_u64(id_str, 10);
  if (!id)
    return error(wrong_domain);
  uint64_t expected = 0;
  if (scope == "vendor")
    expected = device.vendor_id;
  else if (scope == "product")
    expected = device.product_id;
  else
    return error(wrong_domain);
  if (*id != expected)
    return {domain_access::denied, std::string{no_access}};
  return {domain_access::allowed, {}};
}

} // namespace

std::string_view to_string(identifier_errc x) noexcept {
  switch (x) {
    case identifier_errc::none: return "no error";
    case identifier_errc::wrong_format: return "wrong identifier format.";
    case identifier_errc::wrong_vendor: return "wrong vendor format.";
    case identifier_errc::wrong_product: return "wrong product format.";
  }
  return "<invalid identifier_errc>";
}

std::string make_identifier(uint64_t vendor_id, uint64_t product_id,
                            std::string_view code) {
  std::string result;
  append_hex(vendor_id, result);
  result += '-';
  append_hex(product_id, result);
  result += '-';
  result += code;
  return result;
}

identifier_parts parse_identifier(std::string_view identifier) {
  identifier_parts result;
  auto first = identifier.find('-');
  auto second
    = first == std::string_view::npos ? first : identifier.find('-', first + 1);
  if (second == std::string_view::npos) {
    result.error = identifier_errc::wrong_format;
    return result;
  }
  auto vendor = parse_u64(identifier.substr(0, first), 16);
  auto product
    = parse_u64(identifier.substr(first + 1, second - first - 1), 16);
  if (!vendor)
    result.error = identifier_errc::wrong_vendor;
  else if (!product)
    result.error = identifier_errc::wrong_product;
  else
    result = {*vendor, *product, std::string{identifier.substr(second + 1)}};
  return result;
}

domain_check check_app_domain(std::string_view domain,
                              std::string_view identifier) {
  if (std::count(identifier.begin(), identifier.end(), '-') != 2)
    return error(to_string(identifier_errc::wrong_format));
  auto device = parse_identifier(identifier);
  if (!device)
    return error(to_string(device.error));
  auto slash = domain.find('/');
  if (slash == std::string_view::npos) {
    if (domain == "*")
      return {domain_access::allowed, {}};
    return error(wrong_domain);
  }
  auto id_str = domain.substr(slash + 1);
  if (id_str.find('/') != std::string_view::npos)
    return error(wrong_domain);
  return check_scoped(domain.substr(0, slash), id_str, device);
}

domain_check check_device_domain(std::string_view domain,
                                 std::string_view identifier) {
  auto parts = parse_identifier(identifier);
  if (parts.error != identifier_errc::none)
    return {domain_access::error, "wrong identifier format."};
  return check_app_domain(
    domain, make_identifier(parts.vendor_id, parts.product_id, "device"));
}

} // namespace pando::registry
