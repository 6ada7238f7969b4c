#pragma once

// Strong identifier types. None of them travels as a bare integer across
// module boundaries.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace pando {

/// A device's 63-bit id: derived from its identifier (see `device_id_of`), so
/// that any node can route by id or identifier without a lookup. pando
/// devices use it in login and, as lowercase hex, as their MQTT client id.
struct device_id {
  std::uint64_t value = 0;

  /// Returns the lowercase hex form (the MQTT client id).
  std::string to_hex() const;

  /// Parses a lowercase or uppercase hex client id of 1..16 digits.
  static std::optional<device_id> from_hex(std::string_view text);

  friend bool operator==(device_id, device_id) = default;
  friend auto operator<=>(device_id, device_id) = default;
};

/// @relates device_id
template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_id& x) {
  return f(x.value);
}

/// Returns the device id of `identifier`: a 64-bit hash with the top bit
/// cleared, never 0.
device_id device_id_of(std::string_view identifier);

/// A shard: the unit of placement, replication and migration.
struct shard_id {
  std::uint32_t value = 0;

  friend bool operator==(shard_id, shard_id) = default;
  friend auto operator<=>(shard_id, shard_id) = default;
};

/// @relates shard_id
template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_id& x) {
  return f(x.value);
}

/// Returns the shard of `id` among `shards` shards.
shard_id shard_of(device_id id, std::uint32_t shards);

/// Returns "<shard as 4 hex digits>/": every stored record of a device
/// starts with its shard's prefix, so that a shard moves or replicates as
/// one key range.
std::string shard_key_prefix(shard_id shard);

/// Returns the shard whose prefix `key` starts with, if it starts with one.
std::optional<shard_id> shard_of_key(std::string_view key);

/// Returns "<shard as 4 hex digits>/<id as 16 hex digits>/": the prefix of
/// every stored record of device `id` (columns devices, history, commands,
/// rules).
std::string device_key_prefix(device_id id, std::uint32_t shards);

} // namespace pando

template<>
struct std::hash<pando::device_id> {
  std::size_t operator()(pando::device_id x) const noexcept {
    return std::hash<std::uint64_t>{}(x.value);
  }
};
