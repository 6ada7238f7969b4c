// The application API (/application/v1/...): pando-cloud's endpoints with
// the same envelope and codes (spec 6.2), with its defects fixed: App-Key and
// domain checks on every endpoint including device/info (S1), wrong JSON
// kinds give 10005 instead of a 500 (B11), one command per request (B13),
// the configured priority is sent (B9), and ?timeout= is honoured.

#include <chrono>

#include <httplib.h>

#include "actors/device/command_record.hpp"
#include "actors/device/device_record.hpp"
#include "actors/device/history_record.hpp"
#include "actors/registry/app_domain.hpp"
#include "actors/registry/entity_key.hpp"
#include "actors/registry/payload_mapping.hpp"
#include "actors/registry/product_config.hpp"
#include "actors/rules/rule.hpp"
#include "transports/http/api_context.hpp"
#include "transports/http/ask.hpp"
#include "transports/http/json_reply.hpp"
#include "transports/http/server.hpp"
#include "transports/pando/message.hpp"

namespace pando::http {

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

/// Application API codes (spec 6).
enum app_code : int {
  system_fault = 10001,
  product_not_found = 10002,
  device_not_found = 10003,
  device_not_online = 10004,
  wrong_request_format = 10005,
  wrong_product_config = 10006,
  access_denied = 10008,
};

/// What one application request has established so far.
struct app_call {
  json app;
  std::string identifier;
  device_id id;
  device_view view;
  registry::product_config cfg;
};

std::uint64_t unix_seconds() {
  return static_cast<std::uint64_t>(
    std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch())
      .count());
}

/// Checks the App-Key header; fills `call.app`.
bool check_app(const api_context& ctx, const httplib::Request& req,
               httplib::Response& res, app_call& call) {
  auto key = req.get_header_value("App-Key");
  if (key.empty()) {
    reply_code(res, device_not_found, "missing device identifier or app key.");
    return false;
  }
  auto app = ask<std::string>(*ctx.sys, *ctx.registry, ctx.timeout,
                              caf::get_atom_v, std::string{"application"}, key);
  if (!app.first) {
    reply_code(res, access_denied, "invalid app key.");
    return false;
  }
  call.app = json::parse(std::get<0>(*app.first));
  return true;
}

/// Checks that the application's domain admits `identifier`.
bool check_domain(httplib::Response& res, const app_call& call,
                  const std::string& identifier) {
  auto verdict
    = registry::check_device_domain(call.app.value("domain", ""), identifier);
  if (verdict.access == registry::domain_access::allowed)
    return true;
  reply_code(res, access_denied,
             verdict.message.empty() ? "app has no access right on device."
                                     : verdict.message);
  return false;
}

bool check_domain(httplib::Response& res, app_call& call) {
  return check_domain(res, call, call.identifier);
}

/// Loads the device's twin; with `online`, refuses an offline device.
bool load_device(const api_context& ctx, httplib::Response& res, app_call& call,
                 bool online) {
  auto out = ask_device<device_view>(*ctx.sys, *ctx.router, call.id,
                                     ctx.timeout, caf::get_atom_v);
  if (!out.first && out.second.code != errc::device_not_found) {
    // The cluster cannot reach the device's owner now: say so.
    reply_code(res, system_fault, out.second.message);
    return false;
  }
  if (!out.first || std::get<0>(*out.first).identifier != call.identifier) {
    reply_code(res, device_not_found, "device not found.");
    return false;
  }
  call.view = std::move(std::get<0>(*out.first));
  if (online && !call.view.online) {
    reply_code(res, device_not_online, "device is offline.");
    return false;
  }
  return true;
}

/// Loads the configuration of product `product_id` into `cfg`.
bool load_config(const api_context& ctx, httplib::Response& res,
                 std::int64_t product_id, registry::product_config& cfg) {
  auto product
    = ask<std::string>(*ctx.sys, *ctx.registry, ctx.timeout, caf::get_atom_v,
                       std::string{"product"}, product_id);
  if (!product.first) {
    reply_code(res, product_not_found, "product not found.");
    return false;
  }
  auto p = json::parse(std::get<0>(*product.first));
  auto parsed = registry::product_config_from_json(p.value("config", json{}));
  if (!parsed) {
    reply_code(res, wrong_product_config, to_string(parsed.errors.front()));
    return false;
  }
  cfg = std::move(parsed.config);
  return true;
}

bool load_config(const api_context& ctx, httplib::Response& res,
                 app_call& call) {
  return load_config(ctx, res, call.view.product_id, call.cfg);
}

/// Runs the checks of a `/devices/{identifier}/...` route.
bool prepare(const api_context& ctx, const httplib::Request& req,
             httplib::Response& res, app_call& call, bool online, bool config) {
  call.identifier = req.matches[1].str();
  if (!check_app(ctx, req, res, call) || !check_domain(res, call))
    return false;
  call.id = device_id_of(call.identifier);
  return load_device(ctx, res, call, online)
         && (!config || load_config(ctx, res, call));
}

json info_of(const device_view& v) {
  return {{"identifier", v.identifier},
          {"name", v.name},
          {"description", v.description},
          {"version", v.version}};
}

void reply_status(httplib::Response& res, const app_call& call,
                  const std::vector<object_status>& objects) {
  auto mapped = registry::status_to_json(call.cfg, data_of(objects));
  if (!mapped)
    return reply_code(res, wrong_request_format,
                      "status does not match the product config: "
                        + to_string(mapped.error()));
  reply_ok(res, *mapped);
}

std::string bytes_of(const std::vector<std::uint8_t>& buf) {
  return {buf.begin(), buf.end()};
}

/// Answers a failed delivery: 10004 when the device is offline, else 10001.
void reply_delivery_error(httplib::Response& res, const ask_error& err) {
  if (err.code == errc::device_offline)
    return reply_code(res, device_not_online, "device is offline.");
  if (err.code == errc::timeout)
    return reply_code(res, system_fault,
                      "the device did not acknowledge in time.");
  reply_code(res, system_fault, err.message);
}

/// Sends `payload` on `topic` to the device and waits for its PUBACK.
void send_and_wait(const api_context& ctx, httplib::Response& res,
                   const app_call& call, const std::string& topic,
                   std::string payload, std::chrono::milliseconds timeout) {
  downstream msg{topic, std::move(payload), 1, 0, true};
  auto out = ask_device<caf::ok_atom>(*ctx.sys, *ctx.router, call.id, timeout,
                                      deliver_atom_v, msg);
  if (!out.first) {
    return reply_delivery_error(res, out.second);
  }
  reply_code(res, 0, "");
}

// -- handlers -----------------------------------------------------------------

void device_info_by_key(const api_context& ctx, const httplib::Request& req,
                        httplib::Response& res) {
  app_call call;
  if (!check_app(ctx, req, res, call))
    return;
  auto key = req.get_param_value("device_key");
  auto decoded = registry::decode_key_id(ctx.key_secret, key);
  if (key.empty() || !decoded || decoded.id <= 0)
    return reply_code(res, device_not_found, "device not found.");
  auto out = ask_device<device_view>(
    *ctx.sys, *ctx.router, device_id{static_cast<std::uint64_t>(decoded.id)},
    ctx.timeout, caf::get_atom_v);
  if (!out.first
      || !equal_constant_time(std::get<0>(*out.first).device_key, key))
    return reply_code(res, device_not_found, "device not found.");
  call.view = std::move(std::get<0>(*out.first));
  call.identifier = call.view.identifier;
  if (check_domain(res, call))
    reply_ok(res, info_of(call.view));
}

void device_info(const api_context& ctx, const httplib::Request& req,
                 httplib::Response& res) {
  app_call call;
  if (prepare(ctx, req, res, call, false, false))
    reply_ok(res, info_of(call.view));
}

void status_latest(const api_context& ctx, const httplib::Request& req,
                   httplib::Response& res) {
  app_call call;
  if (prepare(ctx, req, res, call, false, true))
    reply_status(res, call, call.view.status);
}

void status_current(const api_context& ctx, const httplib::Request& req,
                    httplib::Response& res) {
  app_call call;
  if (!prepare(ctx, req, res, call, true, true))
    return;
  proto::command query;
  query.timestamp = unix_seconds();
  query.sub_device = 65535;
  query.no = 65528; // platform command: real-time status query
  query.priority = 99;
  std::vector<std::uint8_t> buf;
  if (proto::encode(query, buf) != proto::errc::none)
    return reply_code(res, system_fault, "cannot encode the status query");
  downstream msg{"c", bytes_of(buf), 1, 0, true};
  auto out = ask_device<std::vector<object_status>>(
    *ctx.sys, *ctx.router, call.id, 5s, query_atom_v, msg);
  if (!out.first) {
    if (out.second.code == errc::device_offline)
      return reply_code(res, device_not_online, "device is offline.");
    return reply_code(res, system_fault, "get status timeout.");
  }
  reply_status(res, call, std::get<0>(*out.first));
}

/// Renders desired objects (encoded sub-data blocks) as label JSON.
json desired_json(const app_call& call,
                  const std::vector<desired_object>& objects) {
  std::string bytes(25, '\0');
  for (const auto& d : objects)
    bytes += d.block;
  auto data = proto::decode_data(
    {reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()});
  if (!data)
    return json::object();
  auto mapped = registry::status_to_json(call.cfg, *data);
  return mapped ? *mapped : json::object();
}

json desired_reply(const app_call& call, const desired_view& v) {
  return {{"version", v.version},
          {"desired", desired_json(call, v.desired)},
          {"delta", desired_json(call, v.delta)},
          {"delivered", v.delivered}};
}

/// PUT status?desired=true: records the desired status; the device gets the
/// delta now, or when it reconnects.
void put_desired(const api_context& ctx, httplib::Response& res,
                 const app_call& call, const proto::data& data) {
  std::vector<desired_object> objects;
  for (const auto& obj : data.objects) {
    proto::data one;
    one.objects.push_back(obj);
    std::vector<std::uint8_t> buf;
    if (proto::encode(one, buf) != proto::errc::none)
      return reply_code(res, wrong_request_format, "status too large");
    objects.push_back({obj.sub_device, obj.property_no,
                       std::string{buf.begin() + 25, buf.end()}});
  }
  auto out = ask_device<desired_view>(*ctx.sys, *ctx.router, call.id, 5s,
                                      desire_atom_v, objects);
  if (!out.first)
    return reply_code(res, system_fault, out.second.message);
  reply_ok(res, desired_reply(call, std::get<0>(*out.first)));
}

void get_desired(const api_context& ctx, const httplib::Request& req,
                 httplib::Response& res) {
  app_call call;
  if (!prepare(ctx, req, res, call, false, true))
    return;
  auto out = ask_device<desired_view>(*ctx.sys, *ctx.router, call.id,
                                      ctx.timeout, desire_atom_v);
  if (!out.first)
    return reply_code(res, system_fault, out.second.message);
  reply_ok(res, desired_reply(call, std::get<0>(*out.first)));
}

void put_status(const api_context& ctx, const httplib::Request& req,
                httplib::Response& res) {
  app_call call;
  json body;
  auto desired = req.get_param_value("desired");
  if (!desired.empty() && desired != "true" && desired != "false")
    return reply_code(res, wrong_request_format, "desired: true or false");
  auto as_desired = desired == "true";
  if (!prepare(ctx, req, res, call, !as_desired, true)
      || !parse_body(req, res, wrong_request_format, body))
    return;
  auto mapped = registry::status_from_json(call.cfg, body);
  if (!mapped)
    return reply_code(res, wrong_request_format, to_string(mapped.error()));
  if (as_desired)
    return put_desired(ctx, res, call, *mapped);
  auto data = std::move(*mapped);
  data.timestamp = unix_seconds();
  std::vector<std::uint8_t> buf;
  if (proto::encode(data, buf) != proto::errc::none)
    return reply_code(res, wrong_request_format, "status too large");
  send_and_wait(ctx, res, call, "s", bytes_of(buf), 5s);
}

bool int_param(const httplib::Request& req, const char* name, std::int64_t min,
               std::int64_t max, std::int64_t& out);

/// Returns the ?timeout= of a command in milliseconds (seconds, 1..60;
/// default 3).
std::optional<std::chrono::milliseconds>
command_timeout(const httplib::Request& req) {
  if (!req.has_param("timeout"))
    return 3s;
  auto text = req.get_param_value("timeout");
  if (text.empty() || text.size() > 2
      || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  auto secs = std::stoi(text);
  if (secs < 1 || secs > 60)
    return std::nullopt;
  return std::chrono::seconds{secs};
}

void post_command(const api_context& ctx, const httplib::Request& req,
                  httplib::Response& res) {
  app_call call;
  json body;
  if (!prepare(ctx, req, res, call, false, true)
      || !parse_body(req, res, wrong_request_format, body))
    return;
  auto timeout = command_timeout(req);
  if (!timeout)
    return reply_code(res, wrong_request_format,
                      "timeout: seconds from 1 to 60");
  auto mapped = registry::command_from_json(call.cfg, body);
  if (!mapped)
    return reply_code(res, wrong_request_format, to_string(mapped.error()));
  std::int64_t ttl = 0;
  if (!int_param(req, "ttl", 0, 7 * 86400, ttl))
    return reply_code(res, wrong_request_format,
                      "ttl: seconds from 0 to 604800");
  auto cmd = std::move(*mapped);
  cmd.timestamp = unix_seconds();
  std::vector<std::uint8_t> buf;
  if (proto::encode(cmd, buf) != proto::errc::none)
    return reply_code(res, wrong_request_format, "command too large");
  downstream msg{"c", bytes_of(buf), 1, 0, true};
  auto out = ask_device<command_status>(
    *ctx.sys, *ctx.router, call.id, *timeout, deliver_atom_v, msg, ttl * 1000);
  if (!out.first) {
    return reply_delivery_error(res, out.second);
  }
  const auto& st = std::get<0>(*out.first);
  json reply{{"code", 0},
             {"message", ""},
             {"data",
              {{"command_id", st.id},
               {"state", to_string(static_cast<command_state>(st.state))}}}};
  res.set_content(reply.dump(), "application/json; charset=UTF-8");
}

void list_commands(const api_context& ctx, const httplib::Request& req,
                   httplib::Response& res) {
  app_call call;
  if (!prepare(ctx, req, res, call, false, true))
    return;
  std::int64_t limit = 100;
  if (!int_param(req, "limit", 1, 1000, limit))
    return reply_code(res, wrong_request_format, "limit: 1 to 1000");
  auto out = ask_device<std::vector<command_status>>(
    *ctx.sys, *ctx.router, call.id, ctx.timeout, commands_atom_v,
    static_cast<std::uint32_t>(limit));
  if (!out.first)
    return reply_code(res, system_fault, out.second.message);
  auto items = json::array();
  for (const auto& c : std::get<0>(*out.first)) {
    json item{{"command_id", c.id},
              {"state", to_string(static_cast<command_state>(c.state))},
              {"created_ms", c.created_ms},
              {"expires_ms", c.expires_ms},
              {"updated_ms", c.updated_ms}};
    std::span<const std::uint8_t> bytes{
      reinterpret_cast<const std::uint8_t*>(c.payload.data()),
      c.payload.size()};
    if (auto decoded = proto::decode_command(bytes))
      if (auto mapped = registry::command_to_json(call.cfg, *decoded))
        item["command"] = *mapped;
    items.push_back(std::move(item));
  }
  reply_ok(res, items);
}

// -- history ------------------------------------------------------------------

/// Decodes one stored history value into its JSON rendering.
json history_entry(const registry::product_config& cfg,
                   const std::string& key_suffix, const std::string& value) {
  json out{{"cursor", key_suffix},
           {"server_ts_ms", std::stoll(key_suffix.substr(0, 16), nullptr, 16)}};
  auto rec = decode_history(value);
  if (!rec)
    return out;
  if (rec->is_status) {
    if (!rec->objects.empty())
      out["device_ts"] = rec->objects.back().device_ts;
    auto mapped = objects_to_json(cfg, rec->objects);
    out["kind"] = "status";
    out["data"] = mapped ? *mapped : json::object();
    return out;
  }
  auto mapped = event_to_json(cfg, rec->event);
  out["kind"] = "event";
  out["event"] = rec->event.no;
  out["device_ts"] = rec->event.device_ts;
  out["data"] = mapped ? *mapped : json::object();
  return out;
}

/// Parses an optional non-negative integer query parameter.
bool int_param(const httplib::Request& req, const char* name, std::int64_t min,
               std::int64_t max, std::int64_t& out) {
  if (!req.has_param(name))
    return true;
  auto text = req.get_param_value(name);
  if (text.empty() || text.size() > 18
      || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::stoll(text);
  return out >= min && out <= max;
}

void history(const api_context& ctx, const httplib::Request& req,
             httplib::Response& res) {
  app_call call;
  if (!prepare(ctx, req, res, call, false, true))
    return;
  std::int64_t from = 0, to = INT64_MAX, limit = 100;
  if (!int_param(req, "from", 0, INT64_MAX, from)
      || !int_param(req, "to", 0, INT64_MAX, to)
      || !int_param(req, "limit", 1, 1000, limit))
    return reply_code(res, wrong_request_format,
                      "from and to: Unix milliseconds; limit: 1 to 1000");
  auto kind = req.get_param_value("kind");
  auto order = req.get_param_value("order");
  if (!kind.empty() && kind != "status" && kind != "event")
    return reply_code(res, wrong_request_format, "kind: status or event");
  if (!order.empty() && order != "asc" && order != "desc")
    return reply_code(res, wrong_request_format, "order: asc or desc");
  auto desc = order == "desc";
  auto begin = to_hex16(static_cast<std::uint64_t>(from));
  auto end = to == INT64_MAX ? std::string{}
                             : to_hex16(static_cast<std::uint64_t>(to));
  auto cursor = req.get_param_value("cursor");
  if (!cursor.empty()) {
    if (cursor.size() != 24
        || cursor.find_first_not_of("0123456789abcdef") != std::string::npos)
      return reply_code(res, wrong_request_format,
                        "cursor: a value from a previous page");
    if (desc)
      end = cursor; // strictly before the cursor
    else
      begin = cursor + "0"; // strictly after the cursor
  }
  auto out = ask_device<std::vector<std::string>, std::vector<std::string>>(
    *ctx.sys, *ctx.router, call.id, ctx.timeout, history_atom_v, begin, end,
    static_cast<std::uint32_t>(limit), desc);
  if (!out.first)
    return reply_code(res, system_fault, out.second.message);
  auto& [keys, values] = *out.first;
  auto entries = json::array();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto suffix = keys[i].substr(keys[i].rfind('/') + 1);
    auto entry = history_entry(call.cfg, suffix, values[i]);
    if (kind.empty() || entry["kind"] == kind)
      entries.push_back(std::move(entry));
  }
  json next = nullptr;
  if (keys.size() == static_cast<std::size_t>(limit))
    next = keys.back().substr(keys.back().rfind('/') + 1);
  reply_ok(res, {{"entries", std::move(entries)}, {"next", next}});
}

void update_info(const api_context& ctx, const httplib::Request& req,
                 httplib::Response& res) {
  app_call call;
  json body;
  if (!prepare(ctx, req, res, call, false, false)
      || !parse_body(req, res, wrong_request_format, body))
    return;
  auto name = call.view.name;
  auto description = call.view.description;
  for (const auto& [k, v] : body.items()) {
    if (k != "name" && k != "description")
      return reply_code(res, wrong_request_format,
                        k + ": unknown field (name, description)");
    if (!v.is_string())
      return reply_code(res, wrong_request_format, k + ": must be a string");
    auto text = v.get<std::string>();
    if (k == "name" && (text.empty() || text.size() > 200))
      return reply_code(res, wrong_request_format, "name: 1 to 200 characters");
    if (k == "description" && text.size() > 10000)
      return reply_code(res, wrong_request_format,
                        "description: at most 10000 characters");
    (k == "name" ? name : description) = std::move(text);
  }
  auto out
    = ask_device<caf::ok_atom>(*ctx.sys, *ctx.router, call.id, ctx.timeout,
                               caf::update_atom_v, name, description);
  if (!out.first)
    return reply_code(res, system_fault, out.second.message);
  reply_code(res, 0, "");
}

void delete_device(const api_context& ctx, const httplib::Request& req,
                   httplib::Response& res) {
  app_call call;
  if (!prepare(ctx, req, res, call, false, false))
    return;
  auto out = ask_device<caf::ok_atom>(*ctx.sys, *ctx.router, call.id,
                                      ctx.timeout, caf::delete_atom_v);
  if (!out.first)
    return reply_code(res, system_fault, out.second.message);
  reply_code(res, 0, "");
}

// -- rules --------------------------------------------------------------------

void reply_rule(httplib::Response& res, const std::string& stored) {
  auto r = rules::rule_from_json(stored);
  if (!r)
    return reply_code(res, system_fault, "cannot read the rule");
  reply_ok(res, rules::to_api_json(*r));
}

/// POST .../rules: validates everything pando-cloud did not (S2): trigger,
/// target format, existence and domain, and the action against the
/// target's product config.
void post_rule(const api_context& ctx, const httplib::Request& req,
               httplib::Response& res) {
  app_call call;
  json body;
  if (!prepare(ctx, req, res, call, false, true)
      || !parse_body(req, res, wrong_request_format, body))
    return;
  auto parsed = rules::parse_rule_request(body, call.cfg);
  if (!parsed.error.empty())
    return reply_code(res, wrong_request_format, parsed.error);
  auto& r = parsed.r;
  if (!check_domain(res, call, r.target_identifier))
    return;
  auto target = ask_device<device_view>(*ctx.sys, *ctx.router,
                                        device_id_of(r.target_identifier),
                                        ctx.timeout, caf::get_atom_v);
  if (!target.first
      || std::get<0>(*target.first).identifier != r.target_identifier)
    return reply_code(res, device_not_found, "target device not found.");
  registry::product_config target_cfg;
  if (!load_config(ctx, res, std::get<0>(*target.first).product_id, target_cfg))
    return;
  if (auto err = rules::compile_action(r, target_cfg); !err.empty())
    return reply_code(res, wrong_request_format, err);
  r.app_id = call.app.value("id", std::int64_t{0});
  auto out
    = ask_device<std::string>(*ctx.sys, *ctx.router, call.id, ctx.timeout,
                              rule_atom_v, caf::put_atom_v, rules::to_json(r));
  if (!out.first)
    return reply_code(res,
                      out.second.code == errc::conflict ? wrong_request_format
                                                        : system_fault,
                      out.second.message);
  reply_rule(res, std::get<0>(*out.first));
}

void list_rules(const api_context& ctx, const httplib::Request& req,
                httplib::Response& res) {
  app_call call;
  if (!prepare(ctx, req, res, call, false, false))
    return;
  auto out = ask_device<std::vector<std::string>>(
    *ctx.sys, *ctx.router, call.id, ctx.timeout, rule_atom_v, caf::get_atom_v);
  if (!out.first)
    return reply_code(res, system_fault, out.second.message);
  auto items = json::array();
  for (const auto& text : std::get<0>(*out.first))
    if (auto r = rules::rule_from_json(text))
      items.push_back(rules::to_api_json(*r));
  reply_ok(res, items);
}

/// Reads the rule id of a `.../rules/{rule}` route (the route's pattern
/// admits 1 to 18 digits only).
std::uint64_t rule_id(const httplib::Request& req) {
  return std::stoull(req.matches[2].str());
}

/// Answers a failed rule request: unknown rules are a wrong request.
void reply_rule_error(httplib::Response& res, const ask_error& err,
                      std::uint64_t id) {
  if (err.code == errc::not_found)
    return reply_code(res, wrong_request_format,
                      "rule " + std::to_string(id) + " not found.");
  reply_code(res, system_fault, err.message);
}

void get_rule(const api_context& ctx, const httplib::Request& req,
              httplib::Response& res) {
  app_call call;
  if (!prepare(ctx, req, res, call, false, false))
    return;
  auto id = rule_id(req);
  auto out = ask_device<std::vector<std::string>>(
    *ctx.sys, *ctx.router, call.id, ctx.timeout, rule_atom_v, caf::get_atom_v);
  if (!out.first)
    return reply_code(res, system_fault, out.second.message);
  for (const auto& text : std::get<0>(*out.first))
    if (auto r = rules::rule_from_json(text); r && r->id == id)
      return reply_ok(res, rules::to_api_json(*r));
  reply_rule_error(res, {errc::not_found, {}}, id);
}

/// PUT .../rules/{rule} with {"enabled": bool}.
void put_rule(const api_context& ctx, const httplib::Request& req,
              httplib::Response& res) {
  app_call call;
  json body;
  if (!prepare(ctx, req, res, call, false, false)
      || !parse_body(req, res, wrong_request_format, body))
    return;
  auto id = rule_id(req);
  if (!body.is_object() || body.size() != 1 || !body.contains("enabled")
      || !body["enabled"].is_boolean())
    return reply_code(res, wrong_request_format,
                      "body: {\"enabled\": true|false}");
  auto out = ask_device<std::string>(
    *ctx.sys, *ctx.router, call.id, ctx.timeout, rule_atom_v,
    caf::update_atom_v, id, body["enabled"].get<bool>());
  if (!out.first)
    return reply_rule_error(res, out.second, id);
  reply_rule(res, std::get<0>(*out.first));
}

void delete_rule(const api_context& ctx, const httplib::Request& req,
                 httplib::Response& res) {
  app_call call;
  if (!prepare(ctx, req, res, call, false, false))
    return;
  auto id = rule_id(req);
  auto out
    = ask_device<caf::ok_atom>(*ctx.sys, *ctx.router, call.id, ctx.timeout,
                               rule_atom_v, caf::delete_atom_v, id);
  if (!out.first)
    return reply_rule_error(res, out.second, id);
  reply_code(res, 0, "");
}

} // namespace

void add_app_api(server& srv, const api_context& ctx) {
  const std::string dev = "/application/v1/devices/([^/]{1,300})";
  auto route = [&](const char* method, const std::string& pattern,
                   const char* label, auto fn) {
    srv.add(method, pattern, label,
            [ctx, fn](const auto& req, auto& res) { fn(ctx, req, res); });
  };
  route("GET", "/application/v1/device/info", "/application/v1/device/info",
        device_info_by_key);
  route("GET", dev + "/info", "/application/v1/devices/{id}/info", device_info);
  route("GET", dev + "/status/latest",
        "/application/v1/devices/{id}/status/latest", status_latest);
  route("GET", dev + "/status/current",
        "/application/v1/devices/{id}/status/current", status_current);
  route("PUT", dev + "/status", "/application/v1/devices/{id}/status",
        put_status);
  route("GET", dev + "/status/desired",
        "/application/v1/devices/{id}/status/desired", get_desired);
  route("POST", dev + "/commands", "/application/v1/devices/{id}/commands",
        post_command);
  route("GET", dev + "/history", "/application/v1/devices/{id}/history",
        history);
  route("GET", dev + "/commands", "/application/v1/devices/{id}/commands",
        list_commands);
  route("PUT", dev + "/info", "/application/v1/devices/{id}/info", update_info);
  route("DELETE", dev, "/application/v1/devices/{id}", delete_device);
  route("POST", dev + "/rules", "/application/v1/devices/{id}/rules",
        post_rule);
  route("GET", dev + "/rules", "/application/v1/devices/{id}/rules",
        list_rules);
  const auto rule = dev + "/rules/([0-9]{1,18})";
  route("GET", rule, "/application/v1/devices/{id}/rules/{rule}", get_rule);
  route("PUT", rule, "/application/v1/devices/{id}/rules/{rule}", put_rule);
  route("DELETE", rule, "/application/v1/devices/{id}/rules/{rule}",
        delete_rule);
}

} // namespace pando::http
