// The server-side TLS channel against a real OpenSSL client over memory
// buffers: handshakes, application data in both directions and in odd
// pieces, and orderly closing. Failure cases live in channel_error_test.cpp.

#include "tests/unit/tls/tls_fixture.hpp"

using namespace pando;
using namespace pando::test;
using tls::status;

TEST_CASE("tls: handshake completes and the client verifies the server") {
  struct variant {
    key_kind key;
    int version;
  };
  for (auto [key, version] : {variant{key_kind::ec_p256, TLS1_3_VERSION},
                              variant{key_kind::ec_p256, TLS1_2_VERSION},
                              variant{key_kind::rsa_2048, TLS1_3_VERSION},
                              variant{key_kind::rsa_2048, TLS1_2_VERSION}}) {
    CAPTURE(version);
    tls_contexts ctx{key};
    tls_pair peers{ctx, {}, version};
    CHECK_FALSE(peers.server.handshake_done());
    peers.connect();
    CHECK(SSL_version(peers.client.native()) == version);
    CHECK(SSL_get_verify_result(peers.client.native()) == X509_V_OK);
    CHECK(peers.server.error().empty());
    CHECK(peers.server_plain.empty());
  }
}

TEST_CASE("tls: a feed without application data reports need_more") {
  tls_contexts ctx;
  tls_pair peers{ctx};
  peers.connect();
  REQUIRE_FALSE(peers.statuses.empty());
  for (auto code : peers.statuses)
    CHECK(code == status::need_more);
  bytes out;
  CHECK(peers.server.feed({}, out).code == status::need_more);
}

TEST_CASE("tls: application data flows both ways") {
  tls_contexts ctx;
  tls_pair peers{ctx};
  peers.connect();
  peers.client.send(to_bytes("ping from the device"));
  CHECK(peers.pump().code == status::ok);
  CHECK(to_text(peers.server_plain) == "ping from the device");
  REQUIRE(peers.server.write(to_bytes("pong")).code == status::ok);
  REQUIRE(peers.server.write(to_bytes(" from pando")).code == status::ok);
  peers.pump();
  CHECK(to_text(peers.client.received()) == "pong from pando");
}

TEST_CASE("tls: handshake and a record fed one byte at a time") {
  tls_contexts ctx;
  tls_pair peers{ctx};
  peers.pump(1);
  REQUIRE(peers.server.handshake_done());
  REQUIRE(peers.client.handshake_done());
  peers.statuses.clear();
  peers.client.send(to_bytes("MQTT CONNECT"));
  peers.pump(1);
  REQUIRE(peers.statuses.size() > 12);
  CHECK(peers.statuses.back() == status::ok);
  peers.statuses.pop_back();
  for (auto code : peers.statuses)
    CHECK(code == status::need_more);
  CHECK(to_text(peers.server_plain) == "MQTT CONNECT");
}

TEST_CASE("tls: 100 KB in odd chunks, both ways") {
  tls_contexts ctx;
  tls_pair peers{ctx};
  peers.connect();
  auto payload = pattern(100 * 1024);
  // Client to server: several records, fed in pieces that never line up
  // with record boundaries.
  peers.client.send(payload);
  auto wire = peers.client.pull();
  REQUIRE(wire.size() > payload.size());
  const std::size_t sizes[] = {1, 4, 5, 333, 4097, 16389, 7, 12345};
  std::size_t offset = 0;
  for (std::size_t i = 0; offset < wire.size(); ++i) {
    auto n = std::min(sizes[i % std::size(sizes)], wire.size() - offset);
    auto res = peers.server.feed({wire.data() + offset, n}, peers.server_plain);
    REQUIRE_MESSAGE(res.code != status::error, res.text);
    offset += n;
  }
  CHECK(peers.server_plain == payload);
  // Server to client, then a small message through the same channel (the
  // large output buffer is replaced after it was drained).
  REQUIRE(peers.server.write(payload).code == status::ok);
  bytes out;
  peers.server.take_output(out);
  CHECK(out.size() > payload.size());
  peers.client.push(out);
  REQUIRE(peers.server.write(to_bytes("tail")).code == status::ok);
  peers.pump();
  auto expected = payload;
  expected.insert(expected.end(), {'t', 'a', 'i', 'l'});
  CHECK(peers.client.received() == expected);
}

TEST_CASE("tls: data right behind the client's Finished is not handshake") {
  tls_contexts ctx;
  tls_pair peers{ctx};
  peers.client.step(); // ClientHello
  bytes out;
  peers.server.feed(peers.client.pull(), peers.server_plain);
  peers.server.take_output(out);
  peers.client.push(out);
  peers.client.step(); // Finished
  REQUIRE(peers.client.handshake_done());
  REQUIRE_FALSE(peers.server.handshake_done());
  // More than max_handshake_bytes in the same feed as the Finished.
  auto payload = pattern(100 * 1024);
  peers.client.send(payload);
  auto res = peers.server.feed(peers.client.pull(), peers.server_plain);
  CHECK_MESSAGE(res.code == status::ok, res.text);
  CHECK(peers.server.handshake_done());
  CHECK(peers.server_plain == payload);
}

TEST_CASE("tls: writes before the handshake are sent right after it") {
  tls_contexts ctx;
  tls_pair peers{ctx};
  REQUIRE(peers.server.write(to_bytes("early ")).code == status::ok);
  REQUIRE(peers.server.write(to_bytes("bird")).code == status::ok);
  bytes out;
  peers.server.take_output(out);
  CHECK(out.empty()); // nothing before the ClientHello
  peers.connect();
  CHECK(to_text(peers.client.received()) == "early bird");
}

TEST_CASE("tls: the client's close_notify closes the channel") {
  tls_contexts ctx;
  tls_pair peers{ctx};
  peers.connect();
  std::string last_data;
  SUBCASE("alone") { peers.client.shutdown(); }
  SUBCASE("right after data, in the same feed") {
    last_data = "bye";
    peers.client.send(to_bytes(last_data));
    peers.client.shutdown();
  }
  CHECK(peers.pump().code == status::closed);
  CHECK(peers.server.closed());
  CHECK(peers.client.got_close_notify()); // the server replied
  CHECK(peers.server.error().empty());
  bytes more;
  CHECK(peers.server.feed(to_bytes("ignored"), more).code == status::closed);
  CHECK(peers.server.write(to_bytes("late")).reason
        == tls::errc::write_after_close);
  CHECK(more.empty());
  CHECK(to_text(peers.server_plain) == last_data);
}

TEST_CASE("tls: shutdown sends close_notify and stops writes") {
  tls_contexts ctx;
  tls_pair peers{ctx};
  peers.connect();
  REQUIRE(peers.server.write(to_bytes("last words")).code == status::ok);
  peers.server.shutdown();
  peers.pump();
  CHECK(to_text(peers.client.received()) == "last words");
  CHECK(peers.client.got_close_notify());
  auto res = peers.server.write(to_bytes("more"));
  CHECK(res.code == status::error);
  CHECK(res.reason == tls::errc::write_after_close);
}

TEST_CASE("tls: shutdown during the handshake stops the channel") {
  tls_contexts ctx;
  tls_pair peers{ctx};
  REQUIRE(peers.server.write(to_bytes("never sent")).code == status::ok);
  peers.server.shutdown();
  peers.client.step();
  bytes out;
  CHECK(peers.server.feed(peers.client.pull(), out).code == status::closed);
  peers.server.take_output(out);
  CHECK(out.empty());
  CHECK_FALSE(peers.server.handshake_done());
}

TEST_CASE("tls: usage by a socket owner (README snippet)") {
  tls_contexts ctx;
  tls::channel tls{ctx.server};
  tls_client client{ctx.client};
  bytes plaintext;
  bytes to_socket;
  bytes session_input; // what the MQTT session would be fed
  bool close_socket = false;
  auto on_data = [&](std::span<const std::uint8_t> received) {
    // --(tls-owner-begin)--
    // In the broker's new_data_msg handler: decrypt, hand the plaintext to
    // the MQTT session, send what TLS wants sent, close on closed or error.
    plaintext.clear();
    auto res = tls.feed(received, plaintext);
    if (!plaintext.empty())
      session_input.insert(session_input.end(), plaintext.begin(),
                           plaintext.end());
    tls.take_output(to_socket); // then write(handle, n, ptr) + flush
    if (res.code == tls::status::error || res.code == tls::status::closed)
      close_socket = true; // after flushing to_socket
    // --(tls-owner-end)--
  };
  for (int round = 0; round < 20 && !close_socket; ++round) {
    client.step();
    if (round == 3)
      client.send(to_bytes("CONNECT"));
    if (round == 5)
      client.shutdown();
    on_data(client.pull());
    client.push(to_socket);
    to_socket.clear();
  }
  CHECK(close_socket);
  CHECK(to_text(session_input) == "CONNECT");
  client.step(); // reads the server's close_notify
  CHECK(client.got_close_notify());
}
