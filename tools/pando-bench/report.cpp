#include "tools/pando-bench/result.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace pando::bench {

namespace {

std::string cpu_model() {
  std::ifstream in{"/proc/cpuinfo"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos)
        return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "unknown";
}

std::string utc_now() {
  auto t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string format_value(double v) {
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof(buf), "%.0f", v);
  else
    std::snprintf(buf, sizeof(buf), "%.3f", v);
  return buf;
}

/// The parameters that shape a scenario's load, as JSON.
nlohmann::json parameters(const options& o) {
  nlohmann::json p{{"scenario", o.scenario},
                   {"target", o.target},
                   {"devices", o.devices},
                   {"processes", o.processes},
                   {"keepalive_s", o.keepalive_s},
                   {"connect_concurrency", o.connect_concurrency},
                   {"url", o.target == "pando" ? o.url : ""},
                   {"mqtt", o.mqtt},
                   {"label", o.label}};
  if (o.scenario == "ingest") {
    p["qos"] = 1;
    p["topic"] = "s";
    p["payload_bytes"] = 34;
    p["window"] = o.window;
    p["warmup_s"] = o.warmup_s;
    p["duration_s"] = o.duration_s;
  }
  if (o.scenario == "idle") {
    p["hold_s"] = o.hold_s;
    p["registered"] = o.registered;
    p["rss_source"] = o.target == "pando"
                        ? "pando_resident_memory_bytes"
                        : "/proc/" + std::to_string(o.target_pid) + "/statm";
  }
  return p;
}

} // namespace

void print_table(const options& o, const result& res) {
  std::printf("pando-bench %s: target %s, %zu devices from %zu processes",
              o.scenario.c_str(), o.target.c_str(), o.devices, o.processes);
  if (o.scenario == "ingest")
    std::printf(", QoS 1, 34-byte status report on 's', window %zu, "
                "warm-up %g s, measured %g s",
                o.window, o.warmup_s, o.duration_s);
  if (o.scenario == "idle")
    std::printf(", held %g s, %zu registered-only", o.hold_s, o.registered);
  if (!o.label.empty())
    std::printf(" [%s]", o.label.c_str());
  std::printf("\n\n| figure | value |\n|---|---:|\n");
  for (const auto& f : res.figures)
    std::printf("| %s | %s%s%s |\n", f.label.c_str(),
                format_value(f.value).c_str(), f.unit.empty() ? "" : " ",
                f.unit.c_str());
  for (const auto& e : res.errors)
    std::printf("error: %s\n", e.c_str());
  std::fflush(stdout);
}

void write_json(const options& o, const result& res) {
  if (o.json_file.empty())
    return;
  nlohmann::json results = nlohmann::json::object();
  for (const auto& f : res.figures)
    results[f.key] = f.value;
  nlohmann::json doc{
    {"tool", "pando-bench"},
    {"finished_at", utc_now()},
    {"machine",
     {{"nproc", std::thread::hardware_concurrency()}, {"cpu", cpu_model()}}},
    {"parameters", parameters(o)},
    {"results", results},
    {"errors", res.errors}};
  std::ofstream out{o.json_file};
  out << doc.dump(2) << '\n';
  if (!out)
    throw std::runtime_error("cannot write " + o.json_file);
}

} // namespace pando::bench
