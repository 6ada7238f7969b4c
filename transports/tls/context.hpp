#pragma once

#include "transports/tls/expected.hpp"
#include "transports/tls/native.hpp"

#include <string>
#include <string_view>

namespace pando::tls {

/// TLS settings shared by every server-side `channel`: the certificate chain,
/// its private key and the protocol policy.
///
/// Policy: TLS 1.2 minimum, ECDHE/DHE key exchange with AEAD ciphers for TLS
/// 1.2 (Mozilla "intermediate"), OpenSSL's TLS 1.3 defaults, no
/// renegotiation, no client certificates. Encrypted private keys are
/// rejected instead of prompting for a passphrase.
///
/// A `channel` keeps its own reference to the underlying `SSL_CTX`, so a
/// context may be replaced (certificate rotation) or destroyed while
/// channels made from it are still open.
class server_context {
 public:
  // -- factories --------------------------------------------------------------

  /// Loads a PEM certificate chain (leaf first) and its PEM private key.
  /// Returns a message naming the file and OpenSSL's reason on failure, also
  /// when the key does not belong to the certificate.
  static expected<server_context> load(const std::string& cert_file,
                                       const std::string& key_file);

  /// Like `load`, but takes the PEM text itself (tests, embedded secrets).
  static expected<server_context> load_pem(std::string_view cert_pem,
                                           std::string_view key_pem);

  // -- properties -------------------------------------------------------------

  /// Returns the underlying `SSL_CTX`; never null.
  ssl_ctx_st* native_handle() const noexcept { return ctx_.get(); }

 private:
  explicit server_context(ssl_ctx_ptr ctx) : ctx_(std::move(ctx)) {
    // nop
  }

  ssl_ctx_ptr ctx_;
};

/// TLS settings for client connections, for tests and tools (pando itself
/// only accepts TLS). Same protocol policy as `server_context`.
class client_context {
 public:
  // -- factories --------------------------------------------------------------

  /// Creates a context that verifies servers against the PEM CA
  /// certificates in `ca_file`. Returns a message naming the file on failure.
  static expected<client_context> load(const std::string& ca_file);

  /// Like `load`, but takes the PEM text itself.
  static expected<client_context> load_pem(std::string_view ca_pem);

  /// Creates a context that accepts any server certificate. Only for tests
  /// and tools talking to a throwaway certificate.
  static expected<client_context> insecure();

  // -- properties -------------------------------------------------------------

  /// Returns the underlying `SSL_CTX`; never null. Callers that verify the
  /// server still have to set the expected name per connection
  /// (`SSL_set1_host`).
  ssl_ctx_st* native_handle() const noexcept { return ctx_.get(); }

 private:
  explicit client_context(ssl_ctx_ptr ctx) : ctx_(std::move(ctx)) {
    // nop
  }

  ssl_ctx_ptr ctx_;
};

} // namespace pando::tls
