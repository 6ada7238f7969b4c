#include "transports/mqtt/device_topics.hpp"

#include "transports/pando/message.hpp"

namespace pando::mqtt {

namespace {

std::string encode_params(const std::vector<proto::value>& params) {
  std::vector<std::uint8_t> buf;
  for (const auto& v : params)
    if (proto::encode(v, buf) != proto::errc::none)
      return {};
  return {buf.begin(), buf.end()};
}

upstream map_status(std::span<const std::uint8_t> payload) {
  auto decoded = proto::decode_data(payload);
  if (!decoded)
    return upstream_error{std::string{"status payload: "}
                          + std::string{proto::to_string(decoded.error())}};
  status_report r;
  r.device_ts = static_cast<std::int64_t>(decoded->timestamp);
  for (const auto& obj : decoded->objects) {
    object_status o;
    o.part = obj.sub_device;
    o.no = obj.property_no;
    o.params = encode_params(obj.params);
    o.device_ts = r.device_ts;
    r.objects.push_back(std::move(o));
  }
  return r;
}

upstream map_event(std::span<const std::uint8_t> payload) {
  auto decoded = proto::decode_event(payload);
  if (!decoded)
    return upstream_error{std::string{"event payload: "}
                          + std::string{proto::to_string(decoded.error())}};
  event_report e;
  e.part = decoded->sub_device;
  e.no = decoded->no;
  e.priority = decoded->priority;
  e.params = encode_params(decoded->params);
  e.device_ts = static_cast<std::int64_t>(decoded->timestamp);
  return e;
}

} // namespace

upstream map_upstream(const std::string&, const std::string& topic,
                      std::span<const std::uint8_t> payload) {
  if (topic == "s")
    return map_status(payload);
  if (topic == "e")
    return map_event(payload);
  return upstream_error{"topic '" + topic
                        + "' is not a device topic (use s or e)"};
}

int subscribe_grant(const std::string&, const std::string& filter,
                    int requested_qos) {
  if (filter == "c" || filter == "s")
    return requested_qos > 1 ? 1 : requested_qos;
  return -1;
}

event_report will_event(const std::string& topic,
                        std::span<const std::uint8_t> payload) {
  if (topic == "e") {
    auto mapped = map_event(payload);
    if (auto* e = std::get_if<event_report>(&mapped))
      return *e;
  }
  event_report e;
  e.part = 0;
  e.no = 65532; // platform event: device offline
  std::vector<std::uint8_t> buf;
  auto n = std::min<std::size_t>(payload.size(), proto::max_value_length);
  if (proto::encode(proto::value{proto::bytes(
                      payload.begin(), payload.begin() + static_cast<long>(n))},
                    buf)
      == proto::errc::none)
    e.params.assign(buf.begin(), buf.end());
  return e;
}

} // namespace pando::mqtt
