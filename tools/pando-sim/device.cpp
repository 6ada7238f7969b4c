#include "tools/pando-sim/device.hpp"

#include <MQTTAsync.h>

#include <cinttypes>
#include <cstdio>

namespace pando::sim {

namespace {

using clock_type = std::chrono::steady_clock;

/// First pause before a retry; doubles up to `max_backoff`.
constexpr auto min_backoff = std::chrono::seconds(1);
constexpr auto max_backoff = std::chrono::seconds(30);

/// Enrolments the node may reject before a device gives up.
constexpr int max_rejections = 3;

/// Pause for in-flight publishes before DISCONNECT, in milliseconds.
constexpr int disconnect_timeout_ms = 1000;

clock_type::duration to_duration(double seconds) {
  return std::chrono::duration_cast<clock_type::duration>(
    std::chrono::duration<double>(seconds));
}

std::uint64_t unix_ms() {
  return static_cast<std::uint64_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch())
      .count());
}

/// Returns the host of `url` (`scheme://host[:port][/...]`).
std::string host_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of("/", start);
  auto authority = url.substr(start, end - start);
  if (!authority.empty() && authority.front() == '[')
    return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.rfind(':'));
}

/// Returns the Paho URI for `access_addr`; an address without a usable host
/// (`:1883`, `0.0.0.0:1883`) gets the host of `--url`.
std::string mqtt_uri(const sim_settings& cfg, const std::string& addr) {
  auto colon = addr.rfind(':');
  auto host = colon == std::string::npos ? addr : addr.substr(0, colon);
  std::string fixed = addr;
  if (host.empty() || host == "0.0.0.0" || host == "[::]")
    fixed = host_of(cfg.url) + addr.substr(colon);
  return (cfg.tls ? "ssl://" : "tcp://") + fixed;
}

/// Returns the next due time after `due`; a fleet thread that fell behind
/// skips the missed beats instead of sending them in a burst.
clock_type::time_point next_due(clock_type::time_point due, double interval_s,
                                clock_type::time_point now) {
  due += to_duration(interval_s);
  return due > now ? due : now + to_duration(interval_s);
}

std::string hex_id(std::int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%" PRIx64, static_cast<std::uint64_t>(id));
  return buf;
}

} // namespace

device::device(device_env& env, std::size_t index, std::string code)
    : env_(env), index_(index), code_(std::move(code)),
      link_(index, env.events, env.cfg), backoff_(min_backoff) {
  // nop
}

// -- inputs -------------------------------------------------------------------

void device::start() {
  if (state_ == state::idle)
    enroll();
}

void device::tick(clock_type::time_point now) {
  if (state_ == state::waiting && now >= retry_at_) {
    if (retry_ == retry::enroll)
      enroll();
    else
      connect();
    return;
  }
  if (state_ != state::online || quiet_)
    return;
  auto& cfg = env_.cfg;
  if (cfg.status_interval > 0 && now >= next_status_) {
    send_status(true);
    next_status_ = next_due(next_status_, cfg.status_interval, now);
  }
  if (cfg.event_interval > 0 && now >= next_event_) {
    send_event();
    next_event_ = next_due(next_event_, cfg.event_interval, now);
  }
}

void device::handle(event& ev, clock_type::time_point now) {
  std::visit([this, now](auto& x) { on(x, now); }, ev);
}

void device::stop() {
  switch (state_) {
    case state::online:
      state_ = state::stopping;
      if (link_.disconnect(disconnect_timeout_ms) != MQTTASYNC_SUCCESS) {
        went_down();
        state_ = state::stopped;
      }
      break;
    case state::connecting:
      // The CONNECT is under way: its outcome ends the device.
      state_ = state::stopping;
      break;
    case state::stopping:
    case state::stopped:
    case state::gave_up: break;
    default: state_ = state::stopped;
  }
}

bool device::finished() const noexcept {
  return state_ == state::stopped || state_ == state::gave_up
         || state_ == state::idle;
}

// -- event handlers -----------------------------------------------------------

void device::on(enroll_done& ev, clock_type::time_point now) {
  if (state_ != state::enrolling) {
    if (state_ == state::stopping)
      state_ = state::stopped;
    return;
  }
  if (ev.registered && !registered_) {
    registered_ = true;
    ++env_.stats.registered;
  }
  if (ev.outcome == api_outcome::ok) {
    creds_ = std::move(ev.creds);
    grant_ = std::move(ev.grant);
    client_id_ = hex_id(creds_->device_id);
    rejections_ = 0;
    connect();
    return;
  }
  if (ev.registered)
    creds_ = std::move(ev.creds);
  ++env_.stats.enroll_failures;
  env_.out.error(who(), ev.message);
  if (ev.outcome != api_outcome::unreachable
      && ++rejections_ >= max_rejections) {
    state_ = state::gave_up;
    ++env_.stats.gave_up;
    env_.out.error(who(), "the node rejected its enrolment "
                            + std::to_string(max_rejections)
                            + " times; giving up");
    return;
  }
  wait_then(retry::enroll, now);
}

void device::on(mqtt_connected&, clock_type::time_point now) {
  if (state_ != state::connecting && state_ != state::stopping)
    return;
  up_ = true;
  ++env_.stats.online;
  if (state_ == state::stopping) {
    state_ = state::online;
    stop();
    return;
  }
  state_ = state::online;
  backoff_ = min_backoff;
  if (ever_up_) {
    ++env_.stats.reconnects;
  } else {
    ever_up_ = true;
    ++env_.stats.ever_connected;
  }
  for (const auto& filter : env_.scheme.subscriptions(*creds_))
    if (auto rc = link_.subscribe(filter, 1); rc != MQTTASYNC_SUCCESS) {
      ++env_.stats.protocol_errors;
      env_.out.error(who(),
                     "SUBSCRIBE " + filter + ": " + describe_paho_code(rc));
    }
  // Spread the fleet's reports over the interval.
  next_status_ = now + phase(env_.cfg.status_interval);
  next_event_ = now + phase(env_.cfg.event_interval);
}

void device::on(mqtt_connect_failed& ev, clock_type::time_point now) {
  if (state_ == state::stopping) {
    state_ = state::stopped;
    return;
  }
  if (state_ != state::connecting)
    return;
  ++env_.stats.connect_failures;
  env_.out.error(who(), "connect to " + grant_.addr + ": " + ev.message);
  if (ev.code == 2)
    creds_.reset(); // not registered (any more): register again
  if (ev.code == 2 || ev.code == 4 || ev.code == 5)
    wait_then(retry::enroll, now);
  else
    wait_then(retry::connect, now);
}

void device::on(mqtt_lost& ev, clock_type::time_point now) {
  if (!up_)
    return;
  went_down();
  ++env_.stats.connections_lost;
  if (state_ == state::stopping) {
    state_ = state::stopped;
    return;
  }
  env_.out.message(who(), "connection lost: " + ev.cause);
  wait_then(retry::connect, now);
}

void device::on(mqtt_message& ev, clock_type::time_point) {
  if (!creds_)
    return;
  auto r = env_.scheme.handle(*creds_, ev.topic, ev.payload);
  auto& st = env_.stats;
  switch (r.what) {
    case reaction::kind::command: ++st.commands; break;
    case reaction::kind::status_query: ++st.status_queries; break;
    case reaction::kind::set_status: ++st.set_status; break;
    case reaction::kind::unsupported: ++st.unsupported; break;
    case reaction::kind::malformed:
      ++st.protocol_errors;
      env_.out.error(who(), r.text);
      return;
  }
  env_.out.message(who(), r.text);
  if (r.onoff)
    onoff_ = *r.onoff;
  if (state_ != state::online)
    return;
  // A status query, or a set status that changed the switch, is answered
  // with the current status, as a real device confirms a change.
  if (r.what == reaction::kind::status_query || r.onoff)
    send_status(false);
  if (r.reply)
    publish(*r.reply, 1, publish_kind::reply);
}

void device::on(mqtt_delivered& ev, clock_type::time_point) {
  if (in_flight_ > 0)
    --in_flight_;
  auto& st = env_.stats;
  if (!ev.ok) {
    ++st.publish_failures;
    env_.out.error(who(), "publish failed: " + describe_paho_code(ev.code));
    return;
  }
  switch (ev.kind) {
    case publish_kind::status: ++st.status_acked; break;
    case publish_kind::event: ++st.events_acked; break;
    case publish_kind::reply: ++st.replies_acked; break;
  }
}

void device::on(mqtt_subscribed& ev, clock_type::time_point) {
  if (ev.ok) {
    env_.out.message(who(), "SUBSCRIBE acknowledged");
    return;
  }
  ++env_.stats.protocol_errors;
  env_.out.error(who(), "SUBSCRIBE refused: " + describe_paho_code(ev.code));
}

void device::on(mqtt_disconnected&, clock_type::time_point) {
  went_down();
  if (state_ == state::stopping)
    state_ = state::stopped;
}

// -- actions ------------------------------------------------------------------

void device::enroll() {
  state_ = state::enrolling;
  env_.http.submit(enroll_job{index_, code_, creds_});
}

void device::connect() {
  state_ = state::connecting;
  auto rc = link_.connect(
    mqtt_target{mqtt_uri(env_.cfg, grant_.addr), client_id_, grant_.token});
  if (rc == MQTTASYNC_SUCCESS)
    return;
  ++env_.stats.connect_failures;
  env_.out.error(who(),
                 "connect to " + grant_.addr + ": " + describe_paho_code(rc));
  wait_then(retry::connect, clock_type::now());
}

void device::wait_then(retry what, clock_type::time_point now) {
  state_ = state::waiting;
  retry_ = what;
  // Full jitter in [backoff/2, backoff): a fleet that lost its node does not
  // come back in lockstep.
  std::uniform_real_distribution<double> jitter{0.5, 1.0};
  retry_at_ = now
              + std::chrono::duration_cast<clock_type::duration>(
                backoff_ * jitter(env_.rng));
  backoff_ = std::min<clock_type::duration>(backoff_ * 2, max_backoff);
}

void device::went_down() {
  if (up_) {
    up_ = false;
    --env_.stats.online;
  }
}

void device::publish(const outgoing& msg, int qos, publish_kind kind) {
  auto rc = link_.publish(msg.topic, msg.bytes, qos, kind);
  if (rc == MQTTASYNC_DISCONNECTED)
    return; // lost a moment ago; the loss event follows
  if (rc != MQTTASYNC_SUCCESS) {
    ++env_.stats.publish_failures;
    env_.out.error(who(), "publish on " + msg.topic
                            + " refused: " + describe_paho_code(rc));
    return;
  }
  ++in_flight_;
  auto& st = env_.stats;
  switch (kind) {
    case publish_kind::status: ++st.status_sent; break;
    case publish_kind::event: ++st.events_sent; break;
    case publish_kind::reply: ++st.replies_sent; break;
  }
}

void device::send_status(bool toggle) {
  if (toggle)
    onoff_ ^= 1;
  publish(env_.scheme.status(*creds_, onoff_, unix_ms()), env_.cfg.qos,
          publish_kind::status);
}

void device::send_event() {
  publish(env_.scheme.event(*creds_, unix_ms()), env_.cfg.qos,
          publish_kind::event);
}

clock_type::duration device::phase(double interval_s) {
  if (interval_s <= 0)
    return {};
  std::uniform_real_distribution<double> d{0.0, interval_s};
  return to_duration(d(env_.rng));
}

std::string device::who() const {
  return client_id_.empty() ? code_ : client_id_ + " (" + code_ + ")";
}

} // namespace pando::sim
