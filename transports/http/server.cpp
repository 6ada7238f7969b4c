#include "transports/http/server.hpp"

#include <cerrno>
#include <cstring>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/metrics/metrics.hpp"

namespace pando::http {

namespace {

/// The route label of the request this thread is serving; set by the route
/// wrapper, read by the logger hook that runs after the handler.
thread_local const std::string* current_route = nullptr;

const std::string unmatched_route = "unmatched";

const char* status_text(int status) {
  switch (status) {
    case 400: return "bad request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "no such route";
    case 405: return "method not allowed";
    case 408: return "request timeout";
    case 413: return "request body too large";
    case 414: return "request URI too long";
    case 415: return "unsupported media type";
    case 500: return "internal error";
    case 503: return "service unavailable";
    default: return "error";
  }
}

} // namespace

void reply_error(httplib::Response& res, int status, int code,
                 const std::string& msg) {
  nlohmann::json body{{"code", code}, {"message", msg}};
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

struct server::impl {
  struct route {
    std::string method;
    std::string pattern;
    std::string label;
    handler fn;
  };

  struct listener {
    std::unique_ptr<httplib::Server> srv;
    std::string host;
    std::uint16_t port;
    std::string setting;
    std::thread thread;
  };

  server_settings settings;
  metrics::registry& metrics;
  std::vector<route> routes;
  std::vector<listener> listeners;

  impl(server_settings s, metrics::registry& m)
      : settings(std::move(s)), metrics(m) {}

  void count(const httplib::Request&, const httplib::Response& res) {
    const auto& label = current_route ? *current_route : unmatched_route;
    current_route = nullptr;
    metrics
      .get_counter("pando_http_requests_total",
                   "HTTP requests served, by route and status code.",
                   {{"route", label}, {"code", std::to_string(res.status)}})
      .inc();
  }

  void configure(httplib::Server& srv) {
    auto threads = settings.threads;
    srv.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, which
    // would let a second node share (and steal traffic from) our port.
    srv.set_socket_options([](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    srv.set_payload_max_length(settings.max_body_bytes);
    srv.set_read_timeout(settings.io_timeout_s, 0);
    srv.set_write_timeout(settings.io_timeout_s, 0);
    // Idle keep-alive connections hold a pool thread until this passes,
    // and a stopping node waits for them: keep it short.
    srv.set_keep_alive_timeout(2);
    srv.set_tcp_nodelay(true);
    srv.set_logger(
      [this](const auto& req, const auto& res) { count(req, res); });
    srv.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty())
        return;
      auto status = res.status;
      reply_error(res, status, status, status_text(status));
    });
    for (const auto& r : routes) {
      auto wrapped = [&r](const httplib::Request& req, httplib::Response& res) {
        current_route = &r.label;
        r.fn(req, res);
      };
      if (r.method == "GET")
        srv.Get(r.pattern, wrapped);
      else if (r.method == "POST")
        srv.Post(r.pattern, wrapped);
      else if (r.method == "PUT")
        srv.Put(r.pattern, wrapped);
      else if (r.method == "DELETE")
        srv.Delete(r.pattern, wrapped);
      else if (r.method == "PATCH")
        srv.Patch(r.pattern, wrapped);
    }
  }

  std::optional<std::string> bind_one(std::unique_ptr<httplib::Server> srv,
                                      const std::string& host,
                                      std::uint16_t port,
                                      const std::string& setting) {
    if (!srv->is_valid())
      return setting + ": cannot load the TLS certificate or key";
    configure(*srv);
    errno = 0;
    auto where = host + ":" + std::to_string(port);
    if (port == 0) {
      auto bound = srv->bind_to_any_port(host);
      if (bound < 0)
        return setting + " " + where + ": cannot listen ("
               + std::strerror(errno) + ")";
      port = static_cast<std::uint16_t>(bound);
    } else if (!srv->bind_to_port(host, port)) {
      return setting + " " + where + ": cannot listen ("
             + (errno ? std::strerror(errno) : "address not available") + ")";
    }
    listeners.push_back({std::move(srv), host, port, setting, {}});
    return std::nullopt;
  }
};

server::server(server_settings settings, metrics::registry& metrics)
    : impl_(std::make_unique<impl>(std::move(settings), metrics)) {}

server::~server() { stop(); }

void server::add(const std::string& method, const std::string& pattern,
                 const std::string& route, handler fn) {
  impl_->routes.push_back({method, pattern, route, std::move(fn)});
}

std::optional<std::string> server::bind() {
  const auto& s = impl_->settings;
  if (auto err = impl_->bind_one(std::make_unique<httplib::Server>(), s.host,
                                 s.port, "http.listen"))
    return err;
  if (s.tls) {
    auto srv = std::make_unique<httplib::SSLServer>(s.tls->cert_file.c_str(),
                                                    s.tls->key_file.c_str());
    if (auto err = impl_->bind_one(std::move(srv), s.tls->host, s.tls->port,
                                   "http.tls_listen"))
      return err;
  }
  return std::nullopt;
}

void server::start() {
  for (auto& l : impl_->listeners)
    l.thread = std::thread{[srv = l.srv.get()] { srv->listen_after_bind(); }};
}

void server::stop() {
  for (auto& l : impl_->listeners) {
    l.srv->stop();
    if (l.thread.joinable())
      l.thread.join();
  }
  impl_->listeners.clear();
}

std::uint16_t server::port() const {
  return impl_->listeners.empty() ? 0 : impl_->listeners.front().port;
}

} // namespace pando::http
