#include "transports/webhook/delivery.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace pando::webhooks {

namespace {

using steady = std::chrono::steady_clock;

/// An accepted delivery and what its attempts so far yielded.
struct job {
  delivery d;
  unsigned attempts = 0;
  int last_status = 0;
};

/// What one attempt yielded.
struct outcome {
  /// Empty on 2xx.
  std::string error;
  /// Trying again later may succeed.
  bool retry = false;
};

std::string unix_ms_now() {
  using namespace std::chrono;
  auto now = system_clock::now().time_since_epoch();
  return std::to_string(duration_cast<milliseconds>(now).count());
}

std::string to_hex(const unsigned char* data, unsigned len) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 0xf];
  }
  return out;
}

/// A failed request, described for the application's operator. httplib
/// reports a read timeout as a plain read error, hence `slow`: the attempt
/// lasted at least the timeout.
std::string describe(httplib::Error err, bool slow) {
  using httplib::Error;
  if (slow || err == Error::ConnectionTimeout)
    return "timed out";
  switch (err) {
    case Error::Connection: return "connection failed";
    case Error::SSLConnection: return "TLS handshake failed";
    case Error::SSLServerVerification:
      return "server certificate verification failed";
    case Error::SSLLoadingCerts: return "cannot load the CA certificates";
    default: return "request failed: " + httplib::to_string(err);
  }
}

/// Certificate problems are configuration errors that retries won't fix.
bool retryable(httplib::Error err) {
  return err != httplib::Error::SSLServerVerification
         && err != httplib::Error::SSLLoadingCerts;
}

/// Statuses saying "not now" rather than "never".
bool retryable(int status) {
  return status / 100 == 5 || status == 408 || status == 429;
}

httplib::Headers headers_for(const delivery& d, const std::string& agent) {
  auto timestamp = unix_ms_now();
  return {
    {"App-Token", d.app_token},
    {"X-Pando-Timestamp", timestamp},
    {"X-Pando-Signature", "sha256=" + sign(d.app_token, timestamp, d.body)},
    {"X-Pando-Delivery", d.id},
    {"User-Agent", agent}};
}

} // namespace

class delivery_pool::impl {
 public:
  explicit impl(delivery_settings settings) : settings_(std::move(settings)) {
    for (unsigned i = 0; i < std::max(settings_.workers, 1u); ++i)
      workers_.emplace_back([this] { work(); });
  }

  bool submit(delivery d) {
    {
      std::lock_guard guard{mutex_};
      if (stopping_ || queued_ >= settings_.max_queue) {
        ++dropped_;
        return false;
      }
      ++queued_;
      queue_.emplace(steady::now(), job{std::move(d)});
    }
    cv_.notify_one();
    return true;
  }

  void stop() {
    std::call_once(stop_once_, [this] {
      {
        std::lock_guard guard{mutex_};
        stopping_ = true;
        // Shuts their sockets down, so the requests fail at once instead of
        // running into their timeouts. httplib offers no more: a request
        // that has not opened its socket yet still runs its course, and one
        // that is connecting makes this wait until it has connected.
        for (auto* cli : in_flight_)
          cli->stop();
      }
      cv_.notify_all();
      for (auto& worker : workers_)
        worker.join();
    });
  }

  delivery_stats stats() const {
    return {queued_, delivered_, failed_, retries_, dropped_};
  }

 private:
  void work() {
    while (auto j = take()) {
      auto out = attempt(*j);
      if (!out.retry || j->attempts >= settings_.max_attempts)
        finish(*j, std::move(out.error)); // delivered or failed for good
      else if (!retry_later(*j))
        finish(*j, "stopped");
    }
  }

  /// Waits for a job that is due; once stopping, hands out every job so that
  /// its `done` runs. Returns nothing when stopping and no job is left.
  std::optional<job> take() {
    std::unique_lock lock{mutex_};
    for (;;) {
      if (queue_.empty()) {
        if (stopping_)
          return std::nullopt;
        cv_.wait(lock);
      } else if (auto due = queue_.begin()->first;
                 stopping_ || due <= steady::now()) {
        return std::move(queue_.extract(queue_.begin()).mapped());
      } else {
        cv_.wait_until(lock, due);
      }
    }
  }

  /// POSTs `j` once, unless the pool is stopping.
  outcome attempt(job& j) {
    std::string why;
    auto url = parse_url(j.d.url, why);
    if (!url)
      return {"invalid URL: " + why, false};
    httplib::Client cli{url->scheme_host_port};
    configure(cli);
    auto headers = headers_for(j.d, settings_.user_agent);
    if (!track(&cli))
      return {"stopped", false};
    if (j.attempts++ > 0)
      ++retries_;
    auto start = steady::now();
    auto res = cli.Post(url->path, headers, j.d.body, "application/json");
    auto slow = steady::now() - start >= settings_.timeout;
    if (!untrack(&cli) && !res)
      return {"stopped", false};
    if (!res)
      return {describe(res.error(), slow), retryable(res.error())};
    j.last_status = res->status;
    if (res->status / 100 == 2)
      return {};
    return {"HTTP " + std::to_string(res->status), retryable(res->status)};
  }

  void configure(httplib::Client& cli) const {
    cli.set_connection_timeout(settings_.timeout);
    cli.set_read_timeout(settings_.timeout);
    cli.set_write_timeout(settings_.timeout);
    cli.enable_server_certificate_verification(settings_.tls_verify);
    if (!settings_.ca_file.empty())
      cli.set_ca_cert_path(settings_.ca_file);
  }

  /// Lets `stop` abort the request `cli` is about to make; false when
  /// stopping.
  bool track(httplib::Client* cli) {
    std::lock_guard guard{mutex_};
    if (stopping_)
      return false;
    in_flight_.push_back(cli);
    return true;
  }

  /// Forgets `cli`; false when the pool started stopping meanwhile.
  bool untrack(httplib::Client* cli) {
    std::lock_guard guard{mutex_};
    std::erase(in_flight_, cli);
    return !stopping_;
  }

  /// Queues `j` for its next attempt; false when stopping.
  bool retry_later(job& j) {
    auto due = steady::now() + backoff(settings_, j.attempts);
    {
      std::lock_guard guard{mutex_};
      if (stopping_)
        return false;
      queue_.emplace(due, std::move(j));
    }
    cv_.notify_one();
    return true;
  }

  void finish(job& j, std::string error) {
    delivery_result res{error.empty(), j.attempts, j.last_status,
                        std::move(error)};
    // Counts first, so that `done` sees the stats it is part of.
    --queued_;
    ++(res.ok ? delivered_ : failed_);
    if (j.d.done)
      j.d.done(res);
  }

  const delivery_settings settings_;
  std::mutex mutex_;
  std::condition_variable cv_;
  /// Pending jobs by due time; new ones are due at once. Equal keys keep
  /// their insertion order, so new jobs go first come, first served.
  std::multimap<steady::time_point, job> queue_;
  std::vector<httplib::Client*> in_flight_;
  bool stopping_ = false;
  std::once_flag stop_once_;
  std::atomic<std::uint64_t> queued_{0};
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> retries_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::vector<std::thread> workers_;
};

delivery_pool::delivery_pool(delivery_settings settings)
    : impl_(std::make_unique<impl>(std::move(settings))) {}

delivery_pool::~delivery_pool() { stop(); }

bool delivery_pool::submit(delivery d) { return impl_->submit(std::move(d)); }

void delivery_pool::stop() { impl_->stop(); }

delivery_stats delivery_pool::stats() const { return impl_->stats(); }

std::string sign(std::string_view key, std::string_view timestamp,
                 std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(1, '.').append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       mac, &len);
  return to_hex(mac, len);
}

std::chrono::milliseconds backoff(const delivery_settings& settings,
                                  unsigned retry) {
  // In floating point, doubling cannot overflow however many retries.
  auto doublings = static_cast<double>(std::max(retry, 1u) - 1);
  auto base = std::min(static_cast<double>(settings.initial_backoff.count())
                         * std::pow(2.0, doublings),
                       static_cast<double>(settings.max_backoff.count()));
  thread_local std::minstd_rand rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter{0.8, 1.2};
  return std::chrono::milliseconds{std::llround(base * jitter(rng))};
}

std::optional<parsed_url> parse_url(std::string_view url, std::string& why) {
  auto refuse = [&why](std::string text) {
    why = std::move(text);
    return std::nullopt;
  };
  // A request line cannot carry them raw; refusing them also rules out
  // smuggling headers into the request.
  if (std::any_of(url.begin(), url.end(),
                  [](unsigned char c) { return c <= ' ' || c == 0x7f; }))
    return refuse("URL contains spaces or control characters");
  auto sep = url.find("://");
  if (sep == std::string_view::npos)
    return refuse("URL has no scheme (expected http:// or https://)");
  std::string scheme{url.substr(0, sep)};
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (scheme != "http" && scheme != "https")
    return refuse("unsupported scheme \"" + scheme
                  + "\" (expected http or https)");
  auto rest = url.substr(sep + 3);
  rest = rest.substr(0, rest.find('#')); // fragments stay with the client
  auto path_at = rest.find_first_of("/?");
  auto authority = rest.substr(0, path_at);
  std::string path{path_at == std::string_view::npos ? ""
                                                     : rest.substr(path_at)};
  if (path.empty() || path.front() == '?')
    path.insert(0, "/");
  if (authority.find('@') != std::string_view::npos)
    return refuse("user info in URLs is not supported");
  // httplib 0.11 mistakes most bracketed IPv6 literals for host names.
  if (authority.starts_with('['))
    return refuse("IPv6 literal hosts are not supported");
  auto colon = authority.find(':');
  auto host = authority.substr(0, colon);
  if (host.empty())
    return refuse("URL has an empty host");
  auto out = scheme + "://" + std::string{host};
  if (colon != std::string_view::npos) {
    auto port = authority.substr(colon + 1);
    unsigned value = 0;
    auto last = port.data() + port.size();
    auto [end, ec] = std::from_chars(port.data(), last, value);
    if (ec != std::errc{} || end != last || value == 0 || value > 65535)
      return refuse("port must be 1-65535, got \"" + std::string{port} + "\"");
    out += ":" + std::to_string(value);
  }
  return parsed_url{std::move(out), std::move(path)};
}

} // namespace pando::webhooks
