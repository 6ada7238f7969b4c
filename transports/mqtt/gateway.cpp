// The MQTT gateway's brokers. An acceptor broker owns each listener and forks
// one connection broker per accepted socket. A connection broker owns one
// `mqtt::session` (the protocol logic) and acts for it: it writes its bytes,
// asks the device actor to authenticate the client and to record upstream
// publishes, and feeds deliveries from the device actor back into it. It
// never blocks: every actor call is an asynchronous request.

#include "transports/mqtt/gateway.hpp"

#include <chrono>
#include <functional>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/metrics/metrics.hpp"
#include "actors/registry/product_config.hpp"
#include "actors/type_ids.hpp"
#include "transports/mqtt/device_topics.hpp"
#include "transports/mqtt/json_topics.hpp"
#include "transports/mqtt/persistent_codec.hpp"
#include "transports/mqtt/session.hpp"
#include "transports/tls/channel.hpp"
#include "transports/tls/context.hpp"

namespace pando::mqtt {

namespace {

using namespace std::chrono_literals;

std::chrono::milliseconds mono_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
    std::chrono::steady_clock::now().time_since_epoch());
}

/// The gateway's metrics.
struct gateway_probe {
  metrics::gauge& connections;
  metrics::counter& accepted;
  metrics::counter& connects;
  metrics::counter& bytes_in;
  metrics::counter& bytes_out;
  metrics::counter& packets_in;
  metrics::counter& packets_out;
  metrics::counter& publishes_in;
  metrics::counter& publishes_out;
  metrics::registry& reg;

  explicit gateway_probe(metrics::registry& r)
      : connections(
        r.get_gauge("pando_mqtt_connections", "Open MQTT connections.")),
        accepted(
          r.get_counter("pando_mqtt_accepted_total",
                        "TCP connections accepted by the MQTT gateway.")),
        connects(r.get_counter("pando_mqtt_connects_total",
                               "Accepted MQTT CONNECTs (CONNACK 0).")),
        bytes_in(r.get_counter("pando_mqtt_bytes_received_total",
                               "Bytes received from MQTT clients.")),
        bytes_out(r.get_counter("pando_mqtt_bytes_sent_total",
                                "Bytes sent to MQTT clients.")),
        packets_in(r.get_counter("pando_mqtt_packets_received_total",
                                 "MQTT packets received.")),
        packets_out(
          r.get_counter("pando_mqtt_packets_sent_total", "MQTT packets sent.")),
        publishes_in(r.get_counter("pando_mqtt_publishes_received_total",
                                   "PUBLISH packets received.")),
        publishes_out(r.get_counter("pando_mqtt_publishes_sent_total",
                                    "PUBLISH packets sent.")),
        reg(r) {}

  void closed(close_reason why) {
    reg
      .get_counter("pando_mqtt_closed_total",
                   "MQTT connections closed, by reason.",
                   {{"reason", to_string(why)}})
      .inc();
  }

  void auth_failed(const char* why) {
    reg
      .get_counter("pando_mqtt_auth_failures_total",
                   "Refused MQTT CONNECTs, by reason.", {{"reason", why}})
      .inc();
  }

  void tls_failed(const char* why) {
    reg
      .get_counter("pando_mqtt_tls_errors_total",
                   "TLS connections that failed, by reason.", {{"reason", why}})
      .inc();
  }

  void refused_publish(const char* why) {
    reg
      .get_counter("pando_mqtt_refused_publishes_total",
                   "PUBLISH packets refused (connection closed), by reason.",
                   {{"reason", why}})
      .inc();
  }
};

/// What every broker of one gateway shares.
struct shared_state {
  gateway_settings settings;
  caf::actor router;
  caf::actor registry;
  gateway_probe probe;

  shared_state(gateway_settings s, caf::actor r, caf::actor reg,
               metrics::registry& m)
      : settings(std::move(s)), router(std::move(r)), registry(std::move(reg)),
        probe(m) {}
};

using shared_ptr = std::shared_ptr<shared_state>;

// -- connection broker --------------------------------------------------------

/// The state of one connection; it is the session's callee.
class connection : public session_callee {
 public:
  connection(caf::io::broker* self, caf::io::connection_handle hdl,
             shared_ptr shared, const tls::server_context* tls_ctx)
      : self_(self), hdl_(hdl), shared_(std::move(shared)),
        session_(*this, shared_->settings.session, mono_now()) {
    if (tls_ctx)
      tls_.emplace(*tls_ctx);
  }

  // -- input from the broker ------------------------------------------------

  void on_data(const std::vector<char>& buf) {
    shared_->probe.bytes_in.inc(buf.size());
    std::span<const std::uint8_t> bytes{
      reinterpret_cast<const std::uint8_t*>(buf.data()), buf.size()};
    if (tls_) {
      plain_.clear();
      auto res = tls_->feed(bytes, plain_);
      flush_tls();
      if (res.code == tls::status::error) {
        shared_->probe.tls_failed(tls::to_string(res.reason));
        session_.close(close_reason::protocol_error);
        settle();
        return;
      }
      bytes = plain_;
      if (res.code == tls::status::closed) {
        feed(bytes);
        on_lost();
        return;
      }
    }
    feed(bytes);
  }

  void on_tick() {
    session_.on_tick(mono_now());
    settle();
  }

  void on_lost() {
    session_.on_connection_lost();
    settle();
  }

  void on_deliver(downstream& msg) {
    if (json_mode_) {
      with_config([this, msg]() mutable {
        if (auto mapped = map_json_downstream(*cfg_, identifier_, msg)) {
          msg.topic = std::move(mapped->topic);
          msg.payload = std::move(mapped->payload);
        }
        deliver_now(msg);
      });
      return;
    }
    deliver_now(msg);
  }

  void deliver_now(downstream& msg) {
    auto before = session_.counters();
    outbound_message out;
    out.topic = std::move(msg.topic);
    out.payload.assign(msg.payload.begin(), msg.payload.end());
    out.qos = msg.qos == 0 ? qos::at_most_once : qos::at_least_once;
    out.delivery_tag = msg.tag;
    session_.deliver(std::move(out));
    count(before);
    settle();
  }

  void on_kick() {
    session_.close(close_reason::taken_over);
    settle();
  }

  bool done() const { return finished_; }

  // -- session_callee -------------------------------------------------------

  void send(std::vector<std::uint8_t> bytes) override {
    if (finished_)
      return;
    if (tls_) {
      tls_->write(bytes);
      flush_tls();
      return;
    }
    write_raw(bytes);
  }

  void write_raw(const std::vector<std::uint8_t>& bytes) {
    if (bytes.empty())
      return;
    shared_->probe.bytes_out.inc(bytes.size());
    self_->write(hdl_, bytes.size(), bytes.data());
    self_->flush(hdl_);
    if (self_->wr_buf(hdl_).size() > shared_->settings.max_outbound_bytes)
      overflow_ = true;
  }

  void close(close_reason reason) override { reason_ = reason; }

  void authenticate(const connect_request& req) override {
    auto id = device_id::from_hex(req.client_id);
    if (!id) {
      shared_->probe.auth_failed("bad_client_id");
      return answer_auth(connect_return_code::identifier_rejected);
    }
    if (!req.password) {
      shared_->probe.auth_failed("no_password");
      return answer_auth(connect_return_code::bad_username_or_password);
    }
    id_ = *id;
    std::string token(req.password->begin(), req.password->end());
    auto clean = req.clean_session;
    auto timeout = shared_->settings.request_timeout;
    self_->request(shared_->router, timeout, route_atom_v, *id)
      .then(
        [this, token, clean, timeout](caf::actor& dev) {
          device_ = dev;
          self_
            ->request(dev, timeout, auth_atom_v, token,
                      shared_->settings.node_name, clean)
            .then([this](auth_reply& reply) { on_authenticated(reply); },
                  [this](caf::error& err) { on_auth_error(err); });
        },
        [this](caf::error& err) { on_auth_error(err); });
  }

  void publish(std::uint16_t packet_id, inbound_message msg) override {
    if (is_json_topic(msg.topic)) {
      with_config([this, packet_id, msg = std::move(msg)] {
        submit(packet_id,
               map_json_upstream(*cfg_, identifier_, msg.topic, msg.payload),
               msg.topic);
      });
      return;
    }
    submit(packet_id,
           map_upstream(session_.client_id(), msg.topic, msg.payload),
           msg.topic);
  }

  /// Hands a mapped upstream publish to the device actor; PUBACK (or
  /// PUBREC) follows its durable write.
  void submit(std::uint16_t packet_id, upstream mapped,
              const std::string& topic) {
    if (auto* err = std::get_if<upstream_error>(&mapped)) {
      shared_->probe.refused_publish("bad_topic_or_payload");
      spdlog::warn("mqtt: refused publish client={} topic={} reason=\"{}\"",
                   session_.client_id(), topic, err->message);
      if (packet_id != 0)
        session_.on_publish_done(packet_id, false);
      else
        session_.close(close_reason::publish_failed);
      return;
    }
    auto on_result = [this, packet_id](bool ok) {
      if (packet_id != 0) {
        session_.on_publish_done(packet_id, ok);
        settle();
      }
    };
    auto send_report = [&](auto& report) {
      self_
        ->request(device_, shared_->settings.request_timeout, report_atom_v,
                  std::move(report))
        .then([on_result](caf::ok_atom) { on_result(true); },
              [this, on_result](caf::error& err) {
                shared_->probe.refused_publish("device_refused");
                spdlog::warn("mqtt: publish not recorded client={} error={}",
                             session_.client_id(), self_->system().render(err));
                on_result(false);
              });
    };
    std::visit(
      [&](auto& report) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(report)>,
                                      upstream_error>)
          send_report(report);
      },
      mapped);
  }

  suback_return_code authorize_subscribe(const std::string& filter,
                                         qos requested) override {
    auto granted = subscribe_grant(session_.client_id(), filter,
                                   static_cast<int>(requested));
    if (granted < 0 && !identifier_.empty()) {
      granted = json_subscribe_grant(identifier_, filter,
                                     static_cast<int>(requested));
      if (granted >= 0)
        json_mode_ = true; // downstream in the JSON scheme from now on
    }
    if (granted < 0)
      return suback_return_code::failure;
    return static_cast<suback_return_code>(granted);
  }

  void delivered(std::uint64_t tag) override {
    if (device_)
      self_->send(device_, acked_atom_v, tag);
  }

  void dropped(std::uint64_t) override {
    shared_->probe.refused_publish("outbound_queue_full");
  }

  void will(inbound_message msg) override {
    if (!device_)
      return;
    auto ev = will_event(msg.topic, msg.payload);
    self_->send(device_, report_atom_v, std::move(ev));
  }

 private:
  /// Runs `fn` once the device's product configuration is loaded.
  void with_config(std::function<void()> fn) {
    if (cfg_) {
      fn();
      settle();
      return;
    }
    waiting_.push_back(std::move(fn));
    if (waiting_.size() > 1)
      return;
    auto done = [this](registry::product_config cfg) {
      cfg_ = std::move(cfg);
      auto fns = std::move(waiting_);
      waiting_.clear();
      for (auto& f : fns)
        f();
      settle();
    };
    self_
      ->request(shared_->registry, shared_->settings.request_timeout,
                caf::get_atom_v, std::string{"product"}, product_id_)
      .then(
        [done](const std::string& text) {
          auto j = nlohmann::json::parse(text, nullptr, false);
          auto parsed = registry::product_config_from_json(
            j.is_object() ? j.value("config", nlohmann::json::object())
                          : nlohmann::json::object());
          done(parsed ? std::move(parsed.config) : registry::product_config{});
        },
        [done](caf::error&) { done(registry::product_config{}); });
  }

  void feed(std::span<const std::uint8_t> bytes) {
    if (bytes.empty())
      return;
    auto before = session_.counters();
    session_.on_bytes(bytes, mono_now());
    count(before);
    settle();
  }

  void flush_tls() {
    cipher_.clear();
    tls_->take_output(cipher_);
    write_raw(cipher_);
  }

  void answer_auth(connect_return_code code,
                   std::optional<persistent_state> resume = std::nullopt) {
    auth_result res;
    res.code = code;
    res.resume = std::move(resume);
    session_.on_auth_result(std::move(res), mono_now());
    settle();
  }

  void on_authenticated(const auth_reply& reply) {
    if (session_.state() != session_state::authenticating)
      return;
    shared_->probe.connects.inc();
    self_->monitor(device_);
    identifier_ = reply.identifier;
    product_id_ = reply.product_id;
    std::optional<persistent_state> resume;
    if (!reply.session_blob.empty())
      resume = decode_persistent(reply.session_blob);
    if (resume)
      for (const auto& sub : resume->subscriptions)
        if (is_json_topic(sub.filter))
          json_mode_ = true;
    answer_auth(connect_return_code::accepted, std::move(resume));
  }

  void on_auth_error(const caf::error& err) {
    auto code = connect_return_code::server_unavailable;
    const char* why = "unavailable";
    if (err.category() == caf::atom("pando")) {
      switch (static_cast<pando::errc>(err.code())) {
        case pando::errc::device_not_found:
          code = connect_return_code::identifier_rejected;
          why = "unknown_device";
          break;
        case pando::errc::bad_token:
          code = connect_return_code::bad_username_or_password;
          why = "bad_token";
          break;
        default: break;
      }
    }
    shared_->probe.auth_failed(why);
    if (code == connect_return_code::server_unavailable)
      spdlog::warn("mqtt: cannot authenticate client={} error={}",
                   session_.client_id(), self_->system().render(err));
    device_ = nullptr;
    answer_auth(code);
  }

  void count(const session_counters& before) {
    const auto& now = session_.counters();
    auto& p = shared_->probe;
    p.packets_in.inc(now.packets_received - before.packets_received);
    p.packets_out.inc(now.packets_sent - before.packets_sent);
    p.publishes_in.inc(now.publishes_received - before.publishes_received);
    p.publishes_out.inc(now.publishes_sent - before.publishes_sent);
  }

  /// Acts on what the session decided: closes the connection once.
  void settle() {
    if (overflow_ && !reason_)
      session_.close(close_reason::buffer_overflow);
    if (finished_ || !reason_)
      return;
    finished_ = true;
    shared_->probe.closed(*reason_);
    if (device_) {
      std::string blob;
      if (auto st = session_.take_persistent_state())
        blob = encode_persistent(*st);
      self_->send(device_, closed_atom_v, std::move(blob));
    }
    if (tls_) {
      tls_->shutdown();
      flush_tls();
    }
    self_->flush(hdl_);
    self_->close(hdl_);
    self_->quit();
  }

  caf::io::broker* self_;
  caf::io::connection_handle hdl_;
  shared_ptr shared_;
  session session_;
  device_id id_;
  caf::actor device_;
  std::optional<close_reason> reason_;
  std::string identifier_;
  std::int64_t product_id_ = 0;
  bool json_mode_ = false;
  std::optional<registry::product_config> cfg_;
  std::vector<std::function<void()>> waiting_;
  std::optional<tls::channel> tls_;
  std::vector<std::uint8_t> plain_;
  std::vector<std::uint8_t> cipher_;
  bool overflow_ = false;
  bool finished_ = false;
};

using tls_ptr = std::shared_ptr<tls::server_context>;

caf::behavior connection_impl(caf::io::broker* self,
                              caf::io::connection_handle hdl, shared_ptr shared,
                              caf::actor acceptor, tls_ptr tls_ctx) {
  auto conn = std::make_shared<connection>(self, hdl, shared, tls_ctx.get());
  shared->probe.connections.add(1);
  self->attach_functor([shared] { shared->probe.connections.add(-1); });
  self->link_to(acceptor);
  self->configure_read(hdl, caf::io::receive_policy::at_most(8192));
  self->delayed_send(self, 1s, caf::tick_atom_v);
  self->set_down_handler([conn](const caf::down_msg&) {
    // The device actor went away (node stopping, shard moved).
    conn->on_kick();
  });
  return {
    [conn](const caf::io::new_data_msg& msg) { conn->on_data(msg.buf); },
    [conn](const caf::io::connection_closed_msg&) { conn->on_lost(); },
    [self, conn](caf::tick_atom) {
      conn->on_tick();
      if (!conn->done())
        self->delayed_send(self, 1s, caf::tick_atom_v);
    },
    [conn](deliver_atom, downstream& msg) { conn->on_deliver(msg); },
    [conn](kick_atom, const std::string&) { conn->on_kick(); },
  };
}

// -- acceptor broker ----------------------------------------------------------

caf::behavior acceptor_impl(caf::io::broker* self, caf::io::doorman_ptr doorman,
                            shared_ptr shared, tls_ptr tls_ctx) {
  self->add_doorman(std::move(doorman));
  return {
    [self, shared, tls_ctx](const caf::io::new_connection_msg& msg) {
      shared->probe.accepted.inc();
      self->fork(connection_impl, msg.handle, shared,
                 caf::actor_cast<caf::actor>(self), tls_ctx);
    },
    [](const caf::io::acceptor_closed_msg&) {},
  };
}

} // namespace

struct gateway::impl {
  caf::actor_system* sys = nullptr;
  std::vector<caf::actor> acceptors;
};

gateway::~gateway() { stop(); }

std::optional<std::string>
gateway::start(caf::actor_system& sys, const gateway_settings& settings,
               const caf::actor& router, const caf::actor& registry,
               metrics::registry& metrics, std::unique_ptr<gateway>& out) {
  auto gw = std::unique_ptr<gateway>{new gateway};
  gw->impl_ = std::make_unique<impl>();
  gw->impl_->sys = &sys;
  auto shared
    = std::make_shared<shared_state>(settings, router, registry, metrics);
  tls_ptr tls_ctx;
  if (settings.tls) {
    auto ctx = tls::server_context::load(settings.tls->cert_file,
                                         settings.tls->key_file);
    if (!ctx)
      return "mqtt.tls_cert/mqtt.tls_key: " + ctx.error();
    tls_ctx = std::make_shared<tls::server_context>(std::move(*ctx));
  }
  auto& mm = sys.middleman();
  auto listen
    = [&](const std::string& setting, const std::string& host,
          std::uint16_t port, tls_ptr ctx) -> std::optional<std::string> {
    // SO_REUSEADDR (rebinding over TIME_WAIT); Linux still refuses a second
    // listener on the same address.
    auto dm = mm.backend().new_tcp_doorman(port, host.c_str(), true);
    if (!dm)
      return setting + " " + host + ":" + std::to_string(port)
             + ": cannot listen (" + sys.render(dm.error()) + ")";
    if (!ctx)
      gw->port_ = (*dm)->port();
    gw->impl_->acceptors.push_back(
      mm.spawn_broker(acceptor_impl, std::move(*dm), shared, std::move(ctx)));
    return std::nullopt;
  };
  if (auto err = listen("mqtt.listen", settings.host, settings.port, nullptr))
    return err;
  if (settings.tls)
    if (auto err = listen("mqtt.tls_listen", settings.tls->host,
                          settings.tls->port, tls_ctx)) {
      gw->stop();
      return err;
    }
  out = std::move(gw);
  return std::nullopt;
}

void gateway::stop() {
  if (!impl_)
    return;
  for (auto& a : impl_->acceptors)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  impl_->acceptors.clear();
}

} // namespace pando::mqtt
