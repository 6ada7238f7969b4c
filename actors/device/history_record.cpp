#include "actors/device/history_record.hpp"

#include "actors/device/big_endian.hpp"

namespace pando {

namespace {

void put_object(std::string& out, const object_status& o) {
  put_be(out, o.part, 2);
  put_be(out, o.no, 2);
  put_be(out, static_cast<std::uint64_t>(o.device_ts), 8);
  put_be(out, static_cast<std::uint64_t>(o.server_ts_ms), 8);
  put_be(out, o.params.size(), 4);
  out += o.params;
}

} // namespace

std::string encode_objects(const std::vector<object_status>& objects) {
  std::string out;
  for (const auto& o : objects)
    put_object(out, o);
  return out;
}

std::optional<std::vector<object_status>> decode_objects(std::string_view in) {
  std::vector<object_status> out;
  std::size_t pos = 0;
  while (pos < in.size()) {
    std::uint64_t part, no, dts, sts, n;
    if (!get_be(in, pos, 2, part) || !get_be(in, pos, 2, no)
        || !get_be(in, pos, 8, dts) || !get_be(in, pos, 8, sts)
        || !get_be(in, pos, 4, n) || in.size() - pos < n)
      return std::nullopt;
    object_status o;
    o.part = static_cast<std::uint16_t>(part);
    o.no = static_cast<std::uint16_t>(no);
    o.device_ts = static_cast<std::int64_t>(dts);
    o.server_ts_ms = static_cast<std::int64_t>(sts);
    o.params = std::string{in.substr(pos, n)};
    pos += n;
    out.push_back(std::move(o));
  }
  return out;
}

std::string history_status(const status_report& r, std::int64_t server_ms) {
  std::string out = "s";
  for (auto o : r.objects) {
    o.server_ts_ms = server_ms;
    put_object(out, o);
  }
  return out;
}

std::string history_event(const event_report& e) {
  std::string out = "e";
  put_be(out, e.part, 2);
  put_be(out, e.no, 2);
  put_be(out, e.priority, 2);
  put_be(out, static_cast<std::uint64_t>(e.device_ts), 8);
  out += e.params;
  return out;
}

std::optional<history_record> decode_history(std::string_view in) {
  if (in.empty())
    return std::nullopt;
  history_record out;
  if (in[0] == 's') {
    auto objects = decode_objects(in.substr(1));
    if (!objects)
      return std::nullopt;
    out.is_status = true;
    out.objects = std::move(*objects);
    return out;
  }
  if (in[0] != 'e')
    return std::nullopt;
  std::size_t pos = 1;
  std::uint64_t part, no, prio, ts;
  if (!get_be(in, pos, 2, part) || !get_be(in, pos, 2, no)
      || !get_be(in, pos, 2, prio) || !get_be(in, pos, 8, ts))
    return std::nullopt;
  out.event.part = static_cast<std::uint16_t>(part);
  out.event.no = static_cast<std::uint16_t>(no);
  out.event.priority = static_cast<std::uint16_t>(prio);
  out.event.device_ts = static_cast<std::int64_t>(ts);
  out.event.params = std::string{in.substr(pos)};
  return out;
}

std::string encode_outbox(const outbox_entry& x) {
  std::string out;
  put_be(out, x.identifier.size(), 2);
  out += x.identifier;
  put_be(out, static_cast<std::uint64_t>(x.product_id), 8);
  put_be(out, static_cast<std::uint64_t>(x.server_ms), 8);
  out += x.record;
  return out;
}

std::optional<outbox_entry> decode_outbox(std::string_view in) {
  std::size_t pos = 0;
  std::uint64_t n, product, ms;
  if (!get_be(in, pos, 2, n) || in.size() - pos < n)
    return std::nullopt;
  outbox_entry out;
  out.identifier = std::string{in.substr(pos, n)};
  pos += n;
  if (!get_be(in, pos, 8, product) || !get_be(in, pos, 8, ms))
    return std::nullopt;
  out.product_id = static_cast<std::int64_t>(product);
  out.server_ms = static_cast<std::int64_t>(ms);
  out.record = std::string{in.substr(pos)};
  return out;
}

namespace {

/// Decodes TLVs up to the first bad one (stored params were checked when
/// they arrived).
std::vector<proto::value> values_of(const std::string& params) {
  std::vector<proto::value> out;
  std::span<const std::uint8_t> bytes{
    reinterpret_cast<const std::uint8_t*>(params.data()), params.size()};
  for (std::size_t pos = 0; pos < bytes.size();) {
    auto v = proto::decode_one(bytes, pos);
    if (!v)
      break;
    out.push_back(std::move(*v));
  }
  return out;
}

} // namespace

proto::data data_of(const std::vector<object_status>& objects) {
  proto::data d;
  for (const auto& o : objects) {
    proto::sub_data sd;
    sd.sub_device = o.part;
    sd.property_no = o.no;
    sd.params = values_of(o.params);
    d.objects.push_back(std::move(sd));
  }
  return d;
}

registry::mapping_result<nlohmann::json>
objects_to_json(const registry::product_config& cfg,
                const std::vector<object_status>& objects) {
  return registry::status_to_json(cfg, data_of(objects));
}

registry::mapping_result<nlohmann::json>
event_to_json(const registry::product_config& cfg, const event_report& e) {
  proto::event x;
  x.sub_device = e.part;
  x.no = e.no;
  x.priority = e.priority;
  x.params = values_of(e.params);
  return registry::event_to_json(cfg, x);
}

} // namespace pando
