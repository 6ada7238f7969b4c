#include "tools/pando-bench/targets.hpp"

#include "tools/pando-bench/pando_api.hpp"
#include "tools/pando-bench/proc.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <unistd.h>

namespace pando::bench {

namespace {

/// Reads endpoints saved by `save_credentials`; nullopt if `path` does not
/// exist.
std::optional<std::vector<endpoint>> load_credentials(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    return std::nullopt;
  auto doc = nlohmann::json::parse(in);
  std::vector<endpoint> out;
  for (const auto& d : doc.at("devices"))
    out.push_back(
      {d.at("uri"), d.at("client_id"), d.at("username"), d.at("password")});
  return out;
}

/// Writes `eps` (including their secrets: access tokens) to `path`, mode 600.
void save_credentials(const std::string& path,
                      const std::vector<endpoint>& eps) {
  auto doc = nlohmann::json{{"devices", nlohmann::json::array()}};
  for (const auto& ep : eps)
    doc["devices"].push_back({{"uri", ep.uri},
                              {"client_id", ep.client_id},
                              {"username", ep.username},
                              {"password", ep.password}});
  auto text = doc.dump() + "\n";
  auto fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot write " + path);
  auto written = ::write(fd, text.data(), text.size());
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size()))
    throw std::runtime_error("cannot write " + path);
}

} // namespace

std::vector<endpoint> prepare_endpoints(const options& opts,
                                        std::size_t count) {
  std::vector<endpoint> out;
  out.reserve(count);
  if (opts.target == "mosquitto") {
    for (std::size_t i = 0; i < count; ++i)
      out.push_back(
        {"tcp://" + opts.mqtt, opts.id_prefix + std::to_string(i), "", ""});
    return out;
  }
  if (!opts.credentials.empty()) {
    if (auto saved = load_credentials(opts.credentials)) {
      if (saved->size() < count)
        throw std::runtime_error(
          opts.credentials + " holds " + std::to_string(saved->size())
          + " devices, fewer than " + std::to_string(count));
      saved->resize(count);
      progress(opts, "  reusing %zu devices from %s", count,
               opts.credentials.c_str());
      for (auto& ep : *saved)
        if (!opts.mqtt.empty())
          ep.uri = "tcp://" + opts.mqtt;
      return std::move(*saved);
    }
  }
  auto key = product_key_or_create(opts.url, opts.admin_token, opts.product_key,
                                   "pando-bench-");
  auto devices = enroll(opts.url, key, opts.id_prefix, count, opts.http_clients,
                        true, opts.quiet);
  for (const auto& d : devices) {
    char hex[24];
    std::snprintf(hex, sizeof(hex), "%llx",
                  static_cast<unsigned long long>(d.id));
    auto addr = opts.mqtt.empty() ? d.access_addr : opts.mqtt;
    out.push_back({"tcp://" + addr, hex, hex, d.token});
  }
  if (!opts.credentials.empty())
    save_credentials(opts.credentials, out);
  return out;
}

double sample_rss(const options& opts) {
  auto from_proc = opts.target != "pando";
  if (from_proc && opts.target_pid == 0)
    throw std::runtime_error("idle against " + opts.target
                             + " needs --target-pid");
  auto v = from_proc ? read_rss(opts.target_pid)
                     : read_metric(opts.url, "pando_resident_memory_bytes");
  if (!v)
    throw std::runtime_error(
      from_proc
        ? "cannot read /proc/" + std::to_string(opts.target_pid) + "/statm"
        : "no pando_resident_memory_bytes at " + opts.url + "/metrics");
  return *v;
}

std::size_t connect_share(const options& opts, std::size_t workers) {
  if (opts.connect_concurrency == 0 || workers == 0)
    return 0;
  return std::max<std::size_t>(1, opts.connect_concurrency / workers);
}

void progress(const options& opts, const char* fmt, ...) {
  if (opts.quiet)
    return;
  va_list args;
  va_start(args, fmt);
  std::vfprintf(stderr, fmt, args);
  va_end(args);
  std::fputc('\n', stderr);
}

} // namespace pando::bench
