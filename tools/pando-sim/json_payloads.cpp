// The JSON topic scheme of docs/mqtt.md from the device's side: reports on
// `pando/v1/<identifier>/{status,events}`, commands, status queries and set
// status received on the same prefix once the device subscribed to it.

#include <nlohmann/json.hpp>

#include "tools/pando-sim/payloads.hpp"

namespace pando::sim {

namespace {

using json = nlohmann::json;

std::string prefix_of(const credentials& creds) {
  return "pando/v1/" + creds.identifier + "/";
}

std::vector<std::uint8_t> bytes_of(const json& j) {
  auto text = j.dump();
  return {text.begin(), text.end()};
}

class json_scheme : public payload_scheme {
 public:
  explicit json_scheme(const sim_settings& cfg)
      : label_(cfg.status_label), event_name_(cfg.event_name) {
    // nop
  }

  std::vector<std::string>
  subscriptions(const credentials& creds) const override {
    return {prefix_of(creds) + "#"};
  }

  outgoing status(const credentials& creds, std::uint8_t onoff,
                  std::uint64_t) const override {
    return {prefix_of(creds) + "status",
            bytes_of({{label_, json::array({onoff})}})};
  }

  outgoing event(const credentials& creds, std::uint64_t) const override {
    return {prefix_of(creds) + "events",
            bytes_of({{event_name_, json::array({"hello event."})}})};
  }

  reaction handle(const credentials& creds, const std::string& topic,
                  std::span<const std::uint8_t> payload) const override {
    // Until the SUBSCRIBE is processed the node still uses `c` and `s`.
    if (topic == "c" || topic == "s")
      return binary_handle(topic, payload);
    auto prefix = prefix_of(creds);
    if (topic.rfind(prefix, 0) != 0)
      return react(reaction::kind::unsupported,
                   "unsupported message type " + topic);
    auto body = json::parse(payload.begin(), payload.end(), nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return react(reaction::kind::malformed, topic + ": not a JSON object");
    return classify(prefix, topic.substr(prefix.size()), body);
  }

 private:
  reaction classify(const std::string& prefix, const std::string& leaf,
                    const json& body) const {
    if (leaf == "status/get")
      return react(reaction::kind::status_query, "status query " + body.dump());
    if (leaf == "status/set") {
      auto out = react(reaction::kind::set_status, "set status " + body.dump());
      auto it = body.find(label_);
      if (it != body.end() && it->is_array() && !it->empty()
          && (*it)[0].is_number_unsigned() && (*it)[0].get<unsigned>() <= 255)
        out.onoff = static_cast<std::uint8_t>((*it)[0].get<unsigned>());
      return out;
    }
    if (leaf != "commands")
      return react(reaction::kind::unsupported,
                   "unsupported message type " + prefix + leaf);
    auto out = react(reaction::kind::command, "command " + body.dump());
    json result = {{"result", 0}};
    if (body.contains("tag"))
      result["tag"] = body["tag"];
    out.reply = outgoing{prefix + "commands/result", bytes_of(result)};
    return out;
  }

  std::string label_;
  std::string event_name_;
};

} // namespace

std::unique_ptr<payload_scheme> make_json_scheme(const sim_settings& cfg) {
  return std::make_unique<json_scheme>(cfg);
}

} // namespace pando::sim
