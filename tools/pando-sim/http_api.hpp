#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "tools/pando-sim/settings.hpp"

namespace httplib {
class Client;
} // namespace httplib

namespace pando::sim {

/// What a device keeps from its registration (spec 3.1).
struct credentials {
  /// The device id; its lowercase hex is the MQTT client id.
  std::int64_t device_id = 0;
  /// The device secret for logins.
  std::string secret;
  /// `hex(vendor)-hex(product)-<code>`; names the JSON topics.
  std::string identifier;
};

/// What a login hands out (spec 3.2).
struct access_grant {
  /// The MQTT password: 32 hex characters.
  std::string token;
  /// The MQTT address, `host:port`.
  std::string addr;
};

/// How a device API call ended.
enum class api_outcome {
  /// `code` 0 and a well-formed `data` object.
  ok,
  /// No usable answer after all retries (transport error, HTTP error status
  /// or a body that is not the device API envelope); worth trying later.
  unreachable,
  /// The node answered with a nonzero `code` not listed below.
  rejected,
  /// Login: the device id is unknown (code 10002); register again.
  unknown_device,
  /// Login: the secret is wrong (code 10003); register again.
  wrong_secret,
};

/// The result of one device API call: `value` is set only for `ok`.
template<class T>
struct api_result {
  api_outcome outcome = api_outcome::unreachable;
  T value;
  /// Human-readable reason for anything but `ok`.
  std::string message;
};

/// The device HTTP API of one node (spec 3) over one keep-alive connection.
///
/// Each call retries transport errors and HTTP error statuses up to four
/// times with a doubling pause (0.25 s, 0.5 s, 1 s), unless `stop` becomes
/// true. Timeouts are 10 s. Not thread-safe: each worker thread owns one.
class http_api {
 public:
  /// Talks to `cfg.url` with `cfg.insecure` and `cfg.cafile`; gives up
  /// retrying as soon as `stop` is set.
  http_api(const sim_settings& cfg, const std::atomic<bool>& stop);

  ~http_api();

  http_api(const http_api&) = delete;
  http_api& operator=(const http_api&) = delete;

  /// `POST /v1/devices/registration` for device code `code`.
  api_result<credentials> register_device(const std::string& code);

  /// `POST /v1/devices/authentication` with protocol `mqtt`.
  api_result<access_grant> login(const credentials& creds);

  /// Closes the keep-alive connection; the next call opens a new one.
  void close();

 private:
  const sim_settings& cfg_;
  const std::atomic<bool>& stop_;
  std::unique_ptr<httplib::Client> cli_;
};

} // namespace pando::sim
