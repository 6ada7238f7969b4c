#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pando::ctl {

/// How to reach a node; filled from pando-ctl's global flags.
struct client_options {
  /// Base URL of the node's HTTP listener (`--url`, `PANDO_URL`).
  std::string url = "http://127.0.0.1:8080";
  /// Admin bearer token (`--token`, `PANDO_ADMIN_TOKEN`).
  std::string token;
  /// Seconds to wait for connecting, and then for each read or write.
  double timeout_s = 10;
  /// Skip TLS certificate verification for https:// URLs.
  bool insecure = false;
  /// PEM file of trusted CAs for https:// URLs (default: the system's).
  std::string cafile;
};

/// The parts of a node URL `scheme://host[:port][/prefix]`.
struct endpoint {
  std::string scheme;
  std::string host;
  std::uint16_t port = 0;
  /// Path before every route (behind a reverse proxy), no trailing `/`.
  std::string prefix;
};

/// Returns the parts of `url`; throws `failure(exit_usage)` unless it is an
/// http:// or https:// URL with a host.
endpoint parse_url(const std::string& url);

/// A raw HTTP answer: status code and body.
struct reply {
  int status = 0;
  std::string body;
};

/// Returns the text pando-ctl prints for an error reply `r`: the server's
/// `message` (alone for 400, whose message names the fields) or with the
/// status, e.g. `wrong bearer token (HTTP 401 unauthorized); check --token`.
std::string describe_error(const reply& r);

/// Returns `x` percent-encoded for use as one path segment.
std::string url_encode(std::string_view x);

/// Talks to one node's HTTP API and maps every problem to a `failure`.
///
/// Admin calls take a path below `/admin/v1/` and send the bearer token; a
/// missing token is `exit_usage`, an error status `exit_api_error` with the
/// server's message, and a transport problem `exit_unreachable` naming the
/// URL and the reason. One client serves one pando-ctl run.
class client {
 public:
  // -- constructors, destructors ----------------------------------------------

  /// Creates a client for `opts.url`; throws `failure(exit_usage)` for a bad
  /// URL. Does not connect yet.
  explicit client(client_options opts);

  ~client();

  // -- admin API --------------------------------------------------------------

  /// Returns the JSON body of `GET /admin/v1/<path>`.
  nlohmann::json get(const std::string& path);

  /// Returns the JSON body of `POST /admin/v1/<path>` carrying `body`.
  nlohmann::json post(const std::string& path, const nlohmann::json& body);

  /// Sends `DELETE /admin/v1/<path>`.
  void remove(const std::string& path);

  // -- unauthenticated routes -------------------------------------------------

  /// Returns the answer to `GET <path>` (e.g. `/healthz`) whatever its
  /// status; throws only when the node cannot be reached.
  reply get_public(const std::string& path);

  // -- properties -------------------------------------------------------------

  /// Returns the base URL as given.
  const std::string& url() const noexcept;

 private:
  struct impl;

  reply send(const std::string& method, const std::string& path,
             const std::string& body, bool admin);

  nlohmann::json admin_call(const std::string& method, const std::string& path,
                            const std::string& body);

  std::unique_ptr<impl> impl_;
};

} // namespace pando::ctl
