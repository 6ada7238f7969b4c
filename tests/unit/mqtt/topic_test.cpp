// Tests for topic name and topic filter rules (MQTT 3.1.1 section 4.7),
// including the non-normative examples of sections 4.7.1.2 and 4.7.1.3.

#include "transports/mqtt/codec/topic.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace pando::mqtt;

TEST_CASE("mqtt topic: valid topic names") {
  CHECK(is_valid_topic_name("s"));
  CHECK(is_valid_topic_name("/"));
  CHECK(is_valid_topic_name("a//b/"));
  CHECK(is_valid_topic_name("$SYS/broker"));
  CHECK(is_valid_topic_name(" "));
  CHECK(is_valid_topic_name(std::string(65535, 'a')));
}

TEST_CASE("mqtt topic: invalid topic names") {
  CHECK_FALSE(is_valid_topic_name(""));
  CHECK_FALSE(is_valid_topic_name("+"));
  CHECK_FALSE(is_valid_topic_name("#"));
  CHECK_FALSE(is_valid_topic_name("a/+/b"));
  CHECK_FALSE(is_valid_topic_name("a/b#"));
  CHECK_FALSE(is_valid_topic_name(std::string(65536, 'a')));
}

TEST_CASE("mqtt topic: valid topic filters") {
  for (auto filter : {"#", "+", "/", "sport/#", "sport/tennis/#", "+/+", "/+",
                      "+/tennis/#", "sport/+/player1", "a//b", "$SYS/#"}) {
    CAPTURE(filter);
    CHECK(is_valid_topic_filter(filter));
  }
  CHECK(is_valid_topic_filter(std::string(65535, 'a')));
}

TEST_CASE("mqtt topic: invalid topic filters") {
  for (auto filter : {"", "sport/tennis#", "sport/tennis/#/ranking", "#/", "##",
                      "sport+", "sport/+tennis", "a/++", "+#", "a/#b"}) {
    CAPTURE(filter);
    CHECK_FALSE(is_valid_topic_filter(filter));
  }
  CHECK_FALSE(is_valid_topic_filter(std::string(65536, 'a')));
}

TEST_CASE("mqtt topic: multi-level wildcard matching [4.7.1.2]") {
  CHECK(topic_matches("sport/tennis/player1/#", "sport/tennis/player1"));
  CHECK(
    topic_matches("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
  CHECK(topic_matches("sport/tennis/player1/#",
                      "sport/tennis/player1/score/wimbledon"));
  CHECK(topic_matches("sport/#", "sport"));
  CHECK(topic_matches("#", "a"));
  CHECK(topic_matches("#", "/"));
  CHECK(topic_matches("#", "a/b/c"));
  CHECK_FALSE(topic_matches("sport/tennis/#", "sport"));
  CHECK_FALSE(topic_matches("sport/tennis/#", "sport/tennisX"));
}

TEST_CASE("mqtt topic: single-level wildcard matching [4.7.1.3]") {
  CHECK(topic_matches("sport/tennis/+", "sport/tennis/player1"));
  CHECK(topic_matches("sport/tennis/+", "sport/tennis/player2"));
  CHECK_FALSE(topic_matches("sport/tennis/+", "sport/tennis/player1/ranking"));
  CHECK_FALSE(topic_matches("sport/+", "sport"));
  CHECK(topic_matches("sport/+", "sport/"));
  CHECK(topic_matches("+", "a"));
  CHECK_FALSE(topic_matches("+", "/finance"));
  CHECK(topic_matches("+/+", "/finance"));
  CHECK(topic_matches("/+", "/finance"));
  CHECK(topic_matches("+/+", "/"));
  CHECK_FALSE(topic_matches("+", "/"));
  CHECK(topic_matches("+/tennis/#", "sport/tennis"));
  CHECK(topic_matches("+/tennis/#", "sport/tennis/player1"));
}

TEST_CASE("mqtt topic: exact matching is byte-wise and case-sensitive") {
  CHECK(topic_matches("s", "s"));
  CHECK_FALSE(topic_matches("s", "S"));
  CHECK_FALSE(topic_matches("a/b", "a/b/"));
  CHECK_FALSE(topic_matches("a/b/", "a/b"));
  CHECK_FALSE(topic_matches("a", "ab"));
  CHECK(topic_matches("a//b", "a//b"));
  CHECK(topic_matches("a/+/b", "a//b"));
}

TEST_CASE("mqtt topic: wildcards do not match $ topics [MQTT-4.7.2-1]") {
  CHECK_FALSE(topic_matches("#", "$SYS"));
  CHECK_FALSE(topic_matches("#", "$SYS/monitor/Clients"));
  CHECK_FALSE(topic_matches("+/monitor/Clients", "$SYS/monitor/Clients"));
  CHECK(topic_matches("$SYS/#", "$SYS/monitor/Clients"));
  CHECK(topic_matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
  CHECK(topic_matches("a/#", "a/$b"));
}

TEST_CASE("mqtt topic: invalid arguments never match") {
  CHECK_FALSE(topic_matches("a#", "a"));
  CHECK_FALSE(topic_matches("", ""));
  CHECK_FALSE(topic_matches("#", ""));
  CHECK_FALSE(topic_matches("+", "+"));
  CHECK_FALSE(topic_matches("a/#", "a/#"));
}
