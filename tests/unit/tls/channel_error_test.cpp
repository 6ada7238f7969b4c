// The server-side TLS channel against bad peers: garbage, malformed and
// tampered records, oversized handshakes, untrusted certificates, old
// protocol versions, and a local writer that does not wait for the
// handshake. Every failure must be an error result, never an exception.

#include "tests/unit/tls/tls_fixture.hpp"

using namespace pando;
using namespace pando::test;
using tls::errc;
using tls::status;

namespace {

/// Checks that `res` and every later call on `ch` report the same failure.
void check_failed(tls::channel& ch, const tls::result& res, errc reason) {
  CHECK(res.code == status::error);
  CHECK(res.reason == reason);
  CHECK_FALSE(res.text.empty());
  CHECK(ch.error() == res.text);
  CHECK(ch.reason() == reason);
  bytes out;
  CHECK(ch.feed(to_bytes("more"), out).reason == reason);
  CHECK(ch.write(to_bytes("more")).reason == reason);
  CHECK(out.empty());
}

/// Returns a TLS handshake record header announcing `len` bytes.
bytes record_header(std::size_t len) {
  return {0x16, 0x03, 0x01, static_cast<std::uint8_t>(len >> 8),
          static_cast<std::uint8_t>(len)};
}

} // namespace

TEST_CASE("tls: errc names") {
  CHECK(std::string{to_string(errc::none)} == "none");
  CHECK(std::string{to_string(errc::handshake_too_large)}
        == "handshake_too_large");
  CHECK(std::string{to_string(errc::write_failed)} == "write_failed");
  CHECK(std::string{to_string(static_cast<errc>(200))} == "unknown");
}

TEST_CASE("tls: plain text instead of TLS is a handshake error") {
  tls_contexts ctx;
  tls::channel server{ctx.server};
  bytes out;
  auto res
    = server.feed(to_bytes("GET / HTTP/1.1\r\nHost: pando\r\n\r\n"), out);
  CHECK(res.text.find("http request") != std::string::npos);
  check_failed(server, res, errc::handshake_failed);
  CHECK_FALSE(server.handshake_done());
}

TEST_CASE("tls: a malformed ClientHello is a handshake error") {
  tls_contexts ctx;
  tls::channel server{ctx.server};
  auto input = record_header(4);
  input.insert(input.end(), {0x01, 0x00, 0x00, 0x00}); // empty ClientHello
  bytes out;
  auto res = server.feed(input, out);
  CAPTURE(res.text);
  CHECK(res.text.find("SSL routines") != std::string::npos);
  check_failed(server, res, errc::handshake_failed);
  bytes alert;
  server.take_output(alert);
  CHECK_FALSE(alert.empty()); // OpenSSL tells the peer why
}

TEST_CASE("tls: a peer may not send more than max_handshake_bytes") {
  tls_contexts ctx;
  tls::channel server{ctx.server};
  // A ClientHello announcing 64 KiB of body (OpenSSL itself would wait for
  // up to 128 KiB), spread over full 16 KiB records.
  bytes input;
  for (int i = 0; i < 6; ++i) {
    auto header = record_header(16384);
    input.insert(input.end(), header.begin(), header.end());
    input.resize(input.size() + 16384);
  }
  input[5] = 0x01; // ClientHello, length 0x010000
  input[6] = 0x01;
  const std::size_t limit = tls::channel_limits{}.max_handshake_bytes;
  const std::size_t piece = 1000;
  std::size_t fed = 0;
  tls::result res;
  bytes out;
  while (res.code != status::error && fed < input.size()) {
    auto n = std::min(piece, input.size() - fed);
    res = server.feed({input.data() + fed, n}, out);
    fed += n;
  }
  CHECK(fed > limit);
  CHECK(fed <= limit + piece);
  check_failed(server, res, errc::handshake_too_large);
}

TEST_CASE("tls: a real handshake larger than the limit is refused too") {
  tls_contexts ctx;
  tls_pair peers{ctx, {.max_handshake_bytes = 100}};
  auto res = peers.pump();
  check_failed(peers.server, res, errc::handshake_too_large);
}

TEST_CASE("tls: a tampered record is a bad_record error") {
  tls_contexts ctx;
  tls_pair peers{ctx};
  peers.connect();
  peers.client.send(to_bytes("secret"));
  auto wire = peers.client.pull();
  REQUIRE_FALSE(wire.empty());
  wire.back() ^= 0x01; // last byte of the AEAD tag
  auto res = peers.server.feed(wire, peers.server_plain);
  CAPTURE(res.text);
  CHECK(res.text.find("bad record mac") != std::string::npos);
  CHECK(peers.server_plain.empty());
  check_failed(peers.server, res, errc::bad_record);
}

TEST_CASE("tls: garbage after the handshake is a bad_record error") {
  tls_contexts ctx;
  tls_pair peers{ctx};
  peers.connect();
  // An MQTT CONNECT header sent without TLS.
  const bytes plain{0x10, 0x0c, 0x00, 0x04, 'M', 'Q', 'T', 'T'};
  auto res = peers.server.feed(plain, peers.server_plain);
  check_failed(peers.server, res, errc::bad_record);
}

TEST_CASE("tls: a client that does not trust the certificate aborts") {
  tls_contexts ctx;
  tls_contexts other;
  tls::channel server{ctx.server};
  tls_client client{other.client};
  bytes out;
  tls::result res;
  for (int round = 0; round < 10 && res.code != status::error; ++round) {
    client.step();
    res = server.feed(client.pull(), out);
    bytes to_client;
    server.take_output(to_client);
    client.push(to_client);
  }
  CAPTURE(client.error());
  CHECK(client.error().find("certificate verify failed") != std::string::npos);
  CAPTURE(res.text);
  CHECK(res.text.find("unknown ca") != std::string::npos);
  check_failed(server, res, errc::handshake_failed);
}

TEST_CASE("tls: clients limited to TLS 1.1 are refused") {
  tls_contexts ctx;
  tls_pair peers{ctx, {}, TLS1_1_VERSION};
  // Let the client offer TLS 1.1 at all: our client policy and OpenSSL 3's
  // default security level both forbid it.
  SSL_set_min_proto_version(peers.client.native(), TLS1_VERSION);
  SSL_set_security_level(peers.client.native(), 0);
  SSL_set_cipher_list(peers.client.native(), "DEFAULT@SECLEVEL=0");
  auto res = peers.pump();
  CAPTURE(res.text);
  CHECK(res.text.find("unsupported protocol") != std::string::npos);
  check_failed(peers.server, res, errc::handshake_failed);
}

TEST_CASE("tls: early writes are bounded by max_pending_plaintext") {
  tls_contexts ctx;
  tls::channel server{ctx.server, {.max_pending_plaintext = 10}};
  CHECK(server.write(to_bytes("123456")).code == status::ok);
  CHECK(server.write(to_bytes("7890")).code == status::ok);
  auto res = server.write(to_bytes("!"));
  check_failed(server, res, errc::pending_overflow);
}
