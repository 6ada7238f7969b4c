#include "tools/pando-sim/http_api.hpp"

#include <chrono>
#include <optional>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace pando::sim {

namespace {

using json = nlohmann::json;

/// Device API codes that ask for a new registration (spec 3).
constexpr int code_device_not_found = 10002;
constexpr int code_wrong_secret = 10003;

/// Attempts per call before giving up as `unreachable`.
constexpr int max_attempts = 4;

/// Connect, read and write timeout in seconds.
constexpr int timeout_s = 10;

/// Sleeps `d` in small steps; returns false if `stop` was set meanwhile.
bool pause(std::chrono::milliseconds d, const std::atomic<bool>& stop) {
  auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (stop)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !stop;
}

/// One parsed device API envelope, or the reason there is none.
struct envelope {
  std::optional<json> body;
  std::string problem;
};

/// POSTs `body` to `path` once and parses the envelope.
envelope post_once(httplib::Client& cli, const std::string& path,
                   const json& body) {
  auto res = cli.Post(path, body.dump(), "application/json");
  if (!res)
    return {std::nullopt,
            "POST " + path + ": " + to_string(res.error()) + " error"};
  if (res->status != 200)
    return {std::nullopt,
            "POST " + path + ": HTTP " + std::to_string(res->status)};
  auto parsed = json::parse(res->body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("code")
      || !parsed["code"].is_number_integer())
    return {std::nullopt, "POST " + path + ": not a device API answer"};
  return {std::move(parsed), {}};
}

/// POSTs with retries; returns the envelope of the first answer.
envelope post(httplib::Client& cli, const std::string& path, const json& body,
              const std::atomic<bool>& stop) {
  envelope out;
  auto delay = std::chrono::milliseconds(250);
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    out = post_once(cli, path, body);
    if (out.body)
      return out;
    if (attempt == max_attempts || !pause(delay, stop)) {
      out.problem += " (" + std::to_string(attempt) + " attempts)";
      return out;
    }
    delay *= 2;
  }
  return out;
}

/// Fills `out` from a failed envelope; returns true if `env` is usable.
template<class T>
bool check(const envelope& env, api_result<T>& out) {
  if (!env.body) {
    out.outcome = api_outcome::unreachable;
    out.message = env.problem;
    return false;
  }
  auto code = (*env.body)["code"].get<int>();
  if (code == 0 && env.body->contains("data")
      && (*env.body)["data"].is_object())
    return true;
  out.outcome = code == code_device_not_found ? api_outcome::unknown_device
                : code == code_wrong_secret   ? api_outcome::wrong_secret
                                              : api_outcome::rejected;
  out.message = "code " + std::to_string(code) + ": "
                + env.body->value("message", std::string{});
  return false;
}

} // namespace

http_api::http_api(const sim_settings& cfg, const std::atomic<bool>& stop)
    : cfg_(cfg), stop_(stop), cli_(std::make_unique<httplib::Client>(cfg.url)) {
  cli_->set_keep_alive(true);
  // Headers and body go out in separate writes: without this, Nagle and
  // delayed ACKs add 40 ms to every keep-alive request.
  cli_->set_tcp_nodelay(true);
  cli_->set_connection_timeout(timeout_s);
  cli_->set_read_timeout(timeout_s);
  cli_->set_write_timeout(timeout_s);
  cli_->enable_server_certificate_verification(!cfg.insecure);
  if (!cfg.cafile.empty())
    cli_->set_ca_cert_path(cfg.cafile);
}

http_api::~http_api() = default;

api_result<credentials> http_api::register_device(const std::string& code) {
  api_result<credentials> out;
  auto env = post(*cli_, "/v1/devices/registration",
                  {{"product_key", cfg_.product_key},
                   {"device_code", code},
                   {"version", cfg_.device_version}},
                  stop_);
  if (!check(env, out))
    return out;
  const auto& data = (*env.body)["data"];
  try {
    out.value.device_id = data.at("device_id").get<std::int64_t>();
    out.value.secret = data.at("device_secret").get<std::string>();
    out.value.identifier = data.at("device_identifier").get<std::string>();
  } catch (const json::exception& e) {
    out.outcome = api_outcome::rejected;
    out.message = std::string{"registration answer: "} + e.what();
    return out;
  }
  out.outcome = api_outcome::ok;
  return out;
}

api_result<access_grant> http_api::login(const credentials& creds) {
  api_result<access_grant> out;
  auto env = post(*cli_, "/v1/devices/authentication",
                  {{"device_id", creds.device_id},
                   {"device_secret", creds.secret},
                   {"protocol", "mqtt"}},
                  stop_);
  if (!check(env, out))
    return out;
  const auto& data = (*env.body)["data"];
  try {
    out.value.token = data.at("access_token").get<std::string>();
    out.value.addr = data.at("access_addr").get<std::string>();
  } catch (const json::exception& e) {
    out.outcome = api_outcome::rejected;
    out.message = std::string{"login answer: "} + e.what();
    return out;
  }
  out.outcome = api_outcome::ok;
  return out;
}

void http_api::close() { cli_->stop(); }

} // namespace pando::sim
