#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pando {

/// What a device actor persists about its device's identity (key
/// `<id>/r` in the devices column). The secret is stored only as a salted
/// SHA-256 hash.
struct device_record {
  std::string identifier;
  std::int64_t product_id = 0;
  std::int64_t vendor_id = 0;
  std::string device_key;
  std::string secret_salt; ///< hex
  std::string secret_hash; ///< hex SHA-256(salt || secret)
  std::string name;
  std::string description;
  std::string version;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

/// Returns `x` as JSON text.
std::string to_json(const device_record& x);

/// Parses JSON text written by `to_json`.
std::optional<device_record> device_record_from_json(const std::string& text);

/// The device's current access token (key `<id>/t`).
struct device_token {
  std::string token; ///< lowercase hex of 16 random bytes
  std::int64_t expires_at_ms = 0;
};

std::string to_json(const device_token& x);
std::optional<device_token> device_token_from_json(const std::string& text);

/// Returns `n` cryptographically random bytes.
std::string random_bytes(std::size_t n);

/// Returns the lowercase hex form of `bytes`.
std::string to_hex(std::string_view bytes);

/// Returns `x` as 16 lowercase hex digits (keys sort in numeric order).
std::string to_hex16(std::uint64_t x);

/// Returns standard base64 (with padding) of `bytes`.
std::string to_base64(std::string_view bytes);

/// Returns hex SHA-256 of `salt || secret`.
std::string hash_secret(std::string_view salt, std::string_view secret);

/// Compares two strings in time independent of where they differ.
bool equal_constant_time(std::string_view a, std::string_view b);

} // namespace pando
