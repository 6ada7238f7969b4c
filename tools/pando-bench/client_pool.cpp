#include "tools/pando-bench/client_pool.hpp"

#include <MQTTAsync.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace pando::bench {

namespace {

using clock_type = std::chrono::steady_clock;

/// Errors kept for the report.
constexpr std::size_t max_errors = 8;

struct connection;

/// One in-flight publish position of a connection; the Paho context of each
/// publish, so the PUBACK callback finds its send time without a lookup.
struct slot {
  connection* conn = nullptr;
  clock_type::time_point sent;
};

/// One MQTT client.
struct connection {
  client_pool::state* st = nullptr;
  MQTTAsync handle = nullptr;
  endpoint ep;
  std::deque<slot> slots;
  clock_type::time_point connect_started;
  std::atomic<bool> up{false};
};

std::uint64_t micros_since(clock_type::time_point t) {
  return static_cast<std::uint64_t>(
    std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - t)
      .count());
}

std::int64_t to_ns(clock_type::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           t.time_since_epoch())
    .count();
}

} // namespace

std::int64_t mono_ns() noexcept { return to_ns(clock_type::now()); }

struct client_pool::state {
  std::deque<connection> conns;
  int keepalive_s = 60;

  std::string topic;
  std::vector<std::uint8_t> payload;
  std::atomic<bool> stopping{false};
  std::atomic<bool> recording{false};
  histogram latency;
  histogram* connect_latency = nullptr;

  std::atomic<std::uint64_t> connected{0};
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> acked{0};
  std::atomic<std::uint64_t> publish_errors{0};
  std::atomic<std::uint64_t> lost{0};
  std::atomic<std::int64_t> in_flight{0};

  /// Guards `pending`, `errors` and `last_answer`.
  mutable std::mutex mtx;
  std::condition_variable cv;
  std::size_t pending = 0;
  clock_type::time_point last_answer;
  std::vector<std::string> errors;

  void note_error(std::string what) {
    std::lock_guard guard{mtx};
    if (errors.size() < max_errors)
      errors.push_back(std::move(what));
  }

  /// Marks one outstanding connect/disconnect as answered.
  void answered() {
    std::lock_guard guard{mtx};
    --pending;
    last_answer = clock_type::now();
    cv.notify_all();
  }

  /// Waits until no request is outstanding or `deadline` passes.
  void wait_answers(clock_type::time_point deadline) {
    std::unique_lock guard{mtx};
    cv.wait_until(guard, deadline, [this] { return pending == 0; });
  }
};

namespace {

std::string describe(const connection& c, const char* what,
                     MQTTAsync_failureData* r) {
  std::string msg = c.ep.client_id + ": " + what;
  if (r != nullptr) {
    msg += " (code " + std::to_string(r->code);
    if (r->message != nullptr)
      msg += std::string{", "} + r->message;
    msg += ")";
  }
  return msg;
}

void publish(slot& s);

void on_published(void* ctx, MQTTAsync_successData*) {
  auto& s = *static_cast<slot*>(ctx);
  auto& st = *s.conn->st;
  st.acked.fetch_add(1, std::memory_order_relaxed);
  if (st.recording.load(std::memory_order_relaxed))
    st.latency.record(micros_since(s.sent));
  publish(s);
}

void on_publish_failed(void* ctx, MQTTAsync_failureData* r) {
  auto& s = *static_cast<slot*>(ctx);
  auto& st = *s.conn->st;
  st.publish_errors.fetch_add(1, std::memory_order_relaxed);
  st.note_error(describe(*s.conn, "publish failed", r));
  st.in_flight.fetch_sub(1, std::memory_order_relaxed);
}

/// Publishes the next message from `s`, or retires `s` when stopping.
void publish(slot& s) {
  auto& c = *s.conn;
  auto& st = *c.st;
  if (st.stopping.load(std::memory_order_relaxed)
      || !c.up.load(std::memory_order_relaxed)) {
    st.in_flight.fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  MQTTAsync_message msg = MQTTAsync_message_initializer;
  msg.payload = st.payload.data();
  msg.payloadlen = static_cast<int>(st.payload.size());
  msg.qos = 1;
  msg.retained = 0;
  MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
  ro.onSuccess = on_published;
  ro.onFailure = on_publish_failed;
  ro.context = &s;
  s.sent = clock_type::now();
  auto rc = MQTTAsync_sendMessage(c.handle, st.topic.c_str(), &msg, &ro);
  if (rc == MQTTASYNC_SUCCESS) {
    st.sent.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  st.publish_errors.fetch_add(1, std::memory_order_relaxed);
  st.note_error(c.ep.client_id + ": send refused: " + MQTTAsync_strerror(rc));
  st.in_flight.fetch_sub(1, std::memory_order_relaxed);
}

void on_connected(void* ctx, MQTTAsync_successData*) {
  auto& c = *static_cast<connection*>(ctx);
  c.up = true;
  c.st->connected.fetch_add(1, std::memory_order_relaxed);
  if (c.st->connect_latency != nullptr)
    c.st->connect_latency->record(micros_since(c.connect_started));
  c.st->answered();
}

void on_connect_failed(void* ctx, MQTTAsync_failureData* r) {
  auto& c = *static_cast<connection*>(ctx);
  c.st->note_error(describe(c, "connect failed", r));
  c.st->answered();
}

void on_connection_lost(void* ctx, char*) {
  auto& c = *static_cast<connection*>(ctx);
  if (c.up.exchange(false)) {
    c.st->connected.fetch_sub(1, std::memory_order_relaxed);
    c.st->lost.fetch_add(1, std::memory_order_relaxed);
    c.st->note_error(c.ep.client_id + ": connection lost");
  }
}

int on_message(void*, char* topic, int, MQTTAsync_message* msg) {
  MQTTAsync_freeMessage(&msg);
  MQTTAsync_free(topic);
  return 1;
}

void on_disconnected(void* ctx, MQTTAsync_successData*) {
  static_cast<connection*>(ctx)->st->answered();
}

void on_disconnect_failed(void* ctx, MQTTAsync_failureData*) {
  static_cast<connection*>(ctx)->st->answered();
}

clock_type::time_point deadline_in(double seconds) {
  return clock_type::now()
         + std::chrono::duration_cast<clock_type::duration>(
           std::chrono::duration<double>(seconds));
}

} // namespace

client_pool::client_pool(std::vector<endpoint> endpoints, int keepalive_s)
    : st_(std::make_unique<state>()) {
  st_->keepalive_s = keepalive_s;
  for (auto& ep : endpoints) {
    auto& c = st_->conns.emplace_back();
    c.st = st_.get();
    c.ep = std::move(ep);
    auto rc
      = MQTTAsync_create(&c.handle, c.ep.uri.c_str(), c.ep.client_id.c_str(),
                         MQTTCLIENT_PERSISTENCE_NONE, nullptr);
    if (rc != MQTTASYNC_SUCCESS)
      throw std::runtime_error("MQTTAsync_create(" + c.ep.uri
                               + "): " + MQTTAsync_strerror(rc));
    MQTTAsync_setCallbacks(c.handle, &c, on_connection_lost, on_message,
                           nullptr);
  }
}

client_pool::~client_pool() {
  for (auto& c : st_->conns)
    if (c.handle != nullptr)
      MQTTAsync_destroy(&c.handle);
}

connect_outcome client_pool::connect_all(std::size_t concurrency,
                                         double timeout_s, histogram* latency) {
  auto& st = *st_;
  st.connect_latency = latency;
  if (concurrency == 0)
    concurrency = st.conns.size();
  connect_outcome out;
  auto started = clock_type::now();
  auto deadline = deadline_in(timeout_s);
  for (auto& c : st.conns) {
    {
      std::unique_lock guard{st.mtx};
      if (!st.cv.wait_until(guard, deadline,
                            [&] { return st.pending < concurrency; }))
        break;
      ++st.pending;
    }
    MQTTAsync_connectOptions opts = MQTTAsync_connectOptions_initializer;
    opts.keepAliveInterval = st.keepalive_s;
    opts.cleansession = 1;
    opts.MQTTVersion = MQTTVERSION_3_1_1;
    opts.connectTimeout = static_cast<int>(std::ceil(timeout_s));
    if (!c.ep.username.empty())
      opts.username = c.ep.username.c_str();
    if (!c.ep.password.empty())
      opts.password = c.ep.password.c_str();
    opts.onSuccess = on_connected;
    opts.onFailure = on_connect_failed;
    opts.context = &c;
    c.connect_started = clock_type::now();
    auto rc = MQTTAsync_connect(c.handle, &opts);
    if (rc != MQTTASYNC_SUCCESS) {
      st.note_error(c.ep.client_id
                    + ": connect refused: " + MQTTAsync_strerror(rc));
      std::lock_guard guard{st.mtx};
      --st.pending;
    }
  }
  st.wait_answers(deadline);
  std::lock_guard guard{st.mtx};
  out.connected = st.connected.load();
  out.failed = st.conns.size() - out.connected;
  auto end = st.last_answer > started ? st.last_answer : clock_type::now();
  out.elapsed_s = std::chrono::duration<double>(end - started).count();
  out.started_ns = to_ns(started);
  out.finished_ns = to_ns(end);
  out.errors = st.errors;
  return out;
}

void client_pool::start_publishing(std::string topic,
                                   std::vector<std::uint8_t> payload,
                                   std::size_t window) {
  auto& st = *st_;
  st.topic = std::move(topic);
  st.payload = std::move(payload);
  st.stopping = false;
  for (auto& c : st.conns) {
    if (!c.up)
      continue;
    for (std::size_t i = 0; i < window; ++i)
      c.slots.push_back(slot{&c, {}});
  }
  // All slots exist before the first publish: callbacks never see a
  // container that is still growing.
  for (auto& c : st.conns)
    for (auto& s : c.slots) {
      st.in_flight.fetch_add(1, std::memory_order_relaxed);
      publish(s);
    }
}

void client_pool::set_recording(bool on) noexcept { st_->recording = on; }

const histogram& client_pool::publish_latency() const noexcept {
  return st_->latency;
}

void client_pool::stop_publishing(double timeout_s) {
  st_->stopping = true;
  auto deadline = deadline_in(timeout_s);
  while (st_->in_flight.load() > 0 && clock_type::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void client_pool::disconnect_all(double timeout_s) {
  auto& st = *st_;
  for (auto& c : st.conns) {
    if (!c.up.exchange(false))
      continue;
    st.connected.fetch_sub(1, std::memory_order_relaxed);
    MQTTAsync_disconnectOptions opts = MQTTAsync_disconnectOptions_initializer;
    opts.timeout = 100;
    opts.onSuccess = on_disconnected;
    opts.onFailure = on_disconnect_failed;
    opts.context = &c;
    {
      std::lock_guard guard{st.mtx};
      ++st.pending;
    }
    if (MQTTAsync_disconnect(c.handle, &opts) != MQTTASYNC_SUCCESS) {
      std::lock_guard guard{st.mtx};
      --st.pending;
    }
  }
  st.wait_answers(deadline_in(timeout_s));
}

pool_stats client_pool::stats() const noexcept {
  pool_stats s;
  s.connected = st_->connected.load(std::memory_order_relaxed);
  s.sent = st_->sent.load(std::memory_order_relaxed);
  s.acked = st_->acked.load(std::memory_order_relaxed);
  s.publish_errors = st_->publish_errors.load(std::memory_order_relaxed);
  s.connections_lost = st_->lost.load(std::memory_order_relaxed);
  s.in_flight = st_->in_flight.load(std::memory_order_relaxed);
  return s;
}

std::vector<std::string> client_pool::errors() const {
  std::lock_guard guard{st_->mtx};
  return st_->errors;
}

std::size_t client_pool::size() const noexcept { return st_->conns.size(); }

} // namespace pando::bench
