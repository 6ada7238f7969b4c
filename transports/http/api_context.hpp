#pragma once

// What the HTTP API routes need from the node. Built by runtime/; route files
// include CAF, this header does not.

#include <chrono>
#include <memory>
#include <string>

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace pando::http {

class server;

/// Handles and settings shared by every API route.
struct api_context {
  caf::actor_system* sys = nullptr;
  std::shared_ptr<caf::actor> router;
  std::shared_ptr<caf::actor> registry;
  /// The node agent: cluster membership, node stats, shard locations.
  std::shared_ptr<caf::actor> agent;
  std::string node_name;
  std::string mqtt_advertise;
  std::string http_advertise;
  std::string admin_token;
  std::string key_secret;
  std::chrono::milliseconds timeout{5000};
};

/// Adds POST /v1/devices/registration and /v1/devices/authentication.
void add_device_api(server& srv, const api_context& ctx);

/// Adds GET /openapi.json (docs/openapi.json, compiled in).
void add_openapi(server& srv);

/// Adds the application API (/application/v1/...).
void add_app_api(server& srv, const api_context& ctx);

/// Adds /admin/v1/{vendors,products,applications}[/{id}[/key]],
/// /admin/v1/devices/{identifier} and /admin/v1/cluster/{nodes,shards,
/// locate/{identifier}}.
void add_admin_api(server& srv, const api_context& ctx);

} // namespace pando::http
