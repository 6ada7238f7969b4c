#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace pando::registry {

/// Errors of making or decoding entity keys (spec 2.3).
enum class key_errc : uint8_t {
  /// No error.
  none = 0,
  /// The configured AES key is not 16, 24 or 32 bytes long.
  invalid_aes_key_length,
  /// The key string has an odd length or a non-hex character.
  bad_hex,
  /// The key string decodes to fewer than 16 bytes (no complete IV).
  too_short,
  /// The decrypted part is not the 16-byte random ‖ id plaintext.
  invalid_format,
  /// OpenSSL failed to encrypt, decrypt or produce random bytes.
  crypto_failure,
};

/// Returns a human-readable message for `x`, matching the original's wording
/// where it had one.
/// @relates key_errc
std::string_view to_string(key_errc x) noexcept;

/// The per-key random input: a fresh IV and 8 random plaintext bytes.
struct key_nonce {
  /// AES-CFB initialisation vector; also the first half of the key.
  std::array<uint8_t, 16> iv{};
  /// Random prefix of the plaintext.
  std::array<uint8_t, 8> random{};
};

/// Result of `make_key`: the key string, or the reason there is none.
struct make_key_result {
  /// 64 lowercase hex characters; empty on error.
  std::string key;
  /// `key_errc::none` on success.
  key_errc error = key_errc::none;

  /// Returns whether a key was made.
  explicit operator bool() const noexcept { return error == key_errc::none; }
};

/// Result of `decode_key_id`: the entity id, or the reason there is none.
struct decode_key_result {
  /// The entity id; 0 on error.
  int64_t id = 0;
  /// `key_errc::none` on success.
  key_errc error = key_errc::none;

  /// Returns whether an id was decoded.
  explicit operator bool() const noexcept { return error == key_errc::none; }
};

/// Returns `invalid_aes_key_length` unless `aes_key` has 16, 24 or 32 bytes
/// (AES-128/192/256), else `key_errc::none`. Call it at startup.
key_errc check_aes_key(std::string_view aes_key) noexcept;

/// Returns the key of entity `id`: lowerhex(IV ‖ AES-CFB128(random ‖ id BE)).
///
/// Uses `nonce` instead of fresh random bytes; meant for tests.
make_key_result make_key(std::string_view aes_key, int64_t id,
                         const key_nonce& nonce);

/// Returns the key of entity `id` under a fresh random nonce.
make_key_result make_key(std::string_view aes_key, int64_t id);

/// Returns the entity id encrypted in `key`.
///
/// Does not authenticate: callers must compare `key` with the stored key of
/// the returned id. Accepts upper- and lowercase hex.
decode_key_result decode_key_id(std::string_view aes_key, std::string_view key);

} // namespace pando::registry
