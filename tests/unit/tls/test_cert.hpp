#pragma once

// Throwaway certificates for the TLS tests, made with the OpenSSL API so the
// tests need neither files nor the `openssl` command.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace pando::test {

/// A PEM certificate and the PEM private key it belongs to.
struct pem_pair {
  std::string cert;
  std::string key;
};

/// Key algorithm of a test certificate.
enum class key_kind { ec_p256, rsa_2048 };

namespace detail {

struct x509_free_fn {
  void operator()(X509* ptr) const noexcept { X509_free(ptr); }
};
struct pkey_free_fn {
  void operator()(EVP_PKEY* ptr) const noexcept { EVP_PKEY_free(ptr); }
};
struct bio_free_fn {
  void operator()(BIO* ptr) const noexcept { BIO_free(ptr); }
};

using x509_ptr = std::unique_ptr<X509, x509_free_fn>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free_fn>;
using bio_ptr = std::unique_ptr<BIO, bio_free_fn>;

/// Throws if an OpenSSL call in the test helpers failed.
inline void check(bool ok, const char* what) {
  if (!ok)
    throw std::runtime_error(std::string{"test certificate: "} + what);
}

inline pkey_ptr make_key(key_kind kind) {
  pkey_ptr key{kind == key_kind::ec_p256 ? EVP_EC_gen("P-256")
                                         : EVP_RSA_gen(2048)};
  check(key != nullptr, "key generation");
  return key;
}

/// Adds extension `nid` with the openssl.cnf-style `value` to `cert`.
inline void add_ext(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  auto* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr && X509_add_ext(cert, ext, -1) == 1, "extension");
  X509_EXTENSION_free(ext);
}

inline x509_ptr make_cert(EVP_PKEY* key, const std::string& cn) {
  x509_ptr cert{X509_new()};
  check(cert != nullptr, "X509_new");
  auto* x = cert.get();
  X509_set_version(x, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, key);
  auto* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(x, name);
  add_ext(x, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  add_ext(x, NID_basic_constraints, "critical,CA:TRUE");
  check(X509_sign(x, key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

/// Returns everything written to `bio` so far.
inline std::string drain(BIO* bio) {
  char* data = nullptr;
  auto len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

} // namespace detail

/// Returns a fresh self-signed certificate (CN and subjectAltName for
/// localhost and 127.0.0.1, valid for a day) and its unencrypted key.
inline pem_pair make_self_signed(key_kind kind = key_kind::ec_p256,
                                 const std::string& cn = "localhost") {
  auto key = detail::make_key(kind);
  auto cert = detail::make_cert(key.get(), cn);
  detail::bio_ptr cert_bio{BIO_new(BIO_s_mem())};
  detail::bio_ptr key_bio{BIO_new(BIO_s_mem())};
  detail::check(PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1
                  && PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr,
                                              nullptr, 0, nullptr, nullptr)
                       == 1,
                "PEM output");
  return {detail::drain(cert_bio.get()), detail::drain(key_bio.get())};
}

/// Returns `key_pem` encrypted with AES-256 under `passphrase`.
inline std::string encrypt_key(const std::string& key_pem,
                               const std::string& passphrase) {
  detail::bio_ptr in{
    BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()))};
  detail::pkey_ptr key{
    PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr)};
  detail::check(key != nullptr, "reading the key");
  detail::bio_ptr out{BIO_new(BIO_s_mem())};
  detail::check(PEM_write_bio_PKCS8PrivateKey(
                  out.get(), key.get(), EVP_aes_256_cbc(), passphrase.c_str(),
                  static_cast<int>(passphrase.size()), nullptr, nullptr)
                  == 1,
                "encrypting the key");
  return detail::drain(out.get());
}

} // namespace pando::test
