#include "actors/registry/entity_key.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace pando::registry {

namespace {

/// Size of IV ‖ ciphertext, the binary form of every key.
constexpr size_t key_bytes = 32;

/// Size of the plaintext: 8 random bytes ‖ int64 id.
constexpr size_t plain_bytes = 16;

using block = std::array<uint8_t, plain_bytes>;

/// Returns the AES-CFB128 cipher for a key of `len` bytes, or null.
const EVP_CIPHER* cipher_for(size_t len) noexcept {
  switch (len) {
    case 16: return EVP_aes_128_cfb128();
    case 24: return EVP_aes_192_cfb128();
    case 32: return EVP_aes_256_cfb128();
    default: return nullptr;
  }
}

/// Returns AES-CFB128 of `in` under `aes_key` and `iv` (encrypting if
/// `enc`, else decrypting), or nothing if OpenSSL fails.
std::optional<block> run_cfb(std::string_view aes_key, const block& iv,
                             const block& in, bool enc) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx{
    EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free};
  auto key = reinterpret_cast<const unsigned char*>(aes_key.data());
  block out{};
  int n = 0;
  int tail = 0;
  auto ok = ctx != nullptr
            && EVP_CipherInit_ex(ctx.get(), cipher_for(aes_key.size()), nullptr,
                                 key, iv.data(), enc ? 1 : 0)
                 == 1
            && EVP_CipherUpdate(ctx.get(), out.data(), &n, in.data(),
                                static_cast<int>(in.size()))
                 == 1
            && EVP_CipherFinal_ex(ctx.get(), out.data() + n, &tail) == 1
            && n + tail == static_cast<int>(out.size());
  if (!ok)
    return std::nullopt;
  return out;
}

/// Returns the value of hex digit `c`, or -1.
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Returns whether `str` is an even number of hex digits.
bool is_hex(std::string_view str) noexcept {
  return str.size() % 2 == 0 && std::all_of(str.begin(), str.end(), [](char c) {
           return hex_value(c) >= 0;
         });
}

/// Returns the byte spelled by the two hex digits at `str[pos]`.
uint8_t hex_byte(std::string_view str, size_t pos) noexcept {
  return static_cast<uint8_t>(hex_value(str[pos]) * 16
                              + hex_value(str[pos + 1]));
}

/// Appends the lowercase hex spelling of `xs` to `out`.
void append_hex(const block& xs, std::string& out) {
  static constexpr char digits[] = "0123456789abcdef";
  for (auto x : xs) {
    out += digits[x >> 4];
    out += digits[x & 0x0f];
  }
}

/// Returns random ‖ id as big-endian int64.
block make_plaintext(const key_nonce& nonce, int64_t id) noexcept {
  block result{};
  std::copy(nonce.random.begin(), nonce.random.end(), result.begin());
  auto bits = static_cast<uint64_t>(id);
  for (size_t i = 0; i < 8; ++i)
    result[8 + i] = static_cast<uint8_t>(bits >> (8 * (7 - i)));
  return result;
}

/// Returns the id stored big-endian in the second half of `plain`.
int64_t read_id(const block& plain) noexcept {
  uint64_t bits = 0;
  for (size_t i = 8; i < plain.size(); ++i)
    bits = (bits << 8) | plain[i];
  return static_cast<int64_t>(bits);
}

} // namespace

std::string_view to_string(key_errc x) noexcept {
  switch (x) {
    case key_errc::none: return "no error";
    case key_errc::invalid_aes_key_length:
      return "invalid aes key length, should be 16, 24 or 32 bytes.";
    case key_errc::bad_hex: return "invalid hex in key.";
    case key_errc::too_short: return "decrypt message too short";
    case key_errc::invalid_format: return "invalid key format.";
    case key_errc::crypto_failure: return "crypto library failure.";
  }
  return "<invalid key_errc>";
}

key_errc check_aes_key(std::string_view aes_key) noexcept {
  return cipher_for(aes_key.size()) != nullptr
           ? key_errc::none
           : key_errc::invalid_aes_key_length;
}

make_key_result make_key(std::string_view aes_key, int64_t id,
                         const key_nonce& nonce) {
  if (auto err = check_aes_key(aes_key); err != key_errc::none)
    return {{}, err};
  auto cipher = run_cfb(aes_key, nonce.iv, make_plaintext(nonce, id), true);
  if (!cipher)
    return {{}, key_errc::crypto_failure};
  make_key_result result;
  result.key.reserve(2 * key_bytes);
  append_hex(nonce.iv, result.key);
  append_hex(*cipher, result.key);
  return result;
}

make_key_result make_key(std::string_view aes_key, int64_t id) {
  key_nonce nonce;
  if (RAND_bytes(nonce.iv.data(), static_cast<int>(nonce.iv.size())) != 1
      || RAND_bytes(nonce.random.data(), static_cast<int>(nonce.random.size()))
           != 1)
    return {{}, key_errc::crypto_failure};
  return make_key(aes_key, id, nonce);
}

decode_key_result decode_key_id(std::string_view aes_key,
                                std::string_view key) {
  if (auto err = check_aes_key(aes_key); err != key_errc::none)
    return {0, err};
  if (!is_hex(key))
    return {0, key_errc::bad_hex};
  if (key.size() / 2 < plain_bytes)
    return {0, key_errc::too_short};
  if (key.size() / 2 != key_bytes)
    return {0, key_errc::invalid_format};
  block iv{};
  block cipher{};
  for (size_t i = 0; i < plain_bytes; ++i) {
    iv[i] = hex_byte(key, 2 * i);
    cipher[i] = hex_byte(key, 2 * (plain_bytes + i));
  }
  auto plain = run_cfb(aes_key, iv, cipher, false);
  if (!plain)
    return {0, key_errc::crypto_failure};
  return {read_id(*plain), key_errc::none};
}

} // namespace pando::registry
