// pando's device API (spec section 3): registration and login. Same paths,
// envelope and codes as pando-cloud; every field is validated.

#include <httplib.h>

#include "actors/registry/app_domain.hpp"
#include "transports/http/api_context.hpp"
#include "transports/http/ask.hpp"
#include "transports/http/json_reply.hpp"
#include "transports/http/server.hpp"

namespace pando::http {

namespace {

using json = nlohmann::json;

/// Device API codes (spec 3).
enum device_code : int {
  system_fault = 10001,
  device_not_found = 10002,
  wrong_secret = 10003,
  protocol_not_supported = 10004,
};

/// Returns an error text when `j[key]` is not a string of `min..max` bytes.
std::optional<std::string> check_string(const json& j, const char* key,
                                        std::size_t min, std::size_t max,
                                        bool required) {
  if (!j.contains(key)) {
    if (required)
      return std::string{key} + ": required";
    return std::nullopt;
  }
  if (!j[key].is_string())
    return std::string{key} + ": must be a string";
  auto n = j[key].get_ref<const std::string&>().size();
  if (n < min || n > max)
    return std::string{key} + ": must have " + std::to_string(min) + " to "
           + std::to_string(max) + " characters";
  return std::nullopt;
}

void registration(const api_context& ctx, const httplib::Request& req,
                  httplib::Response& res) {
  json in;
  if (!parse_body(req, res, system_fault, in))
    return;
  for (auto err : {check_string(in, "product_key", 64, 64, true),
                   check_string(in, "device_code", 1, 128, true),
                   check_string(in, "version", 0, 128, false),
                   check_string(in, "device_secret", 0, 128, false)})
    if (err)
      return reply_code(res, system_fault, *err);
  auto code = in["device_code"].get<std::string>();
  if (code.find_first_of(" /\\\"") != std::string::npos
      || std::any_of(code.begin(), code.end(),
                     [](unsigned char c) { return c < 0x20; }))
    return reply_code(res, system_fault,
                      "device_code: may not contain spaces, slashes, quotes "
                      "or control characters");
  auto product = ask<std::string>(*ctx.sys, *ctx.registry, ctx.timeout,
                                  caf::get_atom_v, std::string{"product"},
                                  in["product_key"].get<std::string>());
  if (!product.first)
    return reply_code(res, system_fault,
                      product.second.code == errc::not_found
                        ? "invalid product key."
                        : product.second.message);
  auto p = json::parse(std::get<0>(*product.first));
  registration_request rr;
  rr.product_id = p.value("id", std::int64_t{0});
  rr.vendor_id = p.value("vendor_id", std::int64_t{0});
  rr.device_code = code;
  rr.identifier = registry::make_identifier(
    static_cast<std::uint64_t>(rr.vendor_id),
    static_cast<std::uint64_t>(rr.product_id), code);
  rr.version = in.value("version", "");
  rr.product_name = p.value("name", "");
  rr.product_description = p.value("description", "");
  rr.current_secret = in.value("device_secret", "");
  auto id = device_id_of(rr.identifier);
  auto reply = ask_device<registration_reply>(*ctx.sys, *ctx.router, id,
                                              ctx.timeout, register_atom_v, rr);
  if (!reply.first)
    return reply_code(res, system_fault, reply.second.message);
  auto& r = std::get<0>(*reply.first);
  reply_ok(res, {{"device_id", r.id.value},
                 {"device_secret", r.secret},
                 {"device_key", r.device_key},
                 {"device_identifier", r.identifier}});
}

void authentication(const api_context& ctx, const httplib::Request& req,
                    httplib::Response& res) {
  json in;
  if (!parse_body(req, res, system_fault, in))
    return;
  if (!in.contains("device_id") || !in["device_id"].is_number_integer()
      || in["device_id"].get<std::int64_t>() <= 0)
    return reply_code(res, device_not_found,
                      "device_id: required, a positive integer");
  if (auto err = check_string(in, "device_secret", 1, 128, true))
    return reply_code(res, wrong_secret, *err);
  if (auto err = check_string(in, "protocol", 0, 16, false))
    return reply_code(res, protocol_not_supported, *err);
  auto protocol = in.value("protocol", "");
  if (protocol.empty())
    protocol = "mqtt";
  if (protocol != "mqtt" && protocol != "http")
    return reply_code(res, protocol_not_supported,
                      "unsuported protocol: " + protocol);
  device_id id{in["device_id"].get<std::uint64_t>()};
  auto reply = ask_device<login_reply>(*ctx.sys, *ctx.router, id, ctx.timeout,
                                       login_atom_v,
                                       in["device_secret"].get<std::string>());
  if (!reply.first) {
    switch (reply.second.code) {
      case errc::device_not_found:
        return reply_code(res, device_not_found, "device not found.");
      case errc::wrong_secret:
        return reply_code(res, wrong_secret, "wrong device secret.");
      default: return reply_code(res, system_fault, reply.second.message);
    }
  }
  auto& r = std::get<0>(*reply.first);
  // The owner of the device's shard serves its session best (both sit on
  // one node); any node would do.
  auto addr = protocol == "http" ? ctx.http_advertise : ctx.mqtt_advertise;
  auto where
    = ask<shard_location>(*ctx.sys, *ctx.agent, ctx.timeout, locate_atom_v, id);
  if (where.first) {
    const auto& loc = std::get<0>(*where.first);
    const auto& owner = protocol == "http" ? loc.owner_http : loc.owner_mqtt;
    if (!owner.empty())
      addr = owner;
  }
  reply_ok(res, {{"access_token", r.token},
                 {"access_addr", addr},
                 {"expires_at_ms", r.expires_at_ms}});
}

} // namespace

void add_device_api(server& srv, const api_context& ctx) {
  srv.add("POST", "/v1/devices/registration", "/v1/devices/registration",
          [ctx](const auto& req, auto& res) { registration(ctx, req, res); });
  srv.add("POST", "/v1/devices/authentication", "/v1/devices/authentication",
          [ctx](const auto& req, auto& res) { authentication(ctx, req, res); });
}

} // namespace pando::http
