#include "transports/webhook/delivery.hpp"

#include "tests/unit/temp_dir.hpp"
#include "tests/unit/tls/test_cert.hpp"

#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using pando::webhooks::backoff;
using pando::webhooks::delivery;
using pando::webhooks::delivery_pool;
using pando::webhooks::delivery_result;
using pando::webhooks::delivery_settings;
using pando::webhooks::parse_url;
using pando::webhooks::sign;

namespace {

/// Bounds every wait on the pool or the server, so that a bug fails the test
/// instead of hanging it.
constexpr auto patience = 20s;

/// Lowercase hex HMAC-SHA256, through OpenSSL's EVP_Q_mac rather than the
/// HMAC() that `sign` uses.
std::string hmac_sha256_hex(const std::string& key, const std::string& msg) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  REQUIRE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(),
                    key.size(),
                    reinterpret_cast<const unsigned char*>(msg.data()),
                    msg.size(), mac, sizeof mac, &len)
          != nullptr);
  std::string out;
  char pair[3];
  for (std::size_t i = 0; i < len; ++i) {
    std::snprintf(pair, sizeof pair, "%02x", mac[i]);
    out += pair;
  }
  return out;
}

/// What the application server received.
struct request {
  std::string path;
  httplib::Headers headers;
  std::string body;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

/// An application server on 127.0.0.1: records every POST and answers with
/// the scripted statuses in turn, then 200. While held, its handlers wait
/// for `release` (or the end of the test).
class app_server {
 public:
  explicit app_server(std::unique_ptr<httplib::Server> srv
                      = std::make_unique<httplib::Server>())
      : srv_(std::move(srv)) {
    // A held handler answers a client that has given up; the write must not
    // kill the test.
    std::signal(SIGPIPE, SIG_IGN);
    srv_->Post(".*", [this](const httplib::Request& req,
                            httplib::Response& res) { handle(req, res); });
    port_ = srv_->bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread{[this] { srv_->listen_after_bind(); }};
    // stop() is a no-op until the accept loop runs.
    while (!srv_->is_running())
      std::this_thread::yield();
  }

  ~app_server() {
    release();
    srv_->stop();
    thread_.join();
  }

  std::string url(const std::string& path = "/hook") const {
    auto scheme
      = dynamic_cast<httplib::SSLServer*>(srv_.get()) ? "https" : "http";
    return std::string{scheme} + "://127.0.0.1:" + std::to_string(port_) + path;
  }

  void script(std::deque<int> statuses) {
    std::lock_guard guard{mutex_};
    script_ = std::move(statuses);
  }

  void hold() {
    std::lock_guard guard{mutex_};
    held_ = true;
  }

  void release() {
    {
      std::lock_guard guard{mutex_};
      held_ = false;
    }
    cv_.notify_all();
  }

  /// Waits until `n` requests arrived and returns all of them.
  std::vector<request> wait_requests(std::size_t n) {
    std::unique_lock lock{mutex_};
    REQUIRE(cv_.wait_for(lock, patience, [&] { return seen_.size() >= n; }));
    return seen_;
  }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    std::unique_lock lock{mutex_};
    seen_.push_back({req.path, req.headers, req.body});
    cv_.notify_all();
    cv_.wait(lock, [this] { return !held_; });
    res.status = 200;
    if (!script_.empty()) {
      res.status = script_.front();
      script_.pop_front();
    }
  }

  std::unique_ptr<httplib::Server> srv_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<int> script_;
  bool held_ = false;
  std::vector<request> seen_;
};

/// Collects the results passed to `done` callbacks.
class results {
 public:
  std::function<void(const delivery_result&)> callback() {
    return [this](const delivery_result& res) {
      std::lock_guard guard{mutex_};
      got_.push_back(res);
      cv_.notify_all();
    };
  }

  /// Waits until `n` results arrived and returns all of them.
  std::vector<delivery_result> wait(std::size_t n) {
    std::unique_lock lock{mutex_};
    REQUIRE(cv_.wait_for(lock, patience, [&] { return got_.size() >= n; }));
    return got_;
  }

  std::size_t count() {
    std::lock_guard guard{mutex_};
    return got_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<delivery_result> got_;
};

/// Settings that make the tests fast: short backoffs. The timeout stays long
/// enough for a loaded machine; tests of timeouts shorten it.
delivery_settings quick() {
  delivery_settings s;
  s.workers = 2;
  s.max_attempts = 3;
  s.timeout = 5s;
  s.initial_backoff = 5ms;
  s.max_backoff = 20ms;
  return s;
}

delivery make(const std::string& url, results& sink,
              const std::string& id = "d-1") {
  return {url, "app-secret", R"({"event":"online"})", id, sink.callback()};
}

/// Delivers one request with `settings` and returns its result.
delivery_result deliver(const delivery_settings& settings,
                        const std::string& url) {
  results sink;
  delivery_pool pool{settings};
  REQUIRE(pool.submit(make(url, sink)));
  return sink.wait(1).front();
}

/// A local port that refuses connections: bound but not listening, so no
/// other test can take it meanwhile.
class refusing_port {
 public:
  refusing_port() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    auto* raw = reinterpret_cast<sockaddr*>(&addr);
    REQUIRE(::bind(fd_, raw, len) == 0);
    REQUIRE(::getsockname(fd_, raw, &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  ~refusing_port() { ::close(fd_); }
  refusing_port(const refusing_port&) = delete;
  refusing_port& operator=(const refusing_port&) = delete;

  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("sign: HMAC-SHA256 of timestamp.body in lowercase hex") {
  // Reference values from Python's hmac module.
  CHECK(sign("secret", "1700000000000", R"({"a":1})")
        == "4ef2732b0d632a6897af3a6d02a6de287f60d6c5f15dabdb0ceb045a34e3c5a7");
  CHECK(sign("", "1", "")
        == "c026d3e9b78f258f71e236d9191954480d6b609fd93524964f0643741eaf81b3");
  // An empty view may point nowhere.
  CHECK(sign(std::string_view{}, "1", std::string_view{})
        == "c026d3e9b78f258f71e236d9191954480d6b609fd93524964f0643741eaf81b3");
}

TEST_CASE("parse_url: accepted URLs") {
  struct vector {
    const char* url;
    const char* scheme_host_port;
    const char* path;
  };
  const vector accepted[] = {
    {"http://example.com", "http://example.com", "/"},
    {"https://example.com/", "https://example.com", "/"},
    {"https://example.com:8443/a/b?x=1&y=2", "https://example.com:8443",
     "/a/b?x=1&y=2"},
    {"http://example.com?x=1", "http://example.com", "/?x=1"},
    {"http://127.0.0.1:1/hook#top", "http://127.0.0.1:1", "/hook"},
    {"http://h:65535", "http://h:65535", "/"},
    {"HTTPS://Example.com/Hook", "https://Example.com", "/Hook"},
  };
  for (const auto& v : accepted) {
    INFO("url: ", v.url);
    std::string why;
    auto res = parse_url(v.url, why);
    REQUIRE(res.has_value());
    CHECK(res->scheme_host_port == v.scheme_host_port);
    CHECK(res->path == v.path);
  }
}

TEST_CASE("parse_url: refused URLs name the problem") {
  struct vector {
    const char* url;
    const char* why;
  };
  const vector refused[] = {
    {"", "no scheme"},
    {"example.com/hook", "no scheme"},
    {"ftp://example.com/", "unsupported scheme \"ftp\""},
    {"mailto://x", "unsupported scheme"},
    {"http://", "empty host"},
    {"https:///hook", "empty host"},
    {"http://:8080/", "empty host"},
    {"http://h:0/", "port must be 1-65535, got \"0\""},
    {"http://h:70000/", "port must be 1-65535, got \"70000\""},
    {"http://h:99999999999/", "port must be 1-65535"},
    {"http://h:/", "port must be 1-65535, got \"\""},
    {"http://h:80x/", "port must be 1-65535"},
    {"http://h:-1/", "port must be 1-65535"},
    {"http://user:pw@h/", "user info"},
    {"http://[::1]:8080/", "IPv6"},
    {"http://h/a b", "spaces or control characters"},
    {"http://h/\r\nX-Evil: 1", "spaces or control characters"},
  };
  for (const auto& v : refused) {
    INFO("url: ", v.url);
    std::string why;
    CHECK_FALSE(parse_url(v.url, why).has_value());
    CHECK(contains(why, v.why));
  }
}

TEST_CASE("backoff: doubles per retry, capped, with 20% jitter") {
  delivery_settings s;
  s.initial_backoff = 1000ms;
  s.max_backoff = 60000ms;
  auto within = [&](unsigned retry, std::int64_t nominal) {
    INFO("retry ", retry);
    std::set<std::int64_t> seen;
    for (int i = 0; i < 200; ++i) {
      auto ms = backoff(s, retry).count();
      CHECK(ms >= nominal * 8 / 10);
      CHECK(ms <= nominal * 12 / 10);
      seen.insert(ms);
    }
    CHECK(seen.size() > 1); // jittered, not constant
  };
  within(0, 1000); // treated as the first retry
  within(1, 1000);
  within(2, 2000);
  within(3, 4000);
  within(6, 32000);
  within(7, 60000);
  within(1000, 60000); // no overflow however many retries
}

TEST_CASE("delivery_pool: first attempt succeeds with signed headers") {
  app_server srv;
  auto settings = quick();
  settings.user_agent = "pando-test/1";
  results sink;
  delivery_pool pool{settings};
  auto before = std::chrono::system_clock::now();
  REQUIRE(pool.submit({srv.url("/hook?app=7"), "app-secret",
                       R"({"event":"online"})", "d-42", sink.callback()}));
  auto res = sink.wait(1).front();
  auto after = std::chrono::system_clock::now();
  CHECK(res.ok);
  CHECK(res.attempts == 1);
  CHECK(res.last_status == 200);
  CHECK(res.error.empty());
  auto req = srv.wait_requests(1).front();
  CHECK(req.path == "/hook");
  CHECK(req.body == R"({"event":"online"})");
  CHECK(req.header("Content-Type") == "application/json");
  CHECK(req.header("App-Token") == "app-secret");
  CHECK(req.header("X-Pando-Delivery") == "d-42");
  CHECK(req.header("User-Agent") == "pando-test/1");
  auto timestamp = req.header("X-Pando-Timestamp");
  REQUIRE(!timestamp.empty());
  auto ms = std::chrono::milliseconds{std::stoll(timestamp)};
  CHECK(ms >= std::chrono::floor<std::chrono::milliseconds>(
          before.time_since_epoch()));
  CHECK(ms <= std::chrono::ceil<std::chrono::milliseconds>(
          after.time_since_epoch()));
  CHECK(req.header("X-Pando-Signature")
        == "sha256="
             + hmac_sha256_hex("app-secret",
                               timestamp + "." + R"({"event":"online"})"));
  pool.stop();
  auto stats = pool.stats();
  CHECK(stats.queued == 0);
  CHECK(stats.delivered == 1);
  CHECK(stats.failed == 0);
  CHECK(stats.retries == 0);
  CHECK(sink.count() == 1);
}

TEST_CASE("delivery_pool: 503 twice, then 200, succeeds on attempt 3") {
  app_server srv;
  srv.script({503, 503});
  results sink;
  delivery_pool pool{quick()};
  REQUIRE(pool.submit(make(srv.url(), sink)));
  auto res = sink.wait(1).front();
  CHECK(res.ok);
  CHECK(res.attempts == 3);
  CHECK(res.last_status == 200);
  auto reqs = srv.wait_requests(3);
  CHECK(reqs.size() == 3);
  for (const auto& req : reqs)
    CHECK(req.header("X-Pando-Delivery") == "d-1");
  pool.stop();
  CHECK(pool.stats().retries == 2);
  CHECK(pool.stats().delivered == 1);
  CHECK(pool.stats().failed == 0);
}

TEST_CASE("delivery_pool: 5xx, 408 and 429 are retried up to max_attempts") {
  app_server srv;
  srv.script({500, 408, 429, 502});
  auto settings = quick();
  settings.max_attempts = 4;
  auto res = deliver(settings, srv.url());
  CHECK_FALSE(res.ok);
  CHECK(res.attempts == 4);
  CHECK(res.last_status == 502);
  CHECK(res.error == "HTTP 502");
  CHECK(srv.wait_requests(4).size() == 4);
}

TEST_CASE("delivery_pool: other statuses fail at once") {
  for (int status : {400, 401, 404, 301}) {
    INFO("status ", status);
    app_server srv;
    srv.script({status});
    results sink;
    delivery_pool pool{quick()};
    REQUIRE(pool.submit(make(srv.url(), sink)));
    auto res = sink.wait(1).front();
    CHECK_FALSE(res.ok);
    CHECK(res.attempts == 1);
    CHECK(res.last_status == status);
    CHECK(res.error == "HTTP " + std::to_string(status));
    pool.stop();
    CHECK(srv.wait_requests(1).size() == 1);
    CHECK(pool.stats().retries == 0);
    CHECK(pool.stats().failed == 1);
  }
}

TEST_CASE("delivery_pool: no answer within the timeout fails after "
          "max_attempts") {
  app_server srv;
  srv.hold();
  auto settings = quick();
  settings.timeout = 50ms;
  auto res = deliver(settings, srv.url());
  CHECK_FALSE(res.ok);
  CHECK(res.attempts == 3);
  CHECK(res.last_status == 0);
  CHECK(res.error == "timed out");
  CHECK(srv.wait_requests(3).size() == 3);
}

TEST_CASE("delivery_pool: connection refused fails after max_attempts") {
  refusing_port port;
  results sink;
  delivery_pool pool{quick()};
  REQUIRE(pool.submit(
    make("http://127.0.0.1:" + std::to_string(port.port()) + "/hook", sink)));
  auto res = sink.wait(1).front();
  CHECK_FALSE(res.ok);
  CHECK(res.attempts == 3);
  CHECK(res.last_status == 0);
  CHECK(res.error == "connection failed");
  pool.stop();
  CHECK(pool.stats().retries == 2);
  CHECK(pool.stats().failed == 1);
}

TEST_CASE("delivery_pool: an invalid URL fails without a request") {
  results sink;
  delivery_pool pool{quick()};
  REQUIRE(pool.submit(make("ftp://127.0.0.1/hook", sink)));
  auto res = sink.wait(1).front();
  CHECK_FALSE(res.ok);
  CHECK(res.attempts == 0);
  CHECK(res.error
        == "invalid URL: unsupported scheme \"ftp\" (expected http "
           "or https)");
}

TEST_CASE("delivery_pool: a full queue refuses deliveries") {
  app_server srv;
  srv.hold();
  auto settings = quick();
  settings.workers = 1;
  settings.max_queue = 2;
  settings.timeout = 10s; // the held request must not time out
  results sink;
  delivery_pool pool{settings};
  // One in flight and one queued fill the pool, whichever the worker has
  // taken yet.
  REQUIRE(pool.submit(make(srv.url(), sink, "a")));
  REQUIRE(pool.submit(make(srv.url(), sink, "b")));
  bool refused_called = false;
  CHECK_FALSE(
    pool.submit({srv.url(), "app-secret", "{}", "c",
                 [&](const delivery_result&) { refused_called = true; }}));
  CHECK(pool.stats().queued == 2);
  CHECK(pool.stats().dropped == 1);
  srv.release();
  auto got = sink.wait(2);
  pool.stop();
  CHECK(got[0].ok);
  CHECK(got[1].ok);
  CHECK(sink.count() == 2);
  CHECK_FALSE(refused_called);
  CHECK(srv.wait_requests(2).size() == 2);
  CHECK(pool.stats().queued == 0);
  CHECK(pool.stats().delivered == 2);
  CHECK_FALSE(pool.submit(make(srv.url(), sink, "d"))); // stopped
  CHECK(pool.stats().dropped == 2);
}

TEST_CASE("delivery_pool: a delivery waiting for its retry frees its worker "
          "and stop completes it promptly") {
  app_server srv;
  srv.script({503});
  auto settings = quick();
  settings.workers = 1;
  settings.initial_backoff = 60s;
  settings.max_backoff = 60s;
  results waiting;
  results other;
  delivery_pool pool{settings};
  REQUIRE(pool.submit(make(srv.url(), waiting, "waits")));
  // The only worker serves this one only after parking "waits" for a minute.
  REQUIRE(pool.submit(make(srv.url(), other, "other")));
  CHECK(other.wait(1).front().ok);
  CHECK(waiting.count() == 0);
  CHECK(pool.stats().queued == 1); // waiting counts against max_queue
  auto start = std::chrono::steady_clock::now();
  pool.stop();
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  auto res = waiting.wait(1).front();
  CHECK_FALSE(res.ok);
  CHECK(res.error == "stopped");
  CHECK(res.attempts == 1);
  CHECK(res.last_status == 503);
  CHECK(waiting.count() == 1);
  CHECK(pool.stats().queued == 0);
  CHECK(pool.stats().failed == 1);
  CHECK(pool.stats().delivered == 1);
}

TEST_CASE("delivery_pool: stop aborts a request in flight") {
  app_server srv;
  srv.hold();
  auto settings = quick();
  settings.timeout = 60s;
  results sink;
  delivery_pool pool{settings};
  REQUIRE(pool.submit(make(srv.url(), sink)));
  srv.wait_requests(1);
  auto start = std::chrono::steady_clock::now();
  pool.stop();
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  auto res = sink.wait(1).front();
  CHECK_FALSE(res.ok);
  CHECK(res.error == "stopped");
  CHECK(res.attempts == 1);
  CHECK(res.last_status == 0);
  pool.stop(); // idempotent
  CHECK(sink.count() == 1);
}

TEST_CASE("delivery_pool: concurrent submits complete exactly once each") {
  app_server srv;
  auto settings = quick();
  settings.workers = 4;
  results sink;
  delivery_pool pool{settings};
  constexpr int threads = 4;
  constexpr int per_thread = 25;
  std::vector<std::thread> submitters;
  for (int t = 0; t < threads; ++t)
    submitters.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i)
        pool.submit(
          make(srv.url(), sink, std::to_string(t) + "-" + std::to_string(i)));
    });
  for (auto& t : submitters)
    t.join();
  constexpr auto total = std::size_t{threads * per_thread};
  auto got = sink.wait(total);
  pool.stop();
  CHECK(sink.count() == total);
  for (const auto& res : got)
    CHECK(res.ok);
  std::set<std::string> ids;
  for (const auto& req : srv.wait_requests(total))
    ids.insert(req.header("X-Pando-Delivery"));
  CHECK(ids.size() == total);
  CHECK(pool.stats().delivered == total);
  CHECK(pool.stats().dropped == 0);
}

TEST_CASE("delivery_pool: https with a self-signed certificate") {
  pando::test::temp_dir dir;
  auto pem = pando::test::make_self_signed();
  std::ofstream{dir.sub("cert.pem")} << pem.cert;
  std::ofstream{dir.sub("key.pem")} << pem.key;
  app_server srv{std::make_unique<httplib::SSLServer>(
    dir.sub("cert.pem").c_str(), dir.sub("key.pem").c_str())};
  auto settings = quick();
  SUBCASE("refused when verifying against the system's CAs") {
    auto res = deliver(settings, srv.url());
    CHECK_FALSE(res.ok);
    CHECK(res.attempts == 1); // not retried: retries won't fix it
    CHECK(res.last_status == 0);
    CHECK(res.error == "server certificate verification failed");
  }
  SUBCASE("delivered without verification") {
    settings.tls_verify = false;
    auto res = deliver(settings, srv.url());
    CHECK(res.ok);
    CHECK(srv.wait_requests(1).front().body == R"({"event":"online"})");
  }
  SUBCASE("delivered when the CA file holds the certificate") {
    settings.ca_file = dir.sub("cert.pem");
    auto res = deliver(settings, srv.url());
    CHECK(res.ok);
    CHECK(res.attempts == 1);
  }
  SUBCASE("refused when the CA file is missing") {
    settings.ca_file = dir.sub("missing.pem");
    auto res = deliver(settings, srv.url());
    CHECK_FALSE(res.ok);
    CHECK(res.attempts == 1);
    CHECK(res.error == "cannot load the CA certificates");
  }
}
