#include "tools/pando-sim/payloads.hpp"

#include <cstdio>
#include <string_view>
#include <type_traits>

#include "transports/pando/message.hpp"

namespace pando::sim {

namespace {

/// The real-time status query command (spec 5.5).
constexpr std::uint16_t status_query_no = 65528;

/// Returns `x` as text: numbers in decimal, strings quoted, bytes in hex.
std::string render(const proto::value& x) {
  return std::visit(
    [](const auto& v) -> std::string {
      using T = std::decay_t<decltype(v)>;
      if constexpr (std::is_same_v<T, std::string>) {
        return "\"" + v + "\"";
      } else if constexpr (std::is_same_v<T, proto::bytes>) {
        std::string out = "0x";
        char hex[3];
        for (auto b : v) {
          std::snprintf(hex, sizeof(hex), "%02x", b);
          out += hex;
        }
        return out;
      } else if constexpr (std::is_same_v<T, bool>) {
        return v ? "true" : "false";
      } else {
        // std::to_string prints int8/uint8 as numbers, floats with 6 digits.
        return std::to_string(v);
      }
    },
    x);
}

std::string render(const std::vector<proto::value>& xs) {
  std::string out = "[";
  for (std::size_t i = 0; i < xs.size(); ++i)
    out += (i > 0 ? ", " : "") + render(xs[i]);
  return out + "]";
}

reaction malformed(std::string_view what, proto::errc err) {
  return react(reaction::kind::malformed,
               std::string{what}
                 + " does not decode: " + std::string{to_string(err)});
}

reaction classify_command(std::span<const std::uint8_t> payload) {
  auto cmd = proto::decode_command(payload);
  if (!cmd)
    return malformed("command on c", cmd.error());
  if (cmd->no == status_query_no)
    return react(reaction::kind::status_query,
                 "status query (command 65528, sub-device "
                   + std::to_string(cmd->sub_device) + ")");
  return react(reaction::kind::command,
               "command no=" + std::to_string(cmd->no)
                 + " sub=" + std::to_string(cmd->sub_device)
                 + " prio=" + std::to_string(cmd->priority)
                 + " params=" + render(cmd->params));
}

reaction classify_set_status(std::span<const std::uint8_t> payload) {
  auto d = proto::decode_data(payload);
  if (!d)
    return malformed("set status on s", d.error());
  auto out = react(reaction::kind::set_status, "set status");
  for (const auto& obj : d->objects) {
    out.text += " " + std::to_string(obj.sub_device) + "/"
                + std::to_string(obj.property_no) + "=" + render(obj.params);
    if (obj.sub_device == 1 && obj.property_no == 1 && !obj.params.empty())
      if (auto* v = std::get_if<std::uint8_t>(&obj.params[0]))
        out.onoff = *v;
  }
  return out;
}

/// pando's binary payloads on `s`, `e` and `c` (spec 4.4 and 5).
class binary_scheme : public payload_scheme {
 public:
  std::vector<std::string> subscriptions(const credentials&) const override {
    // pando delivers `c` and `s` without SUBSCRIBE.
    return {};
  }

  outgoing status(const credentials&, std::uint8_t onoff,
                  std::uint64_t now_ms) const override {
    return {"s", binary_status(onoff, now_ms)};
  }

  outgoing event(const credentials&, std::uint64_t now_ms) const override {
    return {"e", binary_event(now_ms)};
  }

  reaction handle(const credentials&, const std::string& topic,
                  std::span<const std::uint8_t> payload) const override {
    return binary_handle(topic, payload);
  }
};

} // namespace

std::vector<std::uint8_t> binary_status(std::uint8_t onoff,
                                        std::uint64_t now_ms) {
  proto::data d;
  d.timestamp = now_ms;
  d.objects.push_back(proto::sub_data{1, 1, {proto::value{onoff}}});
  std::vector<std::uint8_t> out;
  // One uint8 never exceeds the codec's limits.
  [[maybe_unused]] auto err = proto::encode(d, out);
  return out;
}

std::vector<std::uint8_t> binary_event(std::uint64_t now_ms) {
  proto::event e;
  e.timestamp = now_ms;
  e.sub_device = 1;
  e.no = 1;
  e.params.emplace_back(std::string{"hello event."});
  std::vector<std::uint8_t> out;
  [[maybe_unused]] auto err = proto::encode(e, out);
  return out;
}

reaction binary_handle(const std::string& topic,
                       std::span<const std::uint8_t> payload) {
  if (topic == "c")
    return classify_command(payload);
  if (topic == "s")
    return classify_set_status(payload);
  return react(reaction::kind::unsupported,
               "unsupported message type " + topic);
}

std::unique_ptr<payload_scheme> make_payload_scheme(const sim_settings& cfg) {
  if (cfg.proto == protocol::json)
    return make_json_scheme(cfg);
  return std::make_unique<binary_scheme>();
}

} // namespace pando::sim
