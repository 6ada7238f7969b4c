#pragma once

// A real OpenSSL client as the peer of the `channel` under test, plus a pump
// that moves bytes between them in memory. The client is driven directly
// through the OpenSSL API (not through a second `channel`), so that a bug in
// `channel` cannot cancel itself out.

#include "tests/unit/tls/test_cert.hpp"
#include "transports/tls/channel.hpp"
#include "transports/tls/context.hpp"

#include <doctest/doctest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pando::test {

using bytes = std::vector<std::uint8_t>;

inline bytes to_bytes(std::string_view text) {
  return bytes(text.begin(), text.end());
}

inline std::string to_text(const bytes& data) {
  return std::string(data.begin(), data.end());
}

/// Returns `size` bytes of a fixed pseudo-random pattern.
inline bytes pattern(std::size_t size) {
  bytes out(size);
  std::uint32_t x = 2463534242u;
  for (auto& byte : out) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    byte = static_cast<std::uint8_t>(x);
  }
  return out;
}

/// A client-side TLS connection over memory BIOs.
class tls_client {
 public:
  /// Connects to `host` (SNI and name check); `max_version` 0 = any.
  explicit tls_client(const tls::client_context& ctx,
                      const char* host = "localhost", int max_version = 0)
      : ssl_(SSL_new(ctx.native_handle())) {
    REQUIRE(ssl_ != nullptr);
    SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(ssl_);
    SSL_set_tlsext_host_name(ssl_, host);
    SSL_set1_host(ssl_, host);
    if (max_version != 0)
      SSL_set_max_proto_version(ssl_, max_version);
  }

  ~tls_client() { SSL_free(ssl_); }

  tls_client(const tls_client&) = delete;
  tls_client& operator=(const tls_client&) = delete;

  SSL* native() const { return ssl_; }

  bool handshake_done() const { return SSL_is_init_finished(ssl_) == 1; }

  /// Decrypted bytes received from the server so far.
  bytes& received() { return received_; }

  /// Whether the server's close_notify arrived.
  bool got_close_notify() const { return got_close_; }

  /// OpenSSL's reason for the client's first hard failure, or empty.
  const std::string& error() const { return error_; }

  /// Hands bytes from the server to the client.
  void push(const bytes& data) {
    if (!data.empty())
      BIO_write(SSL_get_rbio(ssl_), data.data(), static_cast<int>(data.size()));
  }

  /// Takes the bytes the client wants to send to the server.
  bytes pull() {
    auto* wbio = SSL_get_wbio(ssl_);
    bytes out(BIO_ctrl_pending(wbio));
    if (!out.empty())
      BIO_read(wbio, out.data(), static_cast<int>(out.size()));
    return out;
  }

  /// Advances the handshake, then reads everything that arrived.
  void step() {
    ERR_clear_error();
    if (!handshake_done()) {
      if (auto rc = SSL_do_handshake(ssl_); rc != 1) {
        note_failure(rc);
        return;
      }
    }
    std::uint8_t buf[4096];
    std::size_t got = 0;
    int rc;
    while ((rc = SSL_read_ex(ssl_, buf, sizeof(buf), &got)) == 1)
      received_.insert(received_.end(), buf, buf + got);
    note_failure(rc);
  }

  /// Encrypts `data` for the server.
  void send(const bytes& data) {
    std::size_t done = 0;
    REQUIRE(SSL_write_ex(ssl_, data.data(), data.size(), &done) == 1);
    REQUIRE(done == data.size());
  }

  /// Queues the client's close_notify.
  void shutdown() { SSL_shutdown(ssl_); }

 private:
  void note_failure(int rc) {
    auto err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_ZERO_RETURN)
      got_close_ = true;
    else if (err != SSL_ERROR_WANT_READ && error_.empty())
      error_ = tls::openssl_errors();
  }

  SSL* ssl_;
  bytes received_;
  bool got_close_ = false;
  std::string error_;
};

/// Contexts for a fresh self-signed localhost certificate.
struct tls_contexts {
  explicit tls_contexts(key_kind kind = key_kind::ec_p256)
      : pem(make_self_signed(kind)),
        server(unwrap(tls::server_context::load_pem(pem.cert, pem.key))),
        client(unwrap(tls::client_context::load_pem(pem.cert))) {
    // nop
  }

  template<class T>
  static T unwrap(tls::expected<T> x) {
    REQUIRE_MESSAGE(x.has_value(), x.error());
    return std::move(*x);
  }

  pem_pair pem;
  tls::server_context server;
  tls::client_context client;
};

/// The channel under test, its client peer and the server's plaintext.
struct tls_pair {
  explicit tls_pair(const tls_contexts& ctx, tls::channel_limits limits = {},
                    int client_max_version = 0)
      : server(ctx.server, limits),
        client(ctx.client, "localhost", client_max_version) {
    // nop
  }

  /// Moves bytes both ways until both sides are quiet; feeds the server
  /// `chunk` bytes at a time. Returns the last `feed` result and records
  /// every status in `statuses`.
  tls::result pump(std::size_t chunk = SIZE_MAX) {
    tls::result last;
    for (int round = 0; round < 100; ++round) {
      client.step();
      auto to_server = client.pull();
      for (std::size_t i = 0; i < to_server.size(); i += chunk) {
        auto n = std::min(chunk, to_server.size() - i);
        last = server.feed({to_server.data() + i, n}, server_plain);
        statuses.push_back(last.code);
      }
      bytes to_client;
      server.take_output(to_client);
      client.push(to_client);
      if (to_server.empty() && to_client.empty())
        return last;
    }
    FAIL("pump did not settle");
    return last;
  }

  /// Runs the handshake and requires it to succeed on both sides.
  void connect() {
    auto res = pump();
    REQUIRE_MESSAGE(res.code != tls::status::error, res.text);
    REQUIRE(server.handshake_done());
    REQUIRE_MESSAGE(client.handshake_done(), client.error());
  }

  tls::channel server;
  tls_client client;
  bytes server_plain;
  std::vector<tls::status> statuses;
};

} // namespace pando::test
