#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "runtime/config/node_settings.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace pando::runtime;

namespace {

const std::string minimal = R"(
node:
  name: n1
  data_dir: /tmp/pando-n1
security:
  admin_token: 0123456789abcdef0123
  key_secret: ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP
)";

config_load_result load(const std::string& yaml,
                        std::vector<std::string> sets = {}) {
  return load_node_settings_from_string(yaml, sets);
}

/// Returns the problem reported for `key`, or "" when there is none.
std::string why(const config_load_result& r, const std::string& key) {
  auto i = std::find_if(r.problems.begin(), r.problems.end(),
                        [&](const auto& p) { return p.key == key; });
  return i == r.problems.end() ? std::string{} : i->why;
}

} // namespace

TEST_CASE("a minimal configuration gets every default") {
  auto r = load(minimal);
  REQUIRE(r.problems.empty());
  REQUIRE(r.settings);
  const auto& s = *r.settings;
  CHECK(s.node.name == "n1");
  CHECK(s.cluster.listen.to_string() == "127.0.0.1:7400");
  CHECK(s.cluster.seeds.empty());
  CHECK(s.cluster.shards == 1024);
  CHECK(s.mqtt.listen.to_string() == "127.0.0.1:1883");
  CHECK(s.mqtt.advertise == "127.0.0.1:1883");
  CHECK(s.http.listen.to_string() == "127.0.0.1:8080");
  CHECK(s.http.advertise == "127.0.0.1:8080");
  CHECK(s.log.level == "info");
  CHECK(s.log.format == "text");
  CHECK(s.runtime.threads == 0);
  CHECK_FALSE(s.mqtt.tls.listen);
}

TEST_CASE("every required key missing is reported at once") {
  auto r = load("");
  CHECK_FALSE(r.settings);
  CHECK(r.problems.size() == 4);
  for (auto key : {"node.name", "node.data_dir", "security.admin_token",
                   "security.key_secret"})
    CHECK(why(r, key) == "missing required key");
}

TEST_CASE("unknown keys, wrong types and bad values are all reported") {
  auto r = load(minimal + R"(
nodes: 3
mqtt:
  listen: 127.0.0.1:99999
  lisen: 127.0.0.1:1883
  max_inflight: lots
http:
  listen: no-port-here
cluster:
  seeds: 127.0.0.1:7401
  shards: 0
log:
  level: loud
  format: [json]
runtime:
  threads: -1
storage:
  sync: maybe
)");
  CHECK_FALSE(r.settings);
  CHECK(why(r, "nodes") == "unknown key");
  CHECK(why(r, "mqtt.lisen") == "unknown key");
  CHECK(why(r, "mqtt.listen").find("out of range") != std::string::npos);
  CHECK(why(r, "mqtt.max_inflight").find("expected an integer")
        != std::string::npos);
  CHECK(why(r, "http.listen").find("expected host:port") != std::string::npos);
  CHECK(why(r, "cluster.seeds").find("expected a list") != std::string::npos);
  CHECK(why(r, "cluster.shards").find("out of range") != std::string::npos);
  CHECK(why(r, "log.level").find("not one of") != std::string::npos);
  CHECK(why(r, "log.format") == "expected a scalar value");
  CHECK(why(r, "runtime.threads").find("expected an integer")
        != std::string::npos);
  CHECK(why(r, "storage.sync").find("true or false") != std::string::npos);
  CHECK(r.problems.size() == 11);
}

TEST_CASE("addresses") {
  std::string err;
  auto a = parse_address("[::1]:1883", err);
  REQUIRE(a);
  CHECK(a->host == "::1");
  CHECK(a->port == 1883);
  CHECK(a->to_string() == "[::1]:1883");
  CHECK(parse_address("example.org:80", err));
  CHECK_FALSE(parse_address("127.0.0.1:0", err));
  CHECK_FALSE(parse_address("127.0.0.1:", err));
  CHECK_FALSE(parse_address("127.0.0.1:12ab", err));
  CHECK_FALSE(parse_address("bad host:80", err));
  CHECK_FALSE(parse_address("[zz]:80", err));
  CHECK_FALSE(parse_address("1883", err));
}

TEST_CASE("security values are checked") {
  auto r
    = load(minimal, {"security.admin_token=short", "security.key_secret=abc"});
  CHECK(why(r, "security.admin_token").find("at least 16")
        != std::string::npos);
  CHECK(why(r, "security.key_secret").find("16, 24 or 32")
        != std::string::npos);
}

TEST_CASE("--set overrides file values and adds missing ones") {
  auto r = load(minimal, {"mqtt.listen=127.0.0.1:2883", "node.name=n9",
                          "cluster.seeds=[127.0.0.1:7401, 127.0.0.1:7402]",
                          "log.format=json"});
  REQUIRE(r.settings);
  CHECK(r.settings->mqtt.listen.port == 2883);
  CHECK(r.settings->mqtt.advertise == "127.0.0.1:2883");
  CHECK(r.settings->node.name == "n9");
  REQUIRE(r.settings->cluster.seeds.size() == 2);
  CHECK(r.settings->cluster.seeds[1].port == 7402);
  CHECK(r.settings->log.format == "json");
}

TEST_CASE("bad --set items are reported with the rest") {
  auto r = load(minimal, {"mqtt.nope=1", "novalue", "http.listen=x:1:2"});
  CHECK(why(r, "mqtt.nope") == "unknown key (in --set)");
  CHECK(why(r, "novalue") == "--set expects key=value");
  CHECK(!why(r, "http.listen").empty());
  CHECK(r.problems.size() == 3);
}

TEST_CASE("a section that is not a map is refused") {
  auto r = load(minimal + "mqtt: 5\n");
  CHECK(why(r, "mqtt") == "expected a section (a map of keys)");
}

TEST_CASE("TLS listeners need their files") {
  pando::test::temp_dir dir;
  auto cert = dir.sub("cert.pem");
  std::ofstream{cert} << "x";
  auto r = load(minimal, {"mqtt.tls_listen=127.0.0.1:8883",
                          "mqtt.tls_cert=" + cert, "http.tls_cert=" + cert});
  CHECK(why(r, "mqtt.tls_key") == "required when mqtt.tls_listen is set");
  CHECK(why(r, "http.tls_listen").find("required when") != std::string::npos);
  CHECK(why(r, "http.tls_key").find("required when") != std::string::npos);
  r = load(minimal, {"mqtt.tls_listen=127.0.0.1:8883", "mqtt.tls_cert=" + cert,
                     "mqtt.tls_key=" + dir.sub("missing.pem")});
  CHECK(why(r, "mqtt.tls_key").find("does not exist") != std::string::npos);
  r = load(minimal, {"mqtt.tls_listen=127.0.0.1:8883", "mqtt.tls_cert=" + cert,
                     "mqtt.tls_key=" + cert});
  REQUIRE(r.settings);
  CHECK(r.settings->mqtt.advertise == "127.0.0.1:8883");
}

TEST_CASE("cluster TLS takes all three files or none") {
  pando::test::temp_dir dir;
  auto cert = dir.sub("cert.pem");
  std::ofstream{cert} << "x";
  auto r = load(minimal, {"cluster.tls_cert=" + cert});
  CHECK(why(r, "cluster.tls_key").find("required when") != std::string::npos);
  CHECK(why(r, "cluster.tls_ca").find("required when") != std::string::npos);
  r = load(minimal, {"cluster.tls_cert=" + cert, "cluster.tls_key=" + cert,
                     "cluster.tls_ca=" + dir.sub("missing.pem")});
  CHECK(why(r, "cluster.tls_ca").find("does not exist") != std::string::npos);
  r = load(minimal, {"cluster.tls_cert=" + cert, "cluster.tls_key=" + cert,
                     "cluster.tls_ca=" + cert});
  REQUIRE(r.settings);
  CHECK(r.settings->cluster.tls_ca == cert);
}

TEST_CASE("two listeners on one address are refused") {
  auto r = load(minimal, {"http.listen=127.0.0.1:1883"});
  CHECK(why(r, "http.listen").find("already used by mqtt.listen")
        != std::string::npos);
}

TEST_CASE("broken YAML names the problem") {
  auto r = load("node: [unclosed");
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].key == "(yaml)");
}

TEST_CASE("a missing file is reported") {
  auto r = load_node_settings("/nonexistent/pando.yaml", {});
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].key == "--config");
}

TEST_CASE("the example configurations are valid") {
  for (auto name : {"single-node.yaml", "cluster-node1.yaml",
                    "cluster-node2.yaml", "cluster-node3.yaml"}) {
    CAPTURE(name);
    auto r = load_node_settings(
      std::string{PANDO_SOURCE_DIR} + "/configs/" + name, {});
    for (const auto& p : r.problems)
      FAIL_CHECK(p.key << ": " << p.why);
    CHECK(r.settings);
  }
}
