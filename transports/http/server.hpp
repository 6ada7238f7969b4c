#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "transports/tls/listener.hpp"
#include <vector>

namespace httplib {
struct Request;
struct Response;
} // namespace httplib

namespace pando::metrics {
class registry;
} // namespace pando::metrics

namespace pando::http {

/// Where and how the HTTP gateway listens. Built by runtime/ from the node's
/// configuration.
struct server_settings {
  std::string host;
  std::uint16_t port = 0;
  /// HTTPS listener; unset = plain HTTP only.
  using tls_listener = tls::listener_settings;
  std::optional<tls_listener> tls;
  std::uint32_t threads = 8;
  std::uint32_t max_body_bytes = 1024 * 1024;
  std::uint32_t io_timeout_s = 10; ///< read and write timeout per request
};

using handler
  = std::function<void(const httplib::Request&, httplib::Response&)>;

/// The node's HTTP gateway: one route table served on the plain listener and,
/// when configured, the TLS listener. Requests run on the server's own thread
/// pool (never on CAF's workers); handlers may block on actor replies.
/// Counts `pando_http_requests_total{route,code}` in `metrics`.
class server {
 public:
  server(server_settings settings, metrics::registry& metrics);
  ~server();

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Adds a route. `pattern` is a regular expression over the path;
  /// `route` is its label in metrics (e.g. "/v1/devices/registration").
  void add(const std::string& method, const std::string& pattern,
           const std::string& route, handler fn);

  /// Binds every listener. Returns a message naming the failing setting
  /// (`http.listen` or `http.tls_listen`) on failure.
  std::optional<std::string> bind();

  /// Serves requests on background threads until `stop`.
  void start();

  /// Stops accepting, finishes running requests, joins the threads.
  void stop();

  /// Returns the bound plain port (useful when binding port 0 in tests).
  std::uint16_t port() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Writes a JSON error body `{"code": code, "message": msg}` with `status`.
void reply_error(httplib::Response& res, int status, int code,
                 const std::string& msg);

} // namespace pando::http
