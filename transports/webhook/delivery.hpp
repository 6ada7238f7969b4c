#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pando::webhooks {

/// Tuning of a `delivery_pool`.
struct delivery_settings {
  /// Threads making HTTP requests (at least one runs).
  unsigned workers = 4;
  /// Most deliveries accepted and not yet done: queued, waiting for a retry
  /// or in flight. `submit` refuses more.
  std::size_t max_queue = 10000;
  /// Attempts per delivery, the first included (at least one is made).
  unsigned max_attempts = 5;
  /// Connect, read and write timeout of each attempt.
  std::chrono::milliseconds timeout{5000};
  /// Wait before the first retry; doubles per retry up to `max_backoff`.
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{60000};
  /// Verify the server certificate of `https://` URLs.
  bool tls_verify = true;
  /// PEM file of trusted CAs; empty means the system's.
  std::string ca_file;
  std::string user_agent = "pando";
};

/// Outcome of a delivery, passed to its `done` callback.
struct delivery_result {
  /// The server answered 2xx.
  bool ok = false;
  /// Requests sent, the successful one included.
  unsigned attempts = 0;
  /// Status of the last answer; 0 when no HTTP answer came.
  int last_status = 0;
  /// Why the delivery failed; empty when `ok`.
  std::string error;
};

/// One JSON document to POST to an application server.
struct delivery {
  /// An `http://` or `https://` URL (see `parse_url`).
  std::string url;
  /// Sent as `App-Token` (pando-cloud compatibility) and the HMAC key of
  /// `X-Pando-Signature`.
  std::string app_token;
  std::string body;
  /// Sent as `X-Pando-Delivery` so the receiver can drop duplicates.
  std::string id;
  /// Called exactly once, on a worker thread, when the delivery succeeded,
  /// failed for good or was cut short by `stop` (error "stopped"). Must not
  /// throw.
  std::function<void(const delivery_result&)> done;
};

/// Counters of a `delivery_pool`.
struct delivery_stats {
  /// Deliveries accepted and not yet done.
  std::uint64_t queued = 0;
  std::uint64_t delivered = 0;
  /// Deliveries that failed for good or were stopped.
  std::uint64_t failed = 0;
  /// Attempts after the first.
  std::uint64_t retries = 0;
  /// Deliveries `submit` refused.
  std::uint64_t dropped = 0;
};

/// POSTs deliveries to application servers from a few worker threads,
/// retrying with exponential backoff on connection errors, timeouts, 5xx,
/// 408 and 429. A delivery waiting for its retry occupies no worker.
///
/// Each request carries `Content-Type: application/json`, `App-Token`,
/// `X-Pando-Timestamp` (Unix milliseconds), `X-Pando-Signature:
/// sha256=<sign(app_token, timestamp, body)>`, `X-Pando-Delivery` and
/// `User-Agent`. The process must ignore SIGPIPE, as pando's node does.
class delivery_pool {
 public:
  explicit delivery_pool(delivery_settings settings);
  /// Stops the pool.
  ~delivery_pool();

  delivery_pool(const delivery_pool&) = delete;
  delivery_pool& operator=(const delivery_pool&) = delete;

  /// Queues `d`; thread-safe. Returns false, without calling `d.done`, when
  /// `max_queue` deliveries are pending or the pool is stopping.
  bool submit(delivery d);

  /// Refuses new deliveries, aborts requests in flight (all but those caught
  /// before they opened their socket, which run to their end), completes every
  /// pending delivery with error "stopped" (unless its request in flight
  /// still succeeds) and joins the workers. Idempotent; must not be called
  /// from a `done` callback.
  void stop();

  delivery_stats stats() const;

 private:
  class impl;
  std::unique_ptr<impl> impl_;
};

/// Returns the lowercase hex HMAC-SHA256 of "<timestamp>.<body>" under `key`.
std::string sign(std::string_view key, std::string_view timestamp,
                 std::string_view body);

/// Returns the wait before retry number `retry` (1 for the first):
/// `initial_backoff * 2^(retry-1)`, capped at `max_backoff`, then varied by up
/// to 20% either way so that failed deliveries do not retry in lockstep.
std::chrono::milliseconds backoff(const delivery_settings& settings,
                                  unsigned retry);

/// A URL split the way the HTTP client wants it.
struct parsed_url {
  /// E.g. "https://example.com:8443"; the scheme in lowercase.
  std::string scheme_host_port;
  /// E.g. "/hook?app=1"; "/" when the URL has no path.
  std::string path;
};

/// Splits an `http://` or `https://` URL (scheme in any case) with a
/// non-empty host and an optional port (1-65535); a fragment is dropped.
/// Refuses user info, IPv6 literals and spaces or control characters.
/// Returns nothing and sets `why` when the URL is refused.
std::optional<parsed_url> parse_url(std::string_view url, std::string& why);

} // namespace pando::webhooks
