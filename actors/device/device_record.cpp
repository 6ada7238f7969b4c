#include "actors/device/device_record.hpp"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

namespace pando {

std::string to_json(const device_record& x) {
  nlohmann::json j{
    {"identifier", x.identifier},
    {"product_id", x.product_id},
    {"vendor_id", x.vendor_id},
    {"device_key", x.device_key},
    {"secret_salt", x.secret_salt},
    {"secret_hash", x.secret_hash},
    {"name", x.name},
    {"description", x.description},
    {"version", x.version},
    {"created_at_ms", x.created_at_ms},
    {"updated_at_ms", x.updated_at_ms},
  };
  return j.dump();
}

std::optional<device_record> device_record_from_json(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return std::nullopt;
  try {
    device_record x;
    x.identifier = j.at("identifier").get<std::string>();
    x.product_id = j.at("product_id").get<std::int64_t>();
    x.vendor_id = j.at("vendor_id").get<std::int64_t>();
    x.device_key = j.at("device_key").get<std::string>();
    x.secret_salt = j.at("secret_salt").get<std::string>();
    x.secret_hash = j.at("secret_hash").get<std::string>();
    x.name = j.value("name", "");
    x.description = j.value("description", "");
    x.version = j.value("version", "");
    x.created_at_ms = j.value("created_at_ms", std::int64_t{0});
    x.updated_at_ms = j.value("updated_at_ms", std::int64_t{0});
    return x;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string to_json(const device_token& x) {
  return nlohmann::json{{"token", x.token}, {"expires_at_ms", x.expires_at_ms}}
    .dump();
}

std::optional<device_token> device_token_from_json(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("token"))
    return std::nullopt;
  try {
    return device_token{j.at("token").get<std::string>(),
                        j.value("expires_at_ms", std::int64_t{0})};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(n))
      != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 0xf];
  }
  return out;
}

std::string to_hex16(std::uint64_t x) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, x >>= 4)
    out[static_cast<std::size_t>(i)] = digits[x & 0xf];
  return out;
}

std::string to_base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string hash_secret(std::string_view salt, std::string_view secret) {
  std::string input{salt};
  input.append(secret);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         digest);
  return to_hex(
    std::string_view{reinterpret_cast<const char*>(digest), sizeof(digest)});
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace pando
