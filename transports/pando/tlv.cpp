#include "transports/pando/tlv.hpp"

#include <array>
#include <bit>
#include <type_traits>
#include <utility>

namespace pando::proto {

namespace {

using detail::read_uint;
using detail::write_uint;

/// Whether `T` is a length-prefixed alternative (bytes or string).
template<class T>
constexpr bool is_variable
  = std::is_same_v<T, bytes> || std::is_same_v<T, std::string>;

/// Returns the wire bits of a fixed-size value.
template<class T>
uint64_t to_bits(T x) noexcept {
  if constexpr (std::is_same_v<T, double>)
    return std::bit_cast<uint64_t>(x);
  else if constexpr (std::is_same_v<T, float>)
    return std::bit_cast<uint32_t>(x);
  else if constexpr (std::is_same_v<T, bool>)
    return x ? 1u : 0u;
  else
    return static_cast<std::make_unsigned_t<T>>(x);
}

/// Returns the fixed-size value carried by the wire bits `x`.
template<class T>
T from_bits(uint64_t x) noexcept {
  if constexpr (std::is_same_v<T, double>)
    return std::bit_cast<double>(x);
  else if constexpr (std::is_same_v<T, float>)
    return std::bit_cast<float>(static_cast<uint32_t>(x));
  else if constexpr (std::is_same_v<T, bool>)
    return x != 0;
  else
    return static_cast<T>(static_cast<std::make_unsigned_t<T>>(x));
}

/// Appends tag and value of one alternative.
template<class T>
errc encode_alt(tag t, const T& x, std::vector<uint8_t>& out) {
  if constexpr (is_variable<T>) {
    if (x.size() > max_value_length)
      return errc::value_too_long;
    write_uint<2>(static_cast<uint16_t>(t), out);
    write_uint<2>(x.size(), out);
    out.insert(out.end(), x.begin(), x.end());
  } else {
    write_uint<2>(static_cast<uint16_t>(t), out);
    write_uint<sizeof(T)>(to_bits(x), out);
  }
  return errc::none;
}

/// Decodes a fixed-size value at `buf[pos]`, advancing `pos`.
template<class T>
result<value> decode_fixed(byte_span buf, size_t& pos) {
  if (buf.size() - pos < sizeof(T))
    return errc::truncated_value;
  auto bits = read_uint<sizeof(T)>(buf, pos);
  if constexpr (std::is_same_v<T, bool>)
    if (bits > 1)
      return errc::invalid_bool;
  pos += sizeof(T);
  return value{std::in_place_type<T>, from_bits<T>(bits)};
}

/// Decodes a length-prefixed value at `buf[pos]`, advancing `pos`.
template<class T>
result<value> decode_variable(byte_span buf, size_t& pos) {
  if (buf.size() - pos < 2)
    return errc::truncated_value;
  auto len = read_uint<2>(buf, pos);
  if (buf.size() - pos - 2 < len)
    return errc::length_exceeds_payload;
  auto first = buf.begin() + static_cast<ptrdiff_t>(pos + 2);
  pos += 2 + len;
  return value{std::in_place_type<T>, first,
               first + static_cast<ptrdiff_t>(len)};
}

/// Decodes the value of alternative `I` at `buf[pos]`, advancing `pos`.
template<size_t I>
result<value> decode_alt(byte_span buf, size_t& pos) {
  using type = std::variant_alternative_t<I, value>;
  if constexpr (is_variable<type>)
    return decode_variable<type>(buf, pos);
  else
    return decode_fixed<type>(buf, pos);
}

using decoder = result<value> (*)(byte_span, size_t&);

template<size_t... Is>
constexpr auto make_decoders(std::index_sequence<Is...>) {
  return std::array<decoder, sizeof...(Is)>{&decode_alt<Is>...};
}

/// Value decoders, indexed by tag - 1.
constexpr auto decoders
  = make_decoders(std::make_index_sequence<std::variant_size_v<value>>{});

} // namespace

size_t encoded_size(const value& x) noexcept {
  auto payload = [](const auto& v) -> size_t {
    using type = std::decay_t<decltype(v)>;
    if constexpr (is_variable<type>)
      return 2 + v.size();
    else
      return sizeof(type);
  };
  return 2 + std::visit(payload, x);
}

errc encode(const value& x, std::vector<uint8_t>& out) {
  auto t = tag_of(x);
  return std::visit([t, &out](const auto& v) { return encode_alt(t, v, out); },
                    x);
}

result<value> decode_one(byte_span buf, size_t& offset) {
  if (offset > buf.size() || buf.size() - offset < 2)
    return errc::truncated_value;
  auto t = read_uint<2>(buf, offset);
  if (t == 0 || t > decoders.size())
    return errc::unknown_tag;
  auto pos = offset + 2;
  auto res = decoders[t - 1](buf, pos);
  if (res)
    offset = pos;
  return res;
}

} // namespace pando::proto
