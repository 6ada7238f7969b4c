// `pando-ctl device show IDENTIFIER`: one device as its actor sees it, with
// its last status per object decoded from TLV (spec 5.1) and labelled from
// the product config.

#include <cctype>
#include <cstdio>
#include <memory>
#include <optional>
#include <type_traits>

#include <CLI/CLI.hpp>

#include "tools/pando-ctl/command.hpp"
#include "tools/pando-ctl/failure.hpp"
#include "tools/pando-ctl/format.hpp"
#include "tools/pando-ctl/table.hpp"
#include "transports/pando/tlv.hpp"

namespace pando::ctl {

namespace {

using json = nlohmann::json;

/// Returns the bytes of a hex string, or nothing if it is not hex.
std::optional<std::vector<std::uint8_t>> from_hex(const std::string& x) {
  if (x.size() % 2 != 0)
    return std::nullopt;
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < x.size(); i += 2) {
    unsigned byte = 0;
    if (std::sscanf(x.c_str() + i, "%2x", &byte) != 1
        || !std::isxdigit(static_cast<unsigned char>(x[i + 1])))
      return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(byte));
  }
  return out;
}

/// Returns `x` as `0x` and lower-case hex digits.
std::string hex_of(const proto::bytes& x) {
  std::string out = "0x";
  char buf[3];
  for (auto b : x) {
    std::snprintf(buf, sizeof(buf), "%02x", b);
    out += buf;
  }
  return out;
}

/// Returns one decoded value as text: numbers, `"quoted"` strings, `0x..`
/// bytes, true/false.
std::string text_of(const proto::value& v) {
  return std::visit(
    [](const auto& x) -> std::string {
      using type = std::decay_t<decltype(x)>;
      if constexpr (std::is_same_v<type, bool>)
        return x ? "true" : "false";
      else if constexpr (std::is_same_v<type, proto::bytes>)
        return hex_of(x);
      else if constexpr (std::is_same_v<type, std::string>)
        return printable(
          json(x).dump(-1, ' ', false, json::error_handler_t::replace));
      else if constexpr (std::is_floating_point_v<type>)
        return json(x).dump();
      else if constexpr (std::is_unsigned_v<type>)
        return std::to_string(static_cast<unsigned long long>(x));
      else
        return std::to_string(static_cast<long long>(x));
    },
    v);
}

/// Returns the object of `config` with `part` and `no`, or null.
json object_of(const json& config, const json& status) {
  if (!config.is_object() || !config.contains("objects"))
    return nullptr;
  for (const auto& o : config["objects"])
    if (o.value("part", -1) == status.value("part", -2)
        && o.value("no", -1) == status.value("no", -2))
      return o;
  return nullptr;
}

/// Returns the decoded params of one status entry, named after the
/// object's status values when known (`onoff=1`), else its hex.
std::string values_of(const json& status, const json& object) {
  auto hex = status.value("params_hex", std::string{});
  auto bytes = from_hex(hex);
  if (!bytes)
    return "hex " + printable(hex);
  std::string out;
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < bytes->size(); ++i) {
    auto v = proto::decode_one(*bytes, pos);
    if (!v)
      return "undecodable (" + std::string{proto::to_string(v.error())}
             + "): hex " + hex;
    out += out.empty() ? "" : ", ";
    if (object.is_object() && object.contains("status")
        && i < object["status"].size())
      if (auto name = object["status"][i].value("name", std::string{});
          !name.empty())
        out += printable(name) + "=";
    out += text_of(*v);
  }
  return out.empty() ? "-" : out;
}

/// Returns the config of the device's product, or null when it cannot be
/// read (deleted product): the status then shows without labels.
json product_config(session& s, const json& dev) {
  try {
    auto product = s.api.get("products/" + cell(dev, "product_id"));
    return product.value("config", json{});
  } catch (const failure&) {
    return nullptr;
  }
}

field_list device_fields(const json& d) {
  auto online = d.value("online", false);
  return {
    {"identifier", cell(d, "identifier")},
    {"device id",
     cell(d, "device_id") + " (client id " + cell(d, "client_id") + ")"},
    {"product id", cell(d, "product_id")},
    {"vendor id", cell(d, "vendor_id")},
    {"name", cell(d, "name")},
    {"description", cell(d, "description")},
    {"version", cell(d, "version")},
    {"device key", cell(d, "device_key")},
    {"created", format_time_ms(d.value("created_at_ms", 0LL))},
    {"online", online ? "yes, on node " + cell(d, "session_node") : "no"},
    {"last seen", format_time_ms(d.value("last_seen_ms", 0LL))},
    {"reports", cell(d, "reports")},
    {"events", cell(d, "events")},
  };
}

void print_status(const json& dev, const json& config, std::ostream& out) {
  auto status = dev.value("status", json::array());
  if (status.empty()) {
    out << "\nstatus: nothing reported yet\n";
    return;
  }
  out << "\nstatus (" << count_of(status.size(), "object") << "):\n";
  table t{{"PART", "NO", "LABEL", "VALUES", "DEVICE TS", "RECEIVED"}};
  for (const auto& st : status) {
    auto object = object_of(config, st);
    t.add_row({cell(st, "part"), cell(st, "no"), cell(object, "label"),
               values_of(st, object), cell(st, "device_ts"),
               format_time_ms(st.value("server_ts_ms", 0LL))});
  }
  t.print(out);
}

void show(session& s, const std::string& identifier) {
  auto dev = s.api.get("devices/" + url_encode(identifier));
  if (s.json)
    return print_json(s, dev);
  print_fields(s.out, device_fields(dev));
  print_status(dev, product_config(s, dev), s.out);
}

} // namespace

void add_device_commands(CLI::App& root, command_list& out) {
  auto* device = root.add_subcommand("device", "Inspect devices");
  device->require_subcommand(1);
  auto identifier = std::make_shared<std::string>();
  auto* sub = device->add_subcommand(
    "show", "Show a device: registry data, session and last status");
  sub
    ->add_option("IDENTIFIER", *identifier,
                 "Device identifier: hex vendor id, hex product id and device "
                 "code, e.g. 64-64-ffaf4fffeeaa")
    ->required();
  out.push_back({sub, [identifier](session& s) { show(s, *identifier); }});
}

} // namespace pando::ctl
