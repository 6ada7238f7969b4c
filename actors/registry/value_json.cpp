#include "actors/registry/value_json.hpp"

#include "actors/registry/product_config.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>

namespace pando::registry {

namespace {

using json = nlohmann::json;

using maybe_message = std::optional<std::string>;

constexpr std::string_view base64_alphabet
  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::string_view replacement_char = "\xEF\xBF\xBD";

/// Number of alternatives of `proto::value`.
constexpr size_t value_types = std::variant_size_v<proto::value>;

// -- JSON to value ------------------------------------------------------------

std::string kind_of(const json& x) {
  return x.is_number_float() ? "float" : x.type_name();
}

std::string out_of_range(const json& x, std::string_view type) {
  return x.dump() + " is out of range for " + std::string{type};
}

/// Returns the range of integer type `T` as `" (min..max)"`.
template<class T>
std::string range_of() {
  using lim = std::numeric_limits<T>;
  return " (" + std::to_string(lim::min()) + ".." + std::to_string(lim::max())
         + ")";
}

/// Converts an integral-valued JSON float to `T`.
template<class T>
maybe_message assign_from_float(const json& x, std::string_view type, T& out) {
  using lim = std::numeric_limits<T>;
  auto d = x.get<double>();
  if (!std::isfinite(d))
    return "non-finite number for " + std::string{type};
  if (d != std::trunc(d))
    return x.dump() + " is not an integer (" + std::string{type} + ")";
  // 2^digits is the first value above lim::max(); both bounds are exact.
  if (d < static_cast<double>(lim::min()) || d >= std::ldexp(1.0, lim::digits))
    return out_of_range(x, type) + range_of<T>();
  out = static_cast<T>(d);
  return std::nullopt;
}

template<class T>
requires std::is_integral_v<T>
  maybe_message assign(const json& x, std::string_view type, T& out) {
  using lim = std::numeric_limits<T>;
  if constexpr (std::is_same_v<T, bool>) {
    if (!x.is_boolean())
      return "expected true or false (bool), got " + kind_of(x);
    out = x.get<bool>();
  } else if (!x.is_number()) {
    return "expected an integer (" + std::string{type} + "), got " + kind_of(x);
  } else if (x.is_number_float()) {
    return assign_from_float(x, type, out);
  } else if (x.is_number_unsigned()) {
    auto v = x.get<uint64_t>();
    if (v > static_cast<uint64_t>(lim::max()))
      return out_of_range(x, type) + range_of<T>();
    out = static_cast<T>(v);
  } else {
    auto v = x.get<int64_t>();
    if (v < static_cast<int64_t>(lim::min())
        || (v > 0 && static_cast<uint64_t>(v) > lim::max()))
      return out_of_range(x, type) + range_of<T>();
    out = static_cast<T>(v);
  }
  return std::nullopt;
}

template<class T>
requires std::is_floating_point_v<T>
  maybe_message assign(const json& x, std::string_view type, T& out) {
  if (!x.is_number())
    return "expected a number (" + std::string{type} + "), got " + kind_of(x);
  auto d = x.get<double>();
  if (!std::isfinite(d))
    return "non-finite number for " + std::string{type};
  if (std::fabs(d) > std::numeric_limits<T>::max())
    return out_of_range(x, type);
  out = static_cast<T>(d);
  return std::nullopt;
}

maybe_message check_length(size_t n) {
  if (n > proto::max_value_length)
    return "too long: " + std::to_string(n) + " bytes (at most 65535)";
  return std::nullopt;
}

maybe_message assign(const json& x, std::string_view, proto::bytes& out) {
  if (!x.is_string())
    return "expected a base64 string (bytes), got " + kind_of(x);
  auto decoded = base64_decode(x.get_ref<const std::string&>());
  if (!decoded)
    return "not valid base64: bytes values must be base64 (standard "
           "alphabet, with padding)";
  out = std::move(*decoded);
  return check_length(out.size());
}

maybe_message assign(const json& x, std::string_view, std::string& out) {
  if (!x.is_string())
    return "expected a string, got " + kind_of(x);
  out = x.get<std::string>();
  if (!is_valid_utf8(out))
    return "not valid UTF-8";
  return check_length(out.size());
}

/// Returns a default-constructed value of the alternative with tag `type`.
proto::value default_value(proto::tag type) {
  using factory = proto::value (*)();
  static constexpr auto factories =
    []<size_t... Is>(std::index_sequence<Is...>) {
    return std::array<factory, sizeof...(Is)>{
      +[] { return proto::value{std::in_place_index<Is>}; }...};
  }
  (std::make_index_sequence<value_types>{});
  return factories[static_cast<size_t>(type) - 1]();
}

// -- value to JSON ------------------------------------------------------------

/// Returns `x` widened to the double nearest its shortest decimal form.
double widen_shortest(float x) {
  std::array<char, 64> buf;
  auto end = std::to_chars(buf.data(), buf.data() + buf.size(), x).ptr;
  double result = x;
  std::from_chars(buf.data(), end, result);
  return result;
}

/// Returns the value of the sextet `c`, or -1 if `c` is not in the alphabet.
int sextet(char c) noexcept {
  auto pos = base64_alphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

/// Returns the length of the well-formed UTF-8 sequence at `x[i]`, or 0.
size_t utf8_sequence_length(std::string_view x, size_t i) noexcept {
  auto lead = static_cast<uint8_t>(x[i]);
  if (lead < 0x80)
    return 1;
  size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (n == 0 || lead > 0xF4 || x.size() - i < n)
    return 0;
  uint32_t cp = lead & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    auto byte = static_cast<uint8_t>(x[i + k]);
    if ((byte & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (byte & 0x3F);
  }
  constexpr uint32_t min_cp[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

} // namespace

mapping_result<proto::value> value_from_json(proto::tag type, const json& x) {
  auto index = static_cast<size_t>(type);
  if (index < 1 || index > value_types)
    return mapping_error{{}, "unsupported value type " + std::to_string(index)};
  auto result = default_value(type);
  auto msg = std::visit(
    [&](auto& dst) { return assign(x, value_type_name(type), dst); }, result);
  if (msg)
    return mapping_error{{}, std::move(*msg)};
  return result;
}

json value_to_json(const proto::value& x) {
  return std::visit(
    [](const auto& v) -> json {
      using T = std::decay_t<decltype(v)>;
      if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(v))
          return nullptr;
        if constexpr (std::is_same_v<T, float>)
          return widen_shortest(v);
        else
          return v;
      } else if constexpr (std::is_same_v<T, bool>) {
        return v;
      } else if constexpr (std::is_signed_v<T>) {
        return static_cast<int64_t>(v);
      } else if constexpr (std::is_unsigned_v<T>) {
        return static_cast<uint64_t>(v);
      } else if constexpr (std::is_same_v<T, proto::bytes>) {
        return base64_encode(v);
      } else {
        return to_valid_utf8(v);
      }
    },
    x);
}

std::string base64_encode(std::span<const uint8_t> x) {
  std::string result;
  result.reserve((x.size() + 2) / 3 * 4);
  for (size_t i = 0; i < x.size(); i += 3) {
    size_t n = std::min<size_t>(3, x.size() - i);
    uint32_t acc = 0;
    for (size_t k = 0; k < 3; ++k)
      acc = (acc << 8) | (k < n ? x[i + k] : 0u);
    for (size_t k = 0; k < 4; ++k)
      result += k <= n ? base64_alphabet[(acc >> (18 - 6 * k)) & 0x3F] : '=';
  }
  return result;
}

std::optional<proto::bytes> base64_decode(std::string_view x) {
  if (x.size() % 4 != 0)
    return std::nullopt;
  proto::bytes result;
  result.reserve(x.size() / 4 * 3);
  for (size_t i = 0; i < x.size(); i += 4) {
    size_t pad = 0;
    if (i + 4 == x.size())
      pad = x[i + 3] != '=' ? 0 : x[i + 2] != '=' ? 1 : 2;
    uint32_t acc = 0;
    for (size_t k = 0; k < 4 - pad; ++k) {
      auto v = sextet(x[i + k]);
      if (v < 0)
        return std::nullopt;
      acc |= static_cast<uint32_t>(v) << (18 - 6 * k);
    }
    // The bits below the last octet must be zero (canonical encoding).
    constexpr uint32_t unused_bits[] = {0, 0xFF, 0xFFFF};
    if ((acc & unused_bits[pad]) != 0)
      return std::nullopt;
    for (size_t k = 0; k < 3 - pad; ++k)
      result.push_back(static_cast<uint8_t>(acc >> (16 - 8 * k)));
  }
  return result;
}

bool is_valid_utf8(std::string_view x) noexcept {
  for (size_t i = 0; i < x.size();) {
    auto n = utf8_sequence_length(x, i);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

std::string to_valid_utf8(std::string_view x) {
  std::string result;
  result.reserve(x.size());
  for (size_t i = 0; i < x.size();) {
    auto n = utf8_sequence_length(x, i);
    if (n == 0) {
      result += replacement_char;
      ++i;
    } else {
      result += x.substr(i, n);
      i += n;
    }
  }
  return result;
}

} // namespace pando::registry
