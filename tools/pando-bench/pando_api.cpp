#include "tools/pando-bench/pando_api.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace pando::bench {

namespace {

using json = nlohmann::json;

httplib::Client make_client(const std::string& url) {
  httplib::Client cli{url};
  cli.set_keep_alive(true);
  cli.set_connection_timeout(10);
  cli.set_read_timeout(60);
  cli.set_write_timeout(60);
  return cli;
}

/// POSTs `body` and returns the parsed answer; throws unless the HTTP status
/// is `expect`.
json post(httplib::Client& cli, const std::string& path, const json& body,
          const httplib::Headers& headers, int expect) {
  auto res = cli.Post(path, headers, body.dump(), "application/json");
  if (!res)
    throw std::runtime_error("POST " + path + ": "
                             + httplib::to_string(res.error()));
  if (res->status != expect)
    throw std::runtime_error("POST " + path + ": HTTP "
                             + std::to_string(res->status) + " " + res->body);
  return json::parse(res->body);
}

/// POSTs to the device API and returns `data`; throws unless `code` is 0.
json device_call(httplib::Client& cli, const std::string& path,
                 const json& body) {
  auto answer = post(cli, path, body, {}, 200);
  if (answer.value("code", -1) != 0)
    throw std::runtime_error("POST " + path + ": " + answer.dump());
  return answer.at("data");
}

} // namespace

std::string create_product(const std::string& url,
                           const std::string& admin_token,
                           const std::string& name) {
  auto cli = make_client(url);
  httplib::Headers auth{{"Authorization", "Bearer " + admin_token}};
  auto vendor = post(cli, "/admin/v1/vendors", {{"name", name}}, auth, 201);
  json config = {
    {"objects",
     json::array(
       {{{"no", 1},
         {"label", "switch"},
         {"part", 1},
         {"status", json::array({{{"value_type", 7}, {"name", "onoff"}}})}}})},
    {"commands", json::array()},
    {"events", json::array()}};
  auto product
    = post(cli, "/admin/v1/products",
           {{"name", name}, {"vendor_id", vendor.at("id")}, {"config", config}},
           auth, 201);
  return product.at("key").get<std::string>();
}

std::string product_key_or_create(const std::string& url,
                                  const std::string& admin_token,
                                  const std::string& given,
                                  const std::string& name_prefix) {
  if (!given.empty())
    return given;
  auto stamp = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  return create_product(url, admin_token, name_prefix + std::to_string(stamp));
}

std::vector<device_login> enroll(const std::string& url,
                                 const std::string& product_key,
                                 const std::string& prefix, std::size_t n,
                                 std::size_t clients, bool login, bool quiet) {
  std::vector<device_login> out(n);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> failed{false};
  std::mutex mtx;
  std::string first_error;
  auto worker = [&] {
    auto cli = make_client(url);
    try {
      for (auto i = next++; i < n && !failed; i = next++) {
        char code[32];
        std::snprintf(code, sizeof(code), "%06zu", i);
        auto reg = device_call(cli, "/v1/devices/registration",
                               {{"product_key", product_key},
                                {"device_code", prefix + code},
                                {"version", "bench"}});
        auto& d = out[i];
        d.id = reg.at("device_id").get<std::uint64_t>();
        if (login) {
          auto tok = device_call(cli, "/v1/devices/authentication",
                                 {{"device_id", d.id},
                                  {"device_secret", reg.at("device_secret")},
                                  {"protocol", "mqtt"}});
          d.token = tok.at("access_token").get<std::string>();
          d.access_addr = tok.at("access_addr").get<std::string>();
        }
        ++done;
      }
    } catch (const std::exception& e) {
      std::lock_guard guard{mtx};
      if (!failed.exchange(true))
        first_error = e.what();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < std::max<std::size_t>(clients, 1); ++i)
    threads.emplace_back(worker);
  auto started = std::chrono::steady_clock::now();
  auto last_print = started;
  while (done < n && !failed) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto now = std::chrono::steady_clock::now();
    if (!quiet && now - last_print >= std::chrono::seconds(2)) {
      last_print = now;
      std::fprintf(stderr, "  enrolling: %zu/%zu devices\n", done.load(), n);
    }
  }
  for (auto& t : threads)
    t.join();
  if (failed)
    throw std::runtime_error("enrolling devices: " + first_error);
  if (!quiet) {
    auto s = std::chrono::duration<double>(std::chrono::steady_clock::now()
                                           - started)
               .count();
    std::fprintf(stderr, "  enrolled %zu devices in %.1f s (%s)\n", n, s,
                 login ? "registration + login" : "registration");
  }
  return out;
}

std::optional<double> read_metric(const std::string& url,
                                  const std::string& name) {
  auto cli = make_client(url);
  auto res = cli.Get("/metrics");
  if (!res || res->status != 200)
    return std::nullopt;
  std::istringstream in{res->body};
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0)
      continue;
    auto rest = line.substr(name.size());
    if (rest.empty() || (rest[0] != ' ' && rest[0] != '{'))
      continue;
    auto sp = rest.rfind(' ');
    if (sp == std::string::npos)
      continue;
    return std::stod(rest.substr(sp + 1));
  }
  return std::nullopt;
}

} // namespace pando::bench
