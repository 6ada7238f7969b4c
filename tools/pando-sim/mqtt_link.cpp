#include "tools/pando-sim/mqtt_link.hpp"

#include <MQTTAsync.h>

namespace pando::sim {

namespace {

/// Keepalive of every simulated device, as pando's original simulator.
constexpr int keepalive_s = 30;

/// Seconds Paho waits for TCP, TLS and CONNACK.
constexpr int connect_timeout_s = 10;

mqtt_link& link_of(void* ctx) { return *static_cast<mqtt_link*>(ctx); }

/// Describes a failure; CONNACK codes by their meaning.
std::string text_of(const MQTTAsync_failureData* r) {
  if (r == nullptr)
    return "unknown failure";
  if ((r->code >= 1 && r->code <= 5) || r->message == nullptr)
    return describe_paho_code(r->code);
  return r->message;
}

// -- Paho callbacks: each turns into one event
// ---------------------------------

void on_connected(void* ctx, MQTTAsync_successData*) {
  auto& l = link_of(ctx);
  l.events().push(mqtt_connected{l.dev()});
}

void on_connect_failed(void* ctx, MQTTAsync_failureData* r) {
  auto& l = link_of(ctx);
  l.events().push(
    mqtt_connect_failed{l.dev(), r ? r->code : MQTTASYNC_FAILURE, text_of(r)});
}

void on_lost(void* ctx, char* cause) {
  auto& l = link_of(ctx);
  l.events().push(
    mqtt_lost{l.dev(), cause ? cause : "connection closed by the node"});
  if (cause != nullptr)
    MQTTAsync_free(cause);
}

int on_message(void* ctx, char* topic, int topic_len, MQTTAsync_message* m) {
  auto& l = link_of(ctx);
  mqtt_message ev;
  ev.dev = l.dev();
  ev.topic = topic_len > 0 ? std::string(topic, topic_len) : std::string{topic};
  auto* p = static_cast<const std::uint8_t*>(m->payload);
  ev.payload.assign(p, p + m->payloadlen);
  MQTTAsync_freeMessage(&m);
  MQTTAsync_free(topic);
  l.events().push(std::move(ev));
  return 1;
}

void on_published(void* ctx, MQTTAsync_successData*) {
  auto& c = *static_cast<mqtt_link::publish_context*>(ctx);
  c.self->events().push(mqtt_delivered{c.self->dev(), c.kind, true, 0});
}

void on_publish_failed(void* ctx, MQTTAsync_failureData* r) {
  auto& c = *static_cast<mqtt_link::publish_context*>(ctx);
  c.self->events().push(mqtt_delivered{c.self->dev(), c.kind, false,
                                       r ? r->code : MQTTASYNC_FAILURE});
}

void on_subscribed(void* ctx, MQTTAsync_successData* r) {
  auto& l = link_of(ctx);
  // A SUBACK return code 0x80 arrives here as granted QoS 128.
  bool granted = r == nullptr || r->alt.qos != 0x80;
  l.events().push(mqtt_subscribed{l.dev(), granted, granted ? 0 : 0x80});
}

void on_subscribe_failed(void* ctx, MQTTAsync_failureData* r) {
  auto& l = link_of(ctx);
  l.events().push(
    mqtt_subscribed{l.dev(), false, r ? r->code : MQTTASYNC_FAILURE});
}

void on_disconnected(void* ctx, MQTTAsync_successData*) {
  auto& l = link_of(ctx);
  l.events().push(mqtt_disconnected{l.dev()});
}

void on_disconnect_failed(void* ctx, MQTTAsync_failureData*) {
  auto& l = link_of(ctx);
  l.events().push(mqtt_disconnected{l.dev()});
}

} // namespace

mqtt_link::mqtt_link(std::size_t dev, event_queue& events,
                     const sim_settings& cfg)
    : dev_(dev), events_(events),
      cfg_(cfg), contexts_{publish_context{this, publish_kind::status},
                           publish_context{this, publish_kind::event},
                           publish_context{this, publish_kind::reply}} {
  // nop
}

mqtt_link::~mqtt_link() {
  if (handle_ != nullptr) {
    MQTTAsync h = handle_;
    MQTTAsync_destroy(&h);
  }
}

int mqtt_link::ensure_handle(const mqtt_target& target) {
  if (handle_ != nullptr && target.uri == target_.uri
      && target.client_id == target_.client_id)
    return MQTTASYNC_SUCCESS;
  if (handle_ != nullptr) {
    MQTTAsync h = handle_;
    MQTTAsync_destroy(&h);
    handle_ = nullptr;
  }
  MQTTAsync h = nullptr;
  auto rc = MQTTAsync_create(&h, target.uri.c_str(), target.client_id.c_str(),
                             MQTTCLIENT_PERSISTENCE_NONE, nullptr);
  if (rc != MQTTASYNC_SUCCESS)
    return rc;
  handle_ = h;
  return MQTTAsync_setCallbacks(h, this, on_lost, on_message, nullptr);
}

int mqtt_link::connect(const mqtt_target& target) {
  if (auto rc = ensure_handle(target); rc != MQTTASYNC_SUCCESS)
    return rc;
  target_ = target;
  MQTTAsync_connectOptions opts = MQTTAsync_connectOptions_initializer;
  opts.keepAliveInterval = keepalive_s;
  opts.cleansession = 1;
  // Explicit 3.1.1: with the default, Paho retries a refused CONNECT as 3.1.
  opts.MQTTVersion = MQTTVERSION_3_1_1;
  opts.connectTimeout = connect_timeout_s;
  opts.username = target_.client_id.c_str();
  opts.password = target_.password.c_str();
  opts.onSuccess = on_connected;
  opts.onFailure = on_connect_failed;
  opts.context = this;
  MQTTAsync_SSLOptions ssl = MQTTAsync_SSLOptions_initializer;
  if (cfg_.tls) {
    ssl.enableServerCertAuth = cfg_.insecure ? 0 : 1;
    ssl.verify = cfg_.insecure ? 0 : 1;
    if (!cfg_.cafile.empty())
      ssl.trustStore = cfg_.cafile.c_str();
    opts.ssl = &ssl;
  }
  return MQTTAsync_connect(handle_, &opts);
}

int mqtt_link::publish(const std::string& topic,
                       const std::vector<std::uint8_t>& bytes, int qos,
                       publish_kind kind) {
  if (handle_ == nullptr)
    return MQTTASYNC_DISCONNECTED;
  MQTTAsync_message msg = MQTTAsync_message_initializer;
  msg.payload = const_cast<std::uint8_t*>(bytes.data());
  msg.payloadlen = static_cast<int>(bytes.size());
  msg.qos = qos;
  MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
  ro.onSuccess = on_published;
  ro.onFailure = on_publish_failed;
  ro.context = &contexts_[static_cast<std::size_t>(kind)];
  return MQTTAsync_sendMessage(handle_, topic.c_str(), &msg, &ro);
}

int mqtt_link::subscribe(const std::string& filter, int qos) {
  if (handle_ == nullptr)
    return MQTTASYNC_DISCONNECTED;
  MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
  ro.onSuccess = on_subscribed;
  ro.onFailure = on_subscribe_failed;
  ro.context = this;
  return MQTTAsync_subscribe(handle_, filter.c_str(), qos, &ro);
}

int mqtt_link::disconnect(int timeout_ms) {
  if (handle_ == nullptr)
    return MQTTASYNC_DISCONNECTED;
  MQTTAsync_disconnectOptions opts = MQTTAsync_disconnectOptions_initializer;
  opts.timeout = timeout_ms;
  opts.onSuccess = on_disconnected;
  opts.onFailure = on_disconnect_failed;
  opts.context = this;
  return MQTTAsync_disconnect(handle_, &opts);
}

std::string describe_paho_code(int code) {
  switch (code) {
    case 1: return "CONNACK 1: unacceptable protocol version";
    case 2: return "CONNACK 2: identifier rejected";
    case 3: return "CONNACK 3: server unavailable";
    case 4: return "CONNACK 4: bad user name or password";
    case 5: return "CONNACK 5: not authorized";
    default: break;
  }
  const char* text = MQTTAsync_strerror(code);
  return text != nullptr ? std::string{text}
                         : "Paho error " + std::to_string(code);
}

} // namespace pando::sim
