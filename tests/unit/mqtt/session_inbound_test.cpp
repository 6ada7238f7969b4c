// MQTT session: client PUBLISH at QoS 0, 1 and 2 (MQTT 3.1.1 sections 3.3
// to 3.7 and 4.3; spec B5), SUBSCRIBE and UNSUBSCRIBE (sections 3.8 to 3.11;
// spec B3).

#include "tests/unit/mqtt/session_fixture.hpp"

using namespace pando::mqtt;
using namespace pando::mqtt::test;

namespace {

/// PUBLISH QoS 0, topic "e", payload "hi".
const std::string publish_qos0 = "30 05 00 01 65 68 69";

/// PUBLISH QoS 1, topic "s", packet id 1, payload "x".
const std::string publish_qos1_id1 = "32 06 00 01 73 00 01 78";

/// PUBLISH QoS 1, topic "s", packet id 2, payload "y".
const std::string publish_qos1_id2 = "32 06 00 01 73 00 02 79";

/// PUBLISH QoS 2, topic "e", packet id 7, payload "z"; and with DUP set.
const std::string publish_qos2_id7 = "34 06 00 01 65 00 07 7a";
const std::string publish_qos2_id7_dup = "3c 06 00 01 65 00 07 7a";

/// PUBREL for packet id 7 (fixed header flags 0010).
const std::string pubrel_id7 = "62 02 00 07";

} // namespace

// -- QoS 0 and 1 --------------------------------------------------------------

TEST_CASE_FIXTURE(session_fixture, "mqtt session: inbound QoS 0") {
  connect();
  feed(publish_qos0);
  REQUIRE(callee.published.size() == 1);
  CHECK(callee.published[0].first == 0);
  CHECK(callee.published[0].second
        == inbound_message{"e", ascii("hi"), qos::at_most_once, false});
  CHECK(callee.sent.empty());
  CHECK(uut->inbound_pending_count() == 0);
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: inbound retain flag") {
  connect();
  feed("31 05 00 01 65 68 69");
  CHECK(callee.published.at(0).second.retain);
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: inbound QoS 1 is acked after storing") {
  connect();
  feed(publish_qos1_id1);
  REQUIRE(callee.published.size() == 1);
  CHECK(callee.published[0].first == 1);
  CHECK(callee.published[0].second
        == inbound_message{"s", ascii("x"), qos::at_least_once, false});
  CHECK(callee.sent.empty());
  CHECK(uut->inbound_pending_count() == 1);
  uut->on_publish_done(1, true);
  CHECK(sent() == packets{"40 02 00 01"});
  CHECK(uut->inbound_pending_count() == 0);
  uut->on_publish_done(1, true); // Unknown by now: ignored.
  CHECK(callee.sent.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: inbound QoS 1 acks keep arrival order") {
  connect();
  feed(publish_qos1_id1 + " " + publish_qos1_id2);
  uut->on_publish_done(2, true);
  CHECK(callee.sent.empty()); // id 1 is not stored yet [MQTT-4.6.0-2].
  uut->on_publish_done(1, true);
  CHECK(sent() == packets{"40 02 00 01", "40 02 00 02"});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: inbound QoS 1 resent while pending") {
  connect();
  feed(publish_qos1_id1);
  feed("3a 06 00 01 73 00 01 78"); // Same with DUP.
  CHECK(callee.published.size() == 1);
  uut->on_publish_done(1, true);
  CHECK(sent() == packets{"40 02 00 01"});
  feed(publish_qos1_id1); // After PUBACK the id is free again.
  CHECK(callee.published.size() == 2);
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: storage may confirm synchronously") {
  connect();
  callee.on_publish
    = [this](std::uint16_t id) { uut->on_publish_done(id, true); };
  feed(publish_qos1_id1 + " " + publish_qos2_id7 + " c0 00");
  CHECK(sent() == packets{"40 02 00 01", "50 02 00 07", "d0 00"});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: failed storage closes the connection") {
  connect(connect_with_will);
  feed(publish_qos1_id1);
  uut->on_publish_done(1, false);
  CHECK(closed_for(close_reason::publish_failed));
  CHECK(callee.sent.empty()); // No PUBACK: the client sends it again.
  CHECK(callee.wills.size() == 1);
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: too many unconfirmed inbound messages") {
  reset({.max_inbound_pending = 2});
  connect();
  feed(publish_qos1_id1 + " " + publish_qos1_id2);
  CHECK(uut->state() == session_state::connected);
  feed(publish_qos0); // QoS 0 does not count.
  CHECK(uut->state() == session_state::connected);
  uut->on_publish_done(1, true);
  feed(publish_qos2_id7); // One slot is free again.
  CHECK(uut->state() == session_state::connected);
  CHECK(feed("32 06 00 01 73 00 03 78") == session_state::closed);
  CHECK(closed_for(close_reason::inbound_limit));
  CHECK(callee.published.size() == 4);
}

// -- QoS 2 --------------------------------------------------------------------

TEST_CASE_FIXTURE(session_fixture, "mqtt session: inbound QoS 2 exactly once") {
  connect();
  feed(publish_qos2_id7);
  REQUIRE(callee.published.size() == 1);
  CHECK(callee.published[0].first == 7);
  CHECK(callee.published[0].second.qos == qos::exactly_once);
  feed(publish_qos2_id7_dup); // Before storing: neither forwarded nor acked.
  CHECK(callee.sent.empty());
  uut->on_publish_done(7, true);
  CHECK(sent() == packets{"50 02 00 07"});
  feed(publish_qos2_id7_dup); // After PUBREC: PUBREC again.
  CHECK(sent() == packets{"50 02 00 07"});
  CHECK(callee.published.size() == 1);
  CHECK(uut->counters().duplicates_suppressed == 2);
  feed(pubrel_id7);
  CHECK(sent() == packets{"70 02 00 07"});
  feed(publish_qos2_id7); // Released: id 7 now names a new message.
  CHECK(callee.published.size() == 2);
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: PUBREL for an unknown id gets PUBCOMP") {
  connect();
  feed(pubrel_id7);
  CHECK(sent() == packets{"70 02 00 07"});
  CHECK(uut->state() == session_state::connected);
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: PUBREL before PUBREC closes") {
  connect();
  feed(publish_qos2_id7);
  CHECK(feed(pubrel_id7) == session_state::closed);
  CHECK(closed_for(close_reason::protocol_error));
  CHECK(callee.sent.empty());
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: QoS 1 and 2 acks share the arrival order") {
  connect();
  feed(publish_qos2_id7 + " " + publish_qos1_id1);
  uut->on_publish_done(1, true);
  CHECK(callee.sent.empty());
  uut->on_publish_done(7, true);
  CHECK(sent() == packets{"50 02 00 07", "40 02 00 01"});
}

// -- SUBSCRIBE and UNSUBSCRIBE ------------------------------------------------

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: SUBSCRIBE gets one code per filter") {
  connect();
  // Packet id 11: "a" at QoS 2, "b" at QoS 0.
  feed("82 0a 00 0b 00 01 61 02 00 01 62 00");
  // QoS 2 is granted as 1: pando never sends QoS 2.
  CHECK(sent() == packets{"90 04 00 0b 01 00"});
  CHECK(callee.subscribe_requests
        == std::vector<std::pair<std::string, qos>>{{"a", qos::exactly_once},
                                                    {"b", qos::at_most_once}});
  CHECK(uut->subscriptions()
        == std::vector<subscription>{{"a", qos::at_least_once},
                                     {"b", qos::at_most_once}});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: SUBSCRIBE refused by the authoriser") {
  connect();
  callee.grant = suback_return_code::failure;
  feed("82 08 00 0a 00 03 61 2f 62 01"); // id 10, "a/b" at QoS 1
  CHECK(sent() == packets{"90 03 00 0a 80"});
  CHECK(uut->subscriptions().empty());
  callee.grant = static_cast<suback_return_code>(0x42); // Not a code.
  feed("82 08 00 0a 00 03 61 2f 62 01");
  CHECK(sent() == packets{"90 03 00 0a 80"});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: SUBSCRIBE grants at most the request") {
  connect();
  callee.grant = suback_return_code::granted_qos2;
  feed("82 08 00 0a 00 03 61 2f 62 00"); // "a/b" at QoS 0
  CHECK(sent() == packets{"90 03 00 0a 00"});
}

TEST_CASE_FIXTURE(session_fixture,
                  "mqtt session: SUBSCRIBE limit and resubscription") {
  reset({.max_subscriptions = 1});
  connect();
  feed("82 0a 00 01 00 01 61 00 00 01 62 01"); // "a" QoS 0, "b" QoS 1
  CHECK(sent() == packets{"90 04 00 01 00 80"});
  feed("82 06 00 02 00 01 61 01"); // "a" again at QoS 1: replaces.
  CHECK(sent() == packets{"90 03 00 02 01"});
  CHECK(uut->subscriptions()
        == std::vector<subscription>{{"a", qos::at_least_once}});
}

TEST_CASE_FIXTURE(session_fixture, "mqtt session: UNSUBSCRIBE gets UNSUBACK") {
  connect();
  feed("82 0a 00 0b 00 01 61 01 00 01 62 01");
  sent();
  feed("a2 05 00 0c 00 01 61"); // id 12, "a"
  CHECK(sent() == packets{"b0 02 00 0c"});
  CHECK(uut->subscriptions()
        == std::vector<subscription>{{"b", qos::at_least_once}});
  feed("a2 07 00 0d 00 03 78 2f 79"); // Unknown filter "x/y": still acked.
  CHECK(sent() == packets{"b0 02 00 0d"});
}
