// The HTTP side of pando-ctl: URL parsing, one cpp-httplib client per run,
// and the mapping of every outcome to data or a `failure` with its exit
// status (1 = the node said no, 2 = we were asked something invalid,
// 3 = the node could not be reached).

#include "tools/pando-ctl/client.hpp"

#include <cctype>

#include <httplib.h>

#include "pando/version.hpp"
#include "tools/pando-ctl/failure.hpp"
#include "tools/pando-ctl/format.hpp"
#include "tools/pando-ctl/probe.hpp"

namespace pando::ctl {

namespace {

using json = nlohmann::json;

[[noreturn]] void bad_url(const std::string& url, const std::string& why) {
  throw failure(exit_usage, "--url '" + url + "': " + why);
}

/// Splits `authority` ("host", "host:port", "[v6]:port") into `ep`.
void parse_authority(const std::string& url, std::string authority,
                     endpoint& ep) {
  std::string port;
  if (authority.starts_with("[")) {
    auto close = authority.find(']');
    if (close == std::string::npos)
      bad_url(url, "unterminated IPv6 address");
    ep.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':')
        bad_url(url, "unexpected text after the IPv6 address");
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
    ep.host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  } else {
    ep.host = authority;
  }
  if (ep.host.empty())
    bad_url(url, "no host");
  if (port.empty()) {
    ep.port = ep.scheme == "https" ? 443 : 80;
    return;
  }
  if (port.size() > 5 || port.find_first_not_of("0123456789") != port.npos
      || std::stoul(port) == 0 || std::stoul(port) > 65535)
    bad_url(url, "the port must be a number from 1 to 65535");
  ep.port = static_cast<std::uint16_t>(std::stoul(port));
}

/// Returns the standard reason phrase of the error statuses pando uses.
std::string reason_phrase(int status) {
  switch (status) {
    case 400: return "bad request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 409: return "conflict";
    case 413: return "request body too large";
    case 503: return "service unavailable";
    case 504: return "gateway timeout";
    default: return status >= 500 ? "server error" : "error";
  }
}

/// Returns the `message` of a JSON error body, else the body's first line.
std::string message_of(const reply& r) {
  auto body = json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("message")
      && body["message"].is_string())
    return printable(body["message"].get<std::string>());
  auto line = r.body.substr(0, r.body.find('\n'));
  return printable(line.size() > 200 ? line.substr(0, 200) + "..." : line);
}

} // namespace

endpoint parse_url(const std::string& url) {
  endpoint ep;
  auto sep = url.find("://");
  if (sep == std::string::npos)
    bad_url(url, "not a URL (expected http://HOST[:PORT] or https://...)");
  ep.scheme = url.substr(0, sep);
  if (ep.scheme != "http" && ep.scheme != "https")
    bad_url(url, "unsupported scheme '" + ep.scheme + "' (use http or https)");
  auto rest = url.substr(sep + 3);
  auto slash = rest.find('/');
  parse_authority(url, rest.substr(0, slash), ep);
  if (slash != std::string::npos) {
    ep.prefix = rest.substr(slash);
    while (ep.prefix.ends_with("/"))
      ep.prefix.pop_back();
  }
  if (ep.prefix.find_first_of("?#") != std::string::npos)
    bad_url(url, "a query or fragment is not allowed");
  return ep;
}

std::string describe_error(const reply& r) {
  auto msg = message_of(r);
  if (r.status == 400 && !msg.empty())
    return msg;
  auto status
    = "HTTP " + std::to_string(r.status) + " " + reason_phrase(r.status);
  auto out = msg.empty() ? status : msg + " (" + status + ")";
  if (r.status == 401)
    out += "; check --token or PANDO_ADMIN_TOKEN";
  return out;
}

std::string url_encode(std::string_view x) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : x) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// -- client::impl -------------------------------------------------------------

struct client::impl {
  client_options opts;
  endpoint where;
  httplib::Client http;

  impl(client_options o, endpoint ep)
      : opts(std::move(o)), where(std::move(ep)), http(base(where)) {
    auto secs = static_cast<time_t>(opts.timeout_s);
    auto usecs = static_cast<time_t>((opts.timeout_s - secs) * 1e6);
    http.set_connection_timeout(secs, usecs);
    http.set_read_timeout(secs, usecs);
    http.set_write_timeout(secs, usecs);
    http.enable_server_certificate_verification(!opts.insecure);
    if (!opts.cafile.empty())
      http.set_ca_cert_path(opts.cafile);
  }

  /// Returns `scheme://host:port` as cpp-httplib's client expects it.
  static std::string base(const endpoint& ep) {
    auto host
      = ep.host.find(':') == std::string::npos ? ep.host : "[" + ep.host + "]";
    return ep.scheme + "://" + host + ":" + std::to_string(ep.port);
  }

  /// Returns why a request got no response.
  std::string reason(httplib::Error err) const {
    using httplib::Error;
    auto timeout = format_seconds(opts.timeout_s);
    switch (err) {
      case Error::Connection:
        return connect_problem(where.host, where.port, opts.timeout_s);
      case Error::ConnectionTimeout: return "no connection within " + timeout;
      case Error::Read:
        return "no reply within " + timeout
               + ", or the connection was closed (an https:// listener "
                 "needs an https:// URL)";
      case Error::Write: return "the connection was closed while sending";
      case Error::SSLConnection:
        return "TLS handshake failed (is it an https:// listener?)";
      case Error::SSLLoadingCerts:
        return "cannot load the CA certificates"
               + (opts.cafile.empty() ? "" : " from " + opts.cafile);
      case Error::SSLServerVerification:
        return "the server's TLS certificate is not trusted (pass --cafile "
               "FILE, or --insecure)";
      default: return "HTTP client error " + httplib::to_string(err);
    }
  }

  /// Returns the response to one request, or throws `exit_unreachable`.
  reply send(const std::string& method, const std::string& path,
             const std::string& body, const httplib::Headers& headers) {
    auto target = where.prefix + path;
    auto res = [&] {
      if (method == "POST")
        return http.Post(target, headers, body, "application/json");
      if (method == "DELETE")
        return http.Delete(target, headers);
      return http.Get(target, headers);
    }();
    if (!res)
      throw failure(exit_unreachable,
                    "cannot reach " + opts.url + ": " + reason(res.error()));
    return {res->status, res->body};
  }
};

// -- client -------------------------------------------------------------------

client::client(client_options opts) {
  auto ep = parse_url(opts.url);
  impl_ = std::make_unique<impl>(std::move(opts), std::move(ep));
}

client::~client() = default;

const std::string& client::url() const noexcept { return impl_->opts.url; }

reply client::send(const std::string& method, const std::string& path,
                   const std::string& body, bool admin) {
  httplib::Headers headers{{"User-Agent", std::string{"pando-ctl/"} + version},
                           {"Accept", "application/json"}};
  if (admin) {
    if (impl_->opts.token.empty())
      throw failure(exit_usage, "no admin token: pass --token TOKEN or set "
                                "PANDO_ADMIN_TOKEN");
    headers.emplace("Authorization", "Bearer " + impl_->opts.token);
  }
  return impl_->send(method, path, body, headers);
}

json client::admin_call(const std::string& method, const std::string& path,
                        const std::string& body) {
  auto r = send(method, "/admin/v1/" + path, body, true);
  if (r.status < 200 || r.status >= 300)
    throw failure(exit_api_error, describe_error(r));
  if (r.status == 204)
    return nullptr;
  auto out = json::parse(r.body, nullptr, false);
  if (out.is_discarded())
    throw failure(exit_api_error,
                  "the reply of " + impl_->opts.url + " is not JSON (HTTP "
                    + std::to_string(r.status) + "); is --url a pando node?");
  return out;
}

json client::get(const std::string& path) {
  return admin_call("GET", path, {});
}

json client::post(const std::string& path, const json& body) {
  return admin_call("POST", path, body.dump());
}

void client::remove(const std::string& path) { admin_call("DELETE", path, {}); }

reply client::get_public(const std::string& path) {
  return send("GET", path, {}, false);
}

} // namespace pando::ctl
