#include "actors/device/ids.hpp"

namespace pando {

namespace {

/// SplitMix64's finalizer: spreads every input bit over the output.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

} // namespace

std::string device_id::to_hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  if (value == 0)
    return "0";
  std::string out;
  for (auto x = value; x != 0; x >>= 4)
    out.insert(out.begin(), digits[x & 0xf]);
  return out;
}

std::optional<device_id> device_id::from_hex(std::string_view text) {
  if (text.empty() || text.size() > 16)
    return std::nullopt;
  std::uint64_t x = 0;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return std::nullopt;
    x = (x << 4) | static_cast<std::uint64_t>(d);
  }
  return device_id{x};
}

device_id device_id_of(std::string_view identifier) {
  // FNV-1a over the bytes, then a strong finalizer.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : identifier) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  auto x = mix(h) & 0x7fffffffffffffffULL;
  return device_id{x == 0 ? 1 : x};
}

shard_id shard_of(device_id id, std::uint32_t shards) {
  return shard_id{static_cast<std::uint32_t>(mix(id.value) % shards)};
}

namespace {

std::string hex_digits(std::uint64_t x, int digits) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, x >>= 4)
    out[static_cast<std::size_t>(i)] = hex[x & 0xf];
  return out;
}

} // namespace

std::string shard_key_prefix(shard_id shard) {
  return hex_digits(shard.value, 4) + "/";
}

std::optional<shard_id> shard_of_key(std::string_view key) {
  if (key.size() < 5 || key[4] != '/')
    return std::nullopt;
  auto digits = device_id::from_hex(key.substr(0, 4));
  if (!digits)
    return std::nullopt;
  return shard_id{static_cast<std::uint32_t>(digits->value)};
}

std::string device_key_prefix(device_id id, std::uint32_t shards) {
  return shard_key_prefix(shard_of(id, shards)) + hex_digits(id.value, 16)
         + "/";
}

} // namespace pando
