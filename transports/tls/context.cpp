#include "transports/tls/context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <climits>
#include <vector>

namespace pando::tls {

namespace {

// -- OpenSSL handles ----------------------------------------------------------

struct bio_deleter {
  void operator()(BIO* ptr) const noexcept { BIO_free(ptr); }
};

struct x509_deleter {
  void operator()(X509* ptr) const noexcept { X509_free(ptr); }
};

struct pkey_deleter {
  void operator()(EVP_PKEY* ptr) const noexcept { EVP_PKEY_free(ptr); }
};

using bio_ptr = std::unique_ptr<BIO, bio_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;

// -- policy -------------------------------------------------------------------

/// TLS 1.2 suites of Mozilla's "intermediate" profile: forward secrecy and
/// AEAD only. TLS 1.3 keeps OpenSSL's defaults, which are all fine.
constexpr const char* tls12_ciphers
  = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

/// Password callback that refuses: an encrypted key fails to load instead of
/// OpenSSL prompting on the terminal (which would block the process).
int no_password(char*, int, int, void*) { return 0; }

/// Returns a context with pando's protocol policy, or null.
ssl_ctx_ptr make_ctx(const SSL_METHOD* method) {
  ssl_ctx_ptr ctx{SSL_CTX_new(method)};
  if (!ctx)
    return nullptr;
  auto* ptr = ctx.get();
  if (SSL_CTX_set_min_proto_version(ptr, TLS1_2_VERSION) != 1
      || SSL_CTX_set_cipher_list(ptr, tls12_ciphers) != 1
      || SSL_CTX_set_dh_auto(ptr, 1) != 1)
    return nullptr;
  SSL_CTX_set_options(ptr, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode(ptr, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_default_passwd_cb(ptr, no_password);
  return ctx;
}

// -- PEM input ----------------------------------------------------------------

/// A PEM source: an open BIO and how to name it in messages.
struct pem_source {
  bio_ptr bio;
  std::string name;
};

/// Opens `path`; sets `error` and returns a null BIO on failure.
pem_source open_file(const std::string& path, std::string& error) {
  pem_source src{bio_ptr{BIO_new_file(path.c_str(), "r")}, "'" + path + "'"};
  if (!src.bio && error.empty())
    error = "cannot open " + src.name + ": " + openssl_errors();
  return src;
}

/// Wraps `pem` (not copied); `what` names it in messages.
pem_source open_memory(std::string_view pem, const char* what,
                       std::string& error) {
  pem_source src{nullptr, std::string{"the "} + what + " PEM text"};
  if (pem.size() <= INT_MAX)
    src.bio.reset(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!src.bio && error.empty())
    error = "cannot read " + src.name + ": " + openssl_errors();
  return src;
}

/// Reads every PEM certificate of `src`; sets `error` unless there is at
/// least one and all are well-formed.
std::vector<x509_ptr> read_certs(pem_source& src, std::string& error) {
  std::vector<x509_ptr> certs;
  while (auto* cert
         = PEM_read_bio_X509(src.bio.get(), nullptr, no_password, nullptr))
    certs.emplace_back(cert);
  auto last = ERR_peek_last_error();
  if (!certs.empty() && ERR_GET_LIB(last) == ERR_LIB_PEM
      && ERR_GET_REASON(last) == PEM_R_NO_START_LINE) {
    ERR_clear_error(); // the normal end of input
    return certs;
  }
  error = "cannot read a PEM certificate from " + src.name + ": "
          + openssl_errors();
  return {};
}

// -- context assembly ---------------------------------------------------------

/// Installs the chain read from `src` as the server certificate.
bool use_chain(SSL_CTX* ctx, pem_source& src, std::string& error) {
  auto chain = read_certs(src, error);
  if (chain.empty())
    return false;
  bool ok = SSL_CTX_use_certificate(ctx, chain.front().get()) == 1;
  for (size_t i = 1; ok && i < chain.size(); ++i)
    ok = SSL_CTX_add1_chain_cert(ctx, chain[i].get()) == 1;
  if (!ok)
    error = "cannot use the certificate chain from " + src.name + ": "
            + openssl_errors();
  return ok;
}

/// Installs the key read from `key` and checks it against the certificate.
bool use_key(SSL_CTX* ctx, pem_source& key, const pem_source& cert,
             std::string& error) {
  pkey_ptr pkey{
    PEM_read_bio_PrivateKey(key.bio.get(), nullptr, no_password, nullptr)};
  if (!pkey) {
    error = "cannot read a PEM private key from " + key.name + ": "
            + openssl_errors();
    return false;
  }
  if (SSL_CTX_use_PrivateKey(ctx, pkey.get()) != 1
      || SSL_CTX_check_private_key(ctx) != 1) {
    error = "the private key in " + key.name
            + " does not match the certificate in " + cert.name + ": "
            + openssl_errors();
    return false;
  }
  return true;
}

/// Returns a server context for `cert` and `key`, or null with `error` set.
ssl_ctx_ptr make_server_ctx(pem_source& cert, pem_source& key,
                            std::string& error) {
  if (!error.empty())
    return nullptr; // opening a source failed
  auto ctx = make_ctx(TLS_server_method());
  if (!ctx) {
    error = "cannot create a TLS server context: " + openssl_errors();
    return nullptr;
  }
  if (!use_chain(ctx.get(), cert, error)
      || !use_key(ctx.get(), key, cert, error))
    return nullptr;
  return ctx;
}

/// Returns a client context trusting the CAs in `ca` (none: no verification),
/// or null with `error` set.
ssl_ctx_ptr make_client_ctx(pem_source* ca, std::string& error) {
  if (!error.empty())
    return nullptr; // opening the source failed
  auto ctx = make_ctx(TLS_client_method());
  if (!ctx) {
    error = "cannot create a TLS client context: " + openssl_errors();
    return nullptr;
  }
  if (ca == nullptr)
    return ctx;
  auto* store = SSL_CTX_get_cert_store(ctx.get());
  for (auto& cert : read_certs(*ca, error))
    if (X509_STORE_add_cert(store, cert.get()) != 1)
      error = "cannot trust a certificate from " + ca->name + ": "
              + openssl_errors();
  if (!error.empty())
    return nullptr;
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

} // namespace

// -- server_context -----------------------------------------------------------

expected<server_context> server_context::load(const std::string& cert_file,
                                              const std::string& key_file) {
  ERR_clear_error();
  std::string error;
  auto cert = open_file(cert_file, error);
  auto key = open_file(key_file, error);
  auto ctx = make_server_ctx(cert, key, error);
  if (!ctx)
    return expected<server_context>::failure(std::move(error));
  return server_context{std::move(ctx)};
}

expected<server_context> server_context::load_pem(std::string_view cert_pem,
                                                  std::string_view key_pem) {
  ERR_clear_error();
  std::string error;
  auto cert = open_memory(cert_pem, "certificate", error);
  auto key = open_memory(key_pem, "private key", error);
  auto ctx = make_server_ctx(cert, key, error);
  if (!ctx)
    return expected<server_context>::failure(std::move(error));
  return server_context{std::move(ctx)};
}

// -- client_context -----------------------------------------------------------

expected<client_context> client_context::load(const std::string& ca_file) {
  ERR_clear_error();
  std::string error;
  auto ca = open_file(ca_file, error);
  auto ctx = make_client_ctx(&ca, error);
  if (!ctx)
    return expected<client_context>::failure(std::move(error));
  return client_context{std::move(ctx)};
}

expected<client_context> client_context::load_pem(std::string_view ca_pem) {
  ERR_clear_error();
  std::string error;
  auto ca = open_memory(ca_pem, "CA certificate", error);
  auto ctx = make_client_ctx(&ca, error);
  if (!ctx)
    return expected<client_context>::failure(std::move(error));
  return client_context{std::move(ctx)};
}

expected<client_context> client_context::insecure() {
  ERR_clear_error();
  std::string error;
  auto ctx = make_client_ctx(nullptr, error);
  if (!ctx)
    return expected<client_context>::failure(std::move(error));
  return client_context{std::move(ctx)};
}

} // namespace pando::tls
