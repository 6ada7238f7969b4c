// MQTT session: messages to the client (`deliver`, MQTT 3.1.1 sections 3.3,
// 3.4, 4.4; spec B2, B6) and persistent sessions (section 3.1.2.4).

#include "tests/unit/mqtt/session_fixture.hpp"

using namespace pando::mqtt;
using namespace pando::mqtt::test;

namespace {

/// Returns a message on topic "c" with payload 01 02.
outbound_message command(std::uint64_t tag, qos level = qos::at_least_once) {
  return {"c", hex("01 02"), level, tag};
}

/// PUBLISH QoS 1, topic "c", payload 01 02, with packet id `id_hex`.
std::string publish_c(const std::string& id_hex, bool dup = false) {
  return std::string{dup ? "3a" : "32"} + " 07 00 01 63 " + id_hex + " 01 02";
}

using tags = std::vector<std::uint64_t>;

} // namespace

// -- QoS 0 and 1 --------------------------------------------------------------

TEST_CASE_FIXTURE(session_fixture, "mqtt session: outbound QoS 0") {
  connect();
  uut->deliver(command(1, qos::at_most_once));
  CHECK(sent() == packets{"30 05 00 01 63 01 02"});
  CHECK(uut->inflight_count() == 0);
  CHECK(callee.delivered_tags.empty());
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: outbound QoS 1 and PUBACK") {
  connect();
  uut->deliver(command(41));
  CHECK(sent() == packets{publish_c("00 01")}); // Ids start at 1 (spec B2).
  CHECK(uut->inflight_count() == 1);
  feed("40 02 00 01");
  CHECK(callee.delivered_tags == tags{41});
  CHECK(uut->inflight_count() == 0);
  feed("40 02 00 01"); // Already acknowledged: ignored.
  feed("40 02 00 09"); // Never sent: ignored.
  CHECK(callee.delivered_tags == tags{41});
  CHECK(uut->state() == session_state::connected);
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: outbound QoS 2 becomes 1") {
  connect();
  uut->deliver(command(1, qos::exactly_once));
  CHECK(sent() == packets{publish_c("00 01")});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: PUBREC and PUBCOMP acknowledge nothing") {
  connect();
  uut->deliver(command(1));
  feed("50 02 00 01 70 02 00 01");
  CHECK(uut->state() == session_state::connected);
  CHECK(uut->inflight_count() == 1);
  CHECK(callee.delivered_tags.empty());
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: in-flight window and queue") {
  reset({.max_inflight = 2, .max_queued = 2});
  connect();
  for (std::uint64_t tag = 1; tag <= 5; ++tag)
    uut->deliver(command(tag));
  CHECK(sent() == packets{publish_c("00 01"), publish_c("00 02")});
  CHECK(uut->inflight_count() == 2);
  CHECK(uut->queued_count() == 2);
  CHECK(callee.dropped_tags == tags{5});
  uut->deliver(command(6, qos::at_most_once)); // QoS 0 skips the queue.
  CHECK(sent() == packets{"30 05 00 01 63 01 02"});
  feed("40 02 00 02");
  CHECK(callee.delivered_tags == tags{2});
  CHECK(sent() == packets{publish_c("00 03")});
  feed("40 02 00 01 40 02 00 03");
  CHECK(sent() == packets{publish_c("00 04")});
  CHECK(uut->queued_count() == 0);
  CHECK(uut->counters().dropped == 1);
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: packet ids wrap and skip ids in flight") {
  // Resume with id 1 in flight and the id counter at 65535.
  persistent_state state;
  state.inflight = {{1, command(100)}};
  state.next_packet_id = 65535;
  connect(connect_persistent, {connect_return_code::accepted, state});
  CHECK(uut->inflight_count() == 1);
  uut->deliver(command(101));
  uut->deliver(command(102));
  CHECK(sent()
        == packets{publish_c("00 01", true), publish_c("ff ff"),
                   publish_c("00 02")});
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: ids wrap after 65535") {
  reset({.max_inflight = 1});
  connect();
  for (unsigned id = 1; id <= 65535; ++id) {
    uut->deliver(command(id));
    auto ack = bytes{0x40, 0x02, static_cast<std::uint8_t>(id >> 8),
                     static_cast<std::uint8_t>(id & 0xFF)};
    uut->on_bytes(ack, now);
  }
  CHECK(callee.delivered_tags.size() == 65535);
  callee.sent.clear();
  uut->deliver(command(0));
  CHECK(sent() == packets{publish_c("00 01")});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: messages before CONNACK wait for it") {
  uut->deliver(command(1));
  uut->deliver(command(2, qos::at_most_once));
  feed(connect_clean);
  uut->deliver(command(3));
  CHECK(callee.sent.empty());
  answer();
  CHECK(sent()
        == packets{"20 02 00 00", publish_c("00 01"), "30 05 00 01 63 01 02",
                   publish_c("00 02")});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: a clean session drops its messages on close") {
  reset({.max_inflight = 1});
  connect();
  uut->deliver(command(1));
  uut->deliver(command(2));
  uut->on_connection_lost();
  CHECK(callee.dropped_tags == tags{1, 2}); // Spec B6: nobody waits forever.
  CHECK(!uut->take_persistent_state());
  uut->deliver(command(3)); // After close.
  CHECK(callee.dropped_tags == tags{1, 2, 3});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: a rejected session drops queued messages") {
  uut->deliver(command(1));
  feed(connect_persistent);
  answer({connect_return_code::bad_username_or_password, std::nullopt});
  CHECK(callee.dropped_tags == tags{1});
  CHECK(!uut->take_persistent_state());
}

// -- persistent sessions ------------------------------------------------------

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: persistent state survives a loss") {
  reset({.max_inflight = 2});
  connect(connect_persistent);
  feed("82 06 00 01 00 01 61 01"); // SUBSCRIBE "a" QoS 1
  feed("34 06 00 01 65 00 07 7a"); // PUBLISH QoS 2 id 7, stored
  uut->on_publish_done(7, true);
  feed("34 06 00 01 65 00 08 7a"); // PUBLISH QoS 2 id 8, not yet stored
  for (std::uint64_t tag = 1; tag <= 3; ++tag)
    uut->deliver(command(tag));
  CHECK(!uut->take_persistent_state()); // Not before the session ends.
  uut->on_connection_lost();
  CHECK(callee.dropped_tags.empty());
  auto state = uut->take_persistent_state();
  REQUIRE(state);
  CHECK(state->inflight
        == std::vector<inflight_message>{{1, command(1)}, {2, command(2)}});
  CHECK(state->queued == std::vector<outbound_message>{command(3)});
  CHECK(state->inbound_qos2_ids == std::vector<std::uint16_t>{7, 8});
  CHECK(state->subscriptions
        == std::vector<subscription>{{"a", qos::at_least_once}});
  CHECK(state->next_packet_id == 3);
  CHECK(!uut->take_persistent_state()); // Only once.
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: resuming resends with DUP and the same ids") {
  persistent_state state;
  state.inflight = {{5, command(1)}, {9, command(2)}};
  state.queued = {command(3), command(4)};
  state.inbound_qos2_ids = {7};
  state.subscriptions = {{"a", qos::at_least_once}};
  state.next_packet_id = 10;
  reset({.max_inflight = 3});
  uut->deliver(command(5)); // Arrives during authentication.
  feed(connect_persistent);
  answer({connect_return_code::accepted, state});
  CHECK(sent()
        == packets{"20 02 01 00", publish_c("00 05", true),
                   publish_c("00 09", true), publish_c("00 0a")});
  CHECK(uut->counters().redeliveries == 2);
  CHECK(uut->subscriptions() == state.subscriptions);
  feed("40 02 00 05");
  CHECK(callee.delivered_tags == tags{1});
  CHECK(sent() == packets{publish_c("00 0b")}); // Tag 4.
  CHECK(uut->queued_count() == 1);              // Tag 5 waits.
  // QoS 2 id 7 was received by the previous connection: PUBREC, no forward.
  feed("3c 06 00 01 65 00 07 7a");
  CHECK(sent() == packets{"50 02 00 07"});
  CHECK(callee.published.empty());
  feed("62 02 00 07");
  CHECK(sent() == packets{"70 02 00 07"});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: new persistent session has no state") {
  CHECK(connect(connect_persistent) == "20 02 00 00");
  CHECK(callee.sent.empty());
  uut->close(close_reason::taken_over);
  auto state = uut->take_persistent_state();
  REQUIRE(state);
  CHECK(*state == persistent_state{});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: clean session discards a stored state") {
  persistent_state state;
  state.inflight = {{5, command(1)}};
  state.queued = {command(2)};
  state.subscriptions = {{"a", qos::at_least_once}};
  feed(connect_clean);
  answer({connect_return_code::accepted, state});
  CHECK(sent() == packets{"20 02 00 00"});
  CHECK(callee.dropped_tags == tags{1, 2});
  CHECK(uut->subscriptions().empty());
  CHECK(uut->inflight_count() == 0);
  uut->on_connection_lost();
  CHECK(!uut->take_persistent_state());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: state handed from one session to the next") {
  connect(connect_persistent);
  uut->deliver(command(1));
  sent();
  uut->on_connection_lost();
  auto state = uut->take_persistent_state();
  REQUIRE(state);
  reset({});
  CHECK(connect(connect_persistent, {connect_return_code::accepted, state})
        == "20 02 01 00");
  CHECK(sent() == packets{publish_c("00 01", true)});
  feed("40 02 00 01");
  CHECK(callee.delivered_tags == tags{1});
}
