// MQTT session: CONNECT, authentication, CONNACK codes, deadlines, will,
// malformed input and the packets without payload. Byte vectors follow the
// MQTT 3.1.1 standard (sections 3.1, 3.2, 3.12 to 3.14).

#include "tests/unit/mqtt/session_fixture.hpp"

#include <set>
#include <string>

using namespace pando::mqtt;
using namespace pando::mqtt::test;

// -- before CONNECT (spec S3) -------------------------------------------------

TEST_CASE_FIXTURE(session_fixture, "mqtt session: starts awaiting CONNECT") {
  CHECK(uut->state() == session_state::awaiting_connect);
  CHECK(!uut->reason());
  CHECK(callee.sent.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: a first packet other than CONNECT closes") {
  SUBCASE("PINGREQ") { CHECK(feed("c0 00") == session_state::closed); }
  SUBCASE("PUBLISH QoS 0 is not forwarded") {
    CHECK(feed("30 05 00 01 65 68 69") == session_state::closed);
  }
  SUBCASE("SUBSCRIBE") {
    CHECK(feed("82 06 00 01 00 01 61 00") == session_state::closed);
  }
  CHECK(closed_for(close_reason::protocol_error));
  CHECK(callee.sent.empty());
  CHECK(callee.published.empty());
  CHECK(callee.auth_requests.empty());
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: CONNECT in pieces") {
  CHECK(feed("10 0d 00 04 4d") == session_state::awaiting_connect);
  CHECK(feed("51 54 54 04 02 00") == session_state::awaiting_connect);
  CHECK(feed("3c 00 01 63") == session_state::authenticating);
  REQUIRE(callee.auth_requests.size() == 1);
  const auto& request = callee.auth_requests[0];
  CHECK(request.client_id == "c");
  CHECK(request.clean_session);
  CHECK(request.keep_alive == 60s);
  CHECK(request.protocol_level == 4);
  CHECK(!request.username);
  CHECK(!request.will);
  CHECK(callee.sent.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: CONNECT fields reach the authenticator") {
  // MQTT 3.1 (MQIsdp, level 3), will retain QoS 1, user "u", password ff 00.
  feed("10 1e 00 06 4d 51 49 73 64 70 03 ee 00 1e 00 02 31 61"
       " 00 01 77 00 02 6f 66 00 01 75 00 02 ff 00");
  REQUIRE(uut->state() == session_state::authenticating);
  const auto& request = callee.auth_requests.at(0);
  CHECK(request.protocol_level == 3);
  CHECK(request.client_id == "1a");
  CHECK(request.keep_alive == 30s);
  CHECK(request.username == "u");
  CHECK(request.password == hex("ff 00"));
  CHECK(request.will
        == inbound_message{"w", ascii("of"), qos::at_least_once, true});
  CHECK(uut->client_id() == "1a");
}

// -- authentication -----------------------------------------------------------

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: accepted CONNECT sends CONNACK 0") {
  feed(connect_clean);
  CHECK(callee.sent.empty());
  CHECK(answer() == session_state::connected);
  CHECK(sent() == packets{"20 02 00 00"});
  CHECK(callee.closes.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: rejected CONNECT sends its CONNACK code") {
  auto check_rejection
    = [this](connect_return_code code, const std::string& connack,
             close_reason reason) {
        reset({});
        feed(connect_clean);
        CHECK(answer({code, std::nullopt}) == session_state::closed);
        CHECK(sent() == packets{connack});
        CHECK(closed_for(reason));
      };
  check_rejection(connect_return_code::identifier_rejected, "20 02 00 02",
                  close_reason::identifier_rejected);
  check_rejection(connect_return_code::server_unavailable, "20 02 00 03",
                  close_reason::server_unavailable);
  check_rejection(connect_return_code::bad_username_or_password, "20 02 00 04",
                  close_reason::bad_username_or_password);
  check_rejection(connect_return_code::not_authorized, "20 02 00 05",
                  close_reason::not_authorized);
  check_rejection(static_cast<connect_return_code>(9), "20 02 00 05",
                  close_reason::not_authorized);
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: unacceptable protocol level gets CONNACK 1") {
  // "MQTT" with level 5 (an MQTT 5 client).
  CHECK(feed("10 0d 00 04 4d 51 54 54 05 02 00 3c 00 01 63")
        == session_state::closed);
  CHECK(sent() == packets{"20 02 00 01"});
  CHECK(closed_for(close_reason::unacceptable_protocol_version));
  CHECK(callee.auth_requests.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: unknown protocol name closes silently") {
  CHECK(feed("10 0d 00 04 4d 51 54 58 04 02 00 3c 00 01 63")
        == session_state::closed);
  CHECK(callee.sent.empty());
  CHECK(closed_for(close_reason::malformed_packet));
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: empty client id with clean session 0") {
  CHECK(feed("10 0c 00 04 4d 51 54 54 04 00 00 3c 00 00")
        == session_state::closed);
  CHECK(sent() == packets{"20 02 00 02"});
  CHECK(closed_for(close_reason::identifier_rejected));
  CHECK(callee.auth_requests.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: empty client id with clean session 1") {
  CHECK(feed("10 0c 00 04 4d 51 54 54 04 02 00 3c 00 00")
        == session_state::authenticating);
  CHECK(callee.auth_requests.at(0).client_id.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: bytes during authentication wait for it") {
  feed(connect_clean + " c0 00 30 05 00 01 65 68 69");
  feed("c0 00");
  CHECK(uut->state() == session_state::authenticating);
  CHECK(callee.sent.empty());
  CHECK(callee.published.empty());
  SUBCASE("processed after acceptance, after CONNACK") {
    CHECK(answer() == session_state::connected);
    CHECK(sent() == packets{"20 02 00 00", "d0 00", "d0 00"});
    REQUIRE(callee.published.size() == 1);
    CHECK(callee.published[0].second.topic == "e");
  }
  SUBCASE("dropped on rejection") {
    answer({connect_return_code::not_authorized, std::nullopt});
    CHECK(sent() == packets{"20 02 00 05"});
    CHECK(callee.published.empty());
  }
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: bytes during authentication are bounded") {
  reset({.max_packet_size = 16});
  feed(connect_clean);
  // 16 + 5 bytes (one maximum-size packet) are fine, one more is not.
  feed("30 10 00 01 61 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
  CHECK(uut->state() == session_state::authenticating);
  CHECK(feed("c0") == session_state::closed);
  CHECK(closed_for(close_reason::buffer_overflow));
  CHECK(answer() == session_state::closed);
  CHECK(callee.sent.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: authenticator may answer synchronously") {
  callee.on_authenticate = [this] { answer(); };
  CHECK(feed(connect_clean + " c0 00") == session_state::connected);
  CHECK(sent() == packets{"20 02 00 00", "d0 00"});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: a late or second auth result is ignored") {
  CHECK(answer() == session_state::awaiting_connect);
  connect();
  CHECK(answer({connect_return_code::not_authorized, std::nullopt})
        == session_state::connected);
  CHECK(callee.sent.empty());
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: a second CONNECT closes") {
  connect(connect_with_will);
  CHECK(feed(connect_clean) == session_state::closed);
  CHECK(closed_for(close_reason::protocol_error));
  CHECK(callee.sent.empty());
  CHECK(callee.auth_requests.size() == 1);
  CHECK(callee.wills.size() == 1);
}

// -- deadlines (spec S9, B22) -------------------------------------------------

TEST_CASE_FIXTURE(session_fixture, "mqtt session: CONNECT timeout") {
  reset({.connect_timeout = 5s});
  CHECK(advance(5s) == session_state::awaiting_connect);
  CHECK(advance(1ms) == session_state::closed);
  CHECK(closed_for(close_reason::connect_timeout));
  CHECK(callee.sent.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: authentication timeout sends CONNACK 3") {
  reset({.connect_timeout = 5s});
  feed("10 0d 00 04");
  advance(4s);
  feed("4d 51 54 54 04 02 00 3c 00 01 63");
  CHECK(advance(1s) == session_state::authenticating);
  CHECK(advance(1ms) == session_state::closed);
  CHECK(sent() == packets{"20 02 00 03"});
  CHECK(closed_for(close_reason::auth_timeout));
  CHECK(answer() == session_state::closed);
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: keep-alive closes after 1.5 times silence") {
  // Keep-alive 10 s: the server allows 15 s between packets.
  feed("10 15 00 04 4d 51 54 54 04 0e 00 0a 00 01 63 00 01 77 00 03 62 79 65");
  answer();
  sent();
  CHECK(advance(10s) == session_state::connected);
  feed("c0 00"); // Resets the timer.
  CHECK(advance(15s) == session_state::connected);
  CHECK(advance(1ms) == session_state::closed);
  CHECK(closed_for(close_reason::keepalive_timeout));
  REQUIRE(callee.wills.size() == 1);
  CHECK(callee.wills[0]
        == inbound_message{"w", ascii("bye"), qos::at_least_once, false});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: odd keep-alive uses exact 1.5 times") {
  // Keep-alive 11 s: 16.5 s allowed.
  feed("10 0d 00 04 4d 51 54 54 04 02 00 0b 00 01 63");
  answer();
  CHECK(advance(16500ms) == session_state::connected);
  CHECK(advance(1ms) == session_state::closed);
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: keep-alive 0 and its cap") {
  const std::string connect_ka0
    = "10 0d 00 04 4d 51 54 54 04 02 00 00 00 01 63";
  SUBCASE("no cap: never reaped") {
    reset({.max_keepalive = 0s});
    connect(connect_ka0);
    CHECK(uut->keep_alive() == 0s);
    CHECK(advance(std::chrono::hours{24 * 365}) == session_state::connected);
  }
  SUBCASE("cap applies to 0") {
    reset({.max_keepalive = 20s});
    connect(connect_ka0);
    CHECK(callee.auth_requests.at(0).keep_alive == 20s);
    CHECK(advance(30s) == session_state::connected);
    CHECK(advance(1ms) == session_state::closed);
  }
  SUBCASE("cap applies to larger values") {
    reset({.max_keepalive = 20s});
    connect("10 0d 00 04 4d 51 54 54 04 02 00 64 00 01 63"); // 100 s
    CHECK(uut->keep_alive() == 20s);
  }
  SUBCASE("cap leaves smaller values alone") {
    reset({.max_keepalive = 20s});
    connect("10 0d 00 04 4d 51 54 54 04 02 00 05 00 01 63"); // 5 s
    CHECK(uut->keep_alive() == 5s);
  }
  SUBCASE("default cap is one hour") {
    connect(connect_ka0);
    CHECK(uut->keep_alive() == 3600s);
  }
}

// -- packets without payload --------------------------------------------------

TEST_CASE_FIXTURE(session_fixture, "mqtt session: PINGREQ gets PINGRESP") {
  connect();
  CHECK(feed("c0 00 c0 00") == session_state::connected);
  CHECK(sent() == packets{"d0 00", "d0 00"});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: DISCONNECT closes without will") {
  connect(connect_with_will);
  CHECK(feed("e0 00 c0 00") == session_state::closed);
  CHECK(closed_for(close_reason::client_disconnect));
  CHECK(callee.sent.empty()); // The PINGREQ after DISCONNECT is ignored.
  uut->on_connection_lost();
  CHECK(callee.closes.size() == 1);
  CHECK(callee.wills.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: server-to-client packets close") {
  connect(connect_with_will);
  SUBCASE("CONNACK") { feed("20 02 00 00"); }
  SUBCASE("SUBACK") { feed("90 03 00 01 00"); }
  SUBCASE("UNSUBACK") { feed("b0 02 00 01"); }
  SUBCASE("PINGRESP") { feed("d0 00"); }
  CHECK(closed_for(close_reason::protocol_error));
  CHECK(callee.wills.size() == 1);
}

// -- will ---------------------------------------------------------------------

TEST_CASE_FIXTURE(session_fixture, "mqtt session: will on connection loss") {
  connect(connect_with_will);
  uut->on_connection_lost();
  CHECK(closed_for(close_reason::connection_lost));
  REQUIRE(callee.wills.size() == 1);
  CHECK(callee.wills[0].topic == "w");
  uut->on_connection_lost();
  CHECK(callee.wills.size() == 1);
  CHECK(callee.closes.size() == 1);
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: will on malformed input") {
  connect(connect_with_will);
  CHECK(feed("00 00") == session_state::closed);
  CHECK(closed_for(close_reason::malformed_packet));
  CHECK(callee.wills.size() == 1);
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: no will before acceptance or on owner close") {
  SUBCASE("lost while authenticating") {
    feed(connect_with_will);
    uut->on_connection_lost();
    CHECK(closed_for(close_reason::connection_lost));
  }
  SUBCASE("owner closes") {
    connect(connect_with_will);
    uut->close(close_reason::taken_over);
    CHECK(closed_for(close_reason::taken_over));
  }
  CHECK(callee.wills.empty());
}

// -- malformed and oversized input (spec S9) ----------------------------------

TEST_CASE_FIXTURE(session_fixture, "mqtt session: malformed input closes") {
  SUBCASE("before CONNECT: reserved type 0") {
    CHECK(feed("00 00") == session_state::closed);
  }
  SUBCASE("before CONNECT: reserved type 15") {
    CHECK(feed("f0 00") == session_state::closed);
  }
  SUBCASE("five-byte remaining length") {
    connect();
    CHECK(feed("30 80 80 80 80 01") == session_state::closed);
  }
  SUBCASE("PUBLISH QoS 3") {
    connect();
    CHECK(feed("36 05 00 01 65 00 01") == session_state::closed);
  }
  SUBCASE("PUBREL with flags 0") {
    connect();
    CHECK(feed("60 02 00 01") == session_state::closed);
  }
  SUBCASE("SUBSCRIBE with invalid filter a#") {
    connect();
    CHECK(feed("82 07 00 0c 00 02 61 23 00") == session_state::closed);
  }
  CHECK(closed_for(close_reason::malformed_packet));
  CHECK(callee.sent.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: oversized packet closes before its body") {
  reset({.max_packet_size = 16});
  connect();
  feed("30 10 00 01 61"); // Remaining length 16: fine so far.
  CHECK(uut->state() == session_state::connected);
  reset({.max_packet_size = 16});
  connect();
  CHECK(feed("30 11") == session_state::closed); // Remaining length 17.
  CHECK(closed_for(close_reason::packet_too_large));
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: input after close") {
  connect();
  uut->close(close_reason::server_shutdown);
  CHECK(feed("c0 00") == session_state::closed);
  CHECK(advance(1h) == session_state::closed);
  CHECK(callee.sent.empty());
  CHECK(callee.closes.size() == 1);
}

// -- names and counters -------------------------------------------------------

TEST_CASE("mqtt session: close reasons have distinct names") {
  std::set<std::string> names;
  auto last = static_cast<int>(close_reason::server_shutdown);
  for (int i = 1; i <= last; ++i)
    names.insert(to_string(static_cast<close_reason>(i)));
  CHECK(names.size() == static_cast<std::size_t>(last));
  CHECK(names.count("unknown") == 0);
  CHECK(std::string{to_string(close_reason::keepalive_timeout)}
        == "keepalive_timeout");
  CHECK(std::string{to_string(session_state::authenticating)}
        == "authenticating");
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: counters") {
  connect();
  feed("c0 00 32 06 00 01 73 00 01 78 32 06 00 01 73 00 01 78");
  const auto& counters = uut->counters();
  CHECK(counters.packets_received == 4);
  CHECK(counters.packets_sent == 2); // CONNACK, PINGRESP
  CHECK(counters.publishes_received == 2);
  CHECK(counters.duplicates_suppressed == 1);
}

// -- README example -----------------------------------------------------------

TEST_CASE("mqtt session: owner walkthrough (README)") {
  recording_callee callee;
  auto now = 0ms;
  // --(session-owner-begin)--
  session_settings settings{.connect_timeout = 10s, .max_inflight = 8};
  session s{callee, settings, now};
  // Socket bytes: CONNECT (clean session 0, client id "c", keep-alive 60 s).
  s.on_bytes(hex("10 0d 00 04 4d 51 54 54 04 00 00 3c 00 01 63"), now);
  // callee.authenticate(request) was called; answer when the check is done.
  s.on_auth_result({connect_return_code::accepted, std::nullopt}, now);
  // The device actor sends a command; PUBACK later reports delivered(42).
  s.deliver({"c", hex("01 02"), qos::at_least_once, 42});
  // A timer calls on_tick; the socket reports loss through on_connection_lost.
  s.on_tick(now += 30s);
  s.on_connection_lost();
  // Keep the in-flight command for the client's next connection.
  std::optional<persistent_state> state = s.take_persistent_state();
  // --(session-owner-end)--
  REQUIRE(state);
  CHECK(state->inflight.size() == 1);
  CHECK(callee.closes == std::vector{close_reason::connection_lost});
}
