#pragma once

// Test fixture for `pando::mqtt::session`: a callee that records every call,
// a hand-driven clock and helpers that feed hex byte vectors. Expected bytes
// in the tests are typed from the MQTT 3.1.1 standard, never produced by the
// code under test.

#include "transports/mqtt/session.hpp"

#include <doctest/doctest.h>

#include "tests/unit/hex.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace pando::mqtt::test {

using namespace std::chrono_literals;

/// Returns the bytes of a space-separated list of two-digit hex numbers.
inline bytes hex(const std::string& text) {
  bool ok = false;
  auto out = pando::test::hex_tokens(text, ok);
  REQUIRE_MESSAGE(ok, "bad hex literal: " << text);
  return out;
}

/// Returns `bytes` as space-separated hex, for readable failure messages.
inline std::string to_hex(const bytes& data) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (auto byte : data) {
    if (!out.empty())
      out += ' ';
    out += digits[byte >> 4];
    out += digits[byte & 0x0F];
  }
  return out;
}

/// Returns the bytes of `str`.
inline bytes ascii(std::string_view str) { return {str.begin(), str.end()}; }

/// A callee that records every call; hooks allow synchronous answers.
struct recording_callee : session_callee {
  std::vector<bytes> sent;
  std::vector<close_reason> closes;
  std::vector<connect_request> auth_requests;
  std::vector<std::pair<std::uint16_t, inbound_message>> published;
  std::vector<std::pair<std::string, qos>> subscribe_requests;
  std::vector<std::uint64_t> delivered_tags;
  std::vector<std::uint64_t> dropped_tags;
  std::vector<inbound_message> wills;

  /// Answer of `authorize_subscribe`.
  suback_return_code grant = suback_return_code::granted_qos1;
  /// Called at the end of `authenticate` and `publish`, if set.
  std::function<void()> on_authenticate;
  std::function<void(std::uint16_t)> on_publish;

  void send(std::vector<std::uint8_t> bytes) override {
    sent.push_back(std::move(bytes));
  }
  void close(close_reason reason) override { closes.push_back(reason); }
  void authenticate(const connect_request& request) override {
    auth_requests.push_back(request);
    if (on_authenticate)
      on_authenticate();
  }
  void publish(std::uint16_t packet_id, inbound_message message) override {
    published.emplace_back(packet_id, std::move(message));
    if (on_publish)
      on_publish(packet_id);
  }
  suback_return_code authorize_subscribe(const std::string& filter,
                                         qos requested) override {
    subscribe_requests.emplace_back(filter, requested);
    return grant;
  }
  void delivered(std::uint64_t tag) override { delivered_tags.push_back(tag); }
  void dropped(std::uint64_t tag) override { dropped_tags.push_back(tag); }
  void will(inbound_message message) override {
    wills.push_back(std::move(message));
  }
};

/// CONNECT, MQTT 3.1.1, clean session 1, keep-alive 60 s, client id "c".
inline const std::string connect_clean = "10 0d 00 04 4d 51 54 54 04 02 00 3c"
                                         " 00 01 63";

/// CONNECT as above with clean session 0.
inline const std::string connect_persistent
  = "10 0d 00 04 4d 51 54 54 04 00 00 3c 00 01 63";

/// CONNECT as `connect_clean` with will topic "w", message "bye", QoS 1.
inline const std::string connect_with_will
  = "10 15 00 04 4d 51 54 54 04 0e 00 3c 00 01 63 00 01 77 00 03 62 79 65";

/// CONNACK accepted, no session present.
inline const std::string connack_ok = "20 02 00 00";

/// A session under test with its callee and a clock that only the test moves.
struct session_fixture {
  recording_callee callee;
  std::chrono::milliseconds now = 1000ms;
  std::unique_ptr<session> uut;

  session_fixture() { reset({}); }

  /// Replaces the session by a fresh one with `settings`.
  void reset(session_settings settings) {
    callee = recording_callee{};
    uut = std::make_unique<session>(callee, settings, now);
  }

  /// Feeds `hex_text` to the session at the current time.
  session_state feed(const std::string& hex_text) {
    return uut->on_bytes(hex(hex_text), now);
  }

  /// Moves the clock forward by `delta` and ticks.
  session_state advance(std::chrono::milliseconds delta) {
    now += delta;
    return uut->on_tick(now);
  }

  /// Answers the pending authentication with `result`.
  session_state answer(auth_result result = {}) {
    return uut->on_auth_result(std::move(result), now);
  }

  /// Returns and forgets everything sent so far, one hex string per packet.
  std::vector<std::string> sent() {
    std::vector<std::string> result;
    for (const auto& packet : callee.sent)
      result.push_back(to_hex(packet));
    callee.sent.clear();
    return result;
  }

  /// Connects with `connect_hex` and an accepting authenticator; forgets
  /// and returns the CONNACK, keeping whatever the session sent after it.
  std::string connect(const std::string& connect_hex = connect_clean,
                      auth_result result = {}) {
    REQUIRE(feed(connect_hex) == session_state::authenticating);
    REQUIRE(answer(std::move(result)) == session_state::connected);
    REQUIRE(!callee.sent.empty());
    auto connack = to_hex(callee.sent.front());
    callee.sent.erase(callee.sent.begin());
    CHECK(connack.substr(0, 5) == "20 02");
    return connack;
  }

  /// Returns whether the session closed exactly once, for `reason`.
  bool closed_for(close_reason reason) const {
    return uut->state() == session_state::closed
           && callee.closes == std::vector<close_reason>{reason}
           && uut->reason() == reason;
  }
};

/// Shorthand for a list of hex packets.
using packets = std::vector<std::string>;

} // namespace pando::mqtt::test
