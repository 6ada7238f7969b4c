// The admin API (/admin/v1/...): list, get, create, update and delete
// vendors, products and applications, rotate their keys, show devices.
// Every route requires `Authorization: Bearer <security.admin_token>`.
// Plain REST: HTTP status codes, bodies are the entities themselves, errors
// are {"code": <status>, "message": "..."}.

#include <algorithm>
#include <chrono>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/device/device_record.hpp"
#include "actors/registry/app_domain.hpp"
#include "transports/http/api_context.hpp"
#include "transports/http/ask.hpp"
#include "transports/http/server.hpp"

namespace pando::http {

namespace {

using json = nlohmann::json;

bool authorized(const api_context& ctx, const httplib::Request& req,
                httplib::Response& res) {
  auto header = req.get_header_value("Authorization");
  static constexpr std::string_view prefix = "Bearer ";
  if (header.size() > prefix.size() && header.rfind(prefix, 0) == 0
      && equal_constant_time(header.substr(prefix.size()), ctx.admin_token))
    return true;
  res.set_header("WWW-Authenticate", "Bearer");
  reply_error(res, 401, 401,
              header.empty() ? "missing bearer token" : "wrong bearer token");
  return false;
}

int status_of(errc code) {
  switch (code) {
    case errc::not_found:
    case errc::device_not_found: return 404;
    case errc::invalid_argument: return 400;
    case errc::conflict: return 409;
    case errc::forbidden: return 403;
    case errc::timeout: return 504;
    default: return 503;
  }
}

void reply_json(httplib::Response& res, int status, const std::string& text) {
  res.status = status;
  res.set_content(text, "application/json");
}

/// "vendors" -> "vendor", ...
std::string kind_of(const std::string& plural) {
  return plural.substr(0, plural.size() - 1);
}

template<class... Ts>
void forward(const api_context& ctx, httplib::Response& res, int ok_status,
             Ts&&... xs) {
  auto out = ask<std::string>(*ctx.sys, *ctx.registry, ctx.timeout,
                              std::forward<Ts>(xs)...);
  if (!out.first)
    return reply_error(res, status_of(out.second.code),
                       status_of(out.second.code), out.second.message);
  reply_json(res, ok_status, std::get<0>(*out.first));
}

std::int64_t id_of(const httplib::Request& req) {
  try {
    return std::stoll(req.matches[2].str());
  } catch (...) {
    return -1;
  }
}

json view_to_json(const device_view& v) {
  auto status = json::array();
  for (const auto& o : v.status)
    status.push_back({{"part", o.part},
                      {"no", o.no},
                      {"params_hex", to_hex(o.params)},
                      {"device_ts", o.device_ts},
                      {"server_ts_ms", o.server_ts_ms}});
  return {{"device_id", v.id.value},
          {"client_id", v.id.to_hex()},
          {"identifier", v.identifier},
          {"product_id", v.product_id},
          {"vendor_id", v.vendor_id},
          {"device_key", v.device_key},
          {"name", v.name},
          {"description", v.description},
          {"version", v.version},
          {"created_at_ms", v.created_at_ms},
          {"online", v.online},
          {"session_node", v.session_node},
          {"last_seen_ms", v.last_seen_ms},
          {"reports", v.reports},
          {"events", v.events},
          {"status", status}};
}

void show_device(const api_context& ctx, const httplib::Request& req,
                 httplib::Response& res) {
  auto identifier = req.matches[1].str();
  auto parts = registry::parse_identifier(identifier);
  if (parts.error != registry::identifier_errc::none)
    return reply_error(res, 400, 400,
                       "'" + identifier + "' is not a device identifier");
  auto id = device_id_of(identifier);
  auto out = ask_device<device_view>(*ctx.sys, *ctx.router, id, ctx.timeout,
                                     caf::get_atom_v);
  if (!out.first)
    return reply_error(
      res, status_of(out.second.code), status_of(out.second.code),
      out.second.code == errc::device_not_found ? "no device " + identifier
                                                : out.second.message);
  const auto& view = std::get<0>(*out.first);
  if (view.identifier != identifier)
    return reply_error(res, 404, 404, "no device " + identifier);
  reply_json(res, 200, view_to_json(view).dump());
}

// -- cluster ------------------------------------------------------------------

json member_json(const member& m) {
  return {{"name", m.name},
          {"up", m.up},
          {"joined_seq", m.joined_seq},
          {"cluster", m.cluster_address},
          {"mqtt", m.mqtt_address},
          {"http", m.http_address}};
}

void cluster_nodes(const api_context& ctx, httplib::Response& res) {
  auto out = ask<std::vector<node_stats>>(*ctx.sys, *ctx.agent, ctx.timeout,
                                          nodes_atom_v);
  if (!out.first)
    return reply_error(res, 503, 503, out.second.message);
  auto nodes = std::move(std::get<0>(*out.first));
  std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) {
    return a.info.name < b.info.name;
  });
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  auto items = json::array();
  for (const auto& n : nodes)
    items.push_back(
      {{"name", n.info.name},
       {"status", n.up ? "up" : "unreachable"},
       {"version", n.info.build},
       {"mqtt", n.info.mqtt_advertise},
       {"http", n.info.http_advertise},
       {"uptime_s",
        n.up ? static_cast<double>(now - n.info.started_at_ms) / 1000.0 : 0.0},
       {"epoch", n.epoch},
       {"shards_owned", n.shards_owned},
       {"shards_followed", n.shards_followed},
       {"device_actors", n.device_actors},
       {"connections", n.connections},
       {"messages_in_per_s", n.messages_in_per_s},
       {"messages_out_per_s", n.messages_out_per_s},
       {"resident_bytes", n.resident_bytes}});
  reply_json(res, 200, items.dump());
}

void cluster_shards(const api_context& ctx, const httplib::Request& req,
                    httplib::Response& res) {
  auto out = ask<cluster_view>(*ctx.sys, *ctx.agent, ctx.timeout,
                               caf::get_atom_v, view_atom_v);
  if (!out.first)
    return reply_error(res, 503, 503, out.second.message);
  const auto& v = std::get<0>(*out.first);
  std::vector<std::uint64_t> owned(v.members.size()),
    followed(v.members.size()), syncing(v.members.size());
  // Shards none of whose in-sync replicas is up answer with errors until
  // one is back.
  std::uint64_t unavailable = 0, syncing_total = 0;
  for (std::uint32_t s = 0; s < v.replicas.size(); ++s) {
    const auto& list = v.replicas[s];
    for (std::size_t i = 0; i < list.size(); ++i) {
      ++(i == 0 ? owned : followed)[list[i]];
      if (v.is_syncing(s, list[i])) {
        ++syncing[list[i]];
        ++syncing_total;
      }
    }
    unavailable += v.has_in_sync_replica_up(s) ? 0 : 1;
  }
  auto members = json::array();
  const member* controller = nullptr;
  for (std::size_t i = 0; i < v.members.size(); ++i) {
    const auto& m = v.members[i];
    if (m.up
        && (controller == nullptr || m.joined_seq < controller->joined_seq))
      controller = &m;
    auto item = member_json(m);
    item["shards_owned"] = owned[i];
    item["shards_followed"] = followed[i];
    item["shards_syncing"] = syncing[i];
    members.push_back(std::move(item));
  }
  json body{{"epoch", v.epoch},
            {"shards", v.shards},
            {"replication_factor", v.replication_factor},
            {"controller", controller ? controller->name : ""},
            {"replicas_syncing", syncing_total},
            {"shards_unavailable", unavailable},
            {"members", std::move(members)}};
  if (req.get_param_value("table") == "true") {
    auto table = json::array();
    auto syncing_table = json::array();
    for (std::uint32_t s = 0; s < v.replicas.size(); ++s) {
      auto names = json::array();
      auto copying = json::array();
      for (auto idx : v.replicas[s]) {
        names.push_back(v.members[idx].name);
        if (v.is_syncing(s, idx))
          copying.push_back(v.members[idx].name);
      }
      table.push_back(std::move(names));
      syncing_table.push_back(std::move(copying));
    }
    body["syncing"] = std::move(syncing_table);
    body["table"] = std::move(table);
  }
  reply_json(res, 200, body.dump());
}

void cluster_locate(const api_context& ctx, const httplib::Request& req,
                    httplib::Response& res) {
  auto identifier = req.matches[1].str();
  if (!registry::parse_identifier(identifier))
    return reply_error(res, 400, 400,
                       "'" + identifier + "' is not a device identifier");
  auto id = device_id_of(identifier);
  auto out
    = ask<shard_location>(*ctx.sys, *ctx.agent, ctx.timeout, locate_atom_v, id);
  if (!out.first)
    return reply_error(res, 503, 503, out.second.message);
  const auto& loc = std::get<0>(*out.first);
  json body{{"identifier", identifier},
            {"device_id", id.to_hex()},
            {"shard", loc.shard},
            {"epoch", loc.epoch},
            {"owner", loc.replicas.empty() ? "" : loc.replicas.front()},
            {"followers", json::array()},
            {"registered", false},
            {"online", false},
            {"session_node", nullptr}};
  for (std::size_t i = 1; i < loc.replicas.size(); ++i)
    body["followers"].push_back(loc.replicas[i]);
  auto dev = ask_device<device_view>(*ctx.sys, *ctx.router, id, ctx.timeout,
                                     caf::get_atom_v);
  if (dev.first && std::get<0>(*dev.first).identifier == identifier) {
    const auto& view = std::get<0>(*dev.first);
    body["registered"] = true;
    body["online"] = view.online;
    if (view.online)
      body["session_node"] = view.session_node;
  }
  reply_json(res, 200, body.dump());
}

void cluster_drain(const api_context& ctx, const httplib::Request& req,
                   httplib::Response& res) {
  auto name = req.matches[1].str();
  auto out
    = ask<std::uint64_t>(*ctx.sys, *ctx.agent, std::chrono::milliseconds{15000},
                         caf::leave_atom_v, name);
  if (!out.first)
    return reply_error(res, status_of(out.second.code),
                       status_of(out.second.code), out.second.message);
  json body{{"node", name},
            {"shards_handed_off", std::get<0>(*out.first)},
            {"state", "left"}};
  reply_json(res, 200, body.dump());
}

} // namespace

void add_admin_api(server& srv, const api_context& ctx) {
  const std::string kinds = "/admin/v1/(vendors|products|applications)";
  auto guard = [ctx](auto fn) {
    return [ctx, fn](const httplib::Request& req, httplib::Response& res) {
      if (authorized(ctx, req, res))
        fn(req, res);
    };
  };
  srv.add("GET", kinds, "/admin/v1/{kind}",
          guard([ctx](const auto& req, auto& res) {
            forward(ctx, res, 200, caf::get_atom_v, kind_of(req.matches[1]));
          }));
  srv.add("POST", kinds, "/admin/v1/{kind}",
          guard([ctx](const auto& req, auto& res) {
            forward(ctx, res, 201, caf::put_atom_v, kind_of(req.matches[1]),
                    req.body);
          }));
  srv.add("GET", kinds + "/([0-9]{1,18})", "/admin/v1/{kind}/{id}",
          guard([ctx](const auto& req, auto& res) {
            forward(ctx, res, 200, caf::get_atom_v, kind_of(req.matches[1]),
                    id_of(req));
          }));
  srv.add("PUT", kinds + "/([0-9]{1,18})", "/admin/v1/{kind}/{id}",
          guard([ctx](const auto& req, auto& res) {
            forward(ctx, res, 200, caf::update_atom_v, kind_of(req.matches[1]),
                    id_of(req), req.body);
          }));
  srv.add("POST", kinds + "/([0-9]{1,18})/key", "/admin/v1/{kind}/{id}/key",
          guard([ctx](const auto& req, auto& res) {
            forward(ctx, res, 200, caf::reset_atom_v, kind_of(req.matches[1]),
                    id_of(req));
          }));
  srv.add("DELETE", kinds + "/([0-9]{1,18})", "/admin/v1/{kind}/{id}",
          guard([ctx](const auto& req, auto& res) {
            auto out = ask<caf::ok_atom>(*ctx.sys, *ctx.registry, ctx.timeout,
                                         caf::delete_atom_v,
                                         kind_of(req.matches[1]), id_of(req));
            if (!out.first)
              return reply_error(res, status_of(out.second.code),
                                 status_of(out.second.code),
                                 out.second.message);
            res.status = 204;
          }));
  srv.add(
    "GET", "/admin/v1/devices/([^/]{1,300})", "/admin/v1/devices/{identifier}",
    guard([ctx](const auto& req, auto& res) { show_device(ctx, req, res); }));
  srv.add("GET", "/admin/v1/cluster/nodes", "/admin/v1/cluster/nodes",
          guard([ctx](const auto&, auto& res) { cluster_nodes(ctx, res); }));
  srv.add("GET", "/admin/v1/cluster/shards", "/admin/v1/cluster/shards",
          guard([ctx](const auto& req, auto& res) {
            cluster_shards(ctx, req, res);
          }));
  srv.add(
    "POST", "/admin/v1/cluster/nodes/([^/]{1,100})/drain",
    "/admin/v1/cluster/nodes/{name}/drain",
    guard([ctx](const auto& req, auto& res) { cluster_drain(ctx, req, res); }));
  srv.add("GET", "/admin/v1/cluster/locate/([^/]{1,300})",
          "/admin/v1/cluster/locate/{identifier}",
          guard([ctx](const auto& req, auto& res) {
            cluster_locate(ctx, req, res);
          }));
}

} // namespace pando::http
