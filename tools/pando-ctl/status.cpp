// `pando-ctl status`: is the node up, and a few of its vital figures. The
// single-node precursor of the cluster-wide `nodes` command. Needs no admin
// token: /healthz and /metrics are open routes.

#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>

#include "tools/pando-ctl/command.hpp"
#include "tools/pando-ctl/failure.hpp"
#include "tools/pando-ctl/format.hpp"
#include "tools/pando-ctl/table.hpp"

namespace pando::ctl {

namespace {

using json = nlohmann::json;

/// The /metrics figures `status` shows, with their labels and units.
struct figure {
  const char* metric;
  const char* label;
  bool bytes;
};

constexpr figure figures[] = {
  {"pando_mqtt_connections", "mqtt connections", false},
  {"pando_live_actors", "live actors", false},
  {"pando_resident_memory_bytes", "resident memory", true},
  {"pando_storage_disk_bytes", "storage on disk", true},
};

/// Returns the samples of Prometheus text `text` whose metric is in
/// `figures`, summed over labels.
std::map<std::string, double> parse_metrics(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#')
      continue;
    auto name = line.substr(0, line.find_first_of("{ "));
    auto value_at = line.rfind(' ');
    for (const auto& f : figures)
      if (name == f.metric && value_at != std::string::npos)
        out[name] += std::strtod(line.c_str() + value_at + 1, nullptr);
  }
  return out;
}

/// Returns the node's /healthz body; a 503 (stopping) still has one.
json health(session& s) {
  auto r = s.api.get_public("/healthz");
  auto body = json::parse(r.body, nullptr, false);
  if ((r.status != 200 && r.status != 503) || !body.is_object())
    throw failure(exit_api_error, "/healthz: " + describe_error(r));
  return body;
}

/// Returns the figures of /metrics, or an error text.
std::pair<std::map<std::string, double>, std::string> metrics(session& s) {
  auto r = s.api.get_public("/metrics");
  if (r.status != 200)
    return {{}, "/metrics: " + describe_error(r)};
  return {parse_metrics(r.body), {}};
}

/// Returns the figures as JSON, integral values as integers.
json as_json(const std::map<std::string, double>& m) {
  auto out = json::object();
  for (const auto& [name, x] : m)
    if (std::trunc(x) == x && std::fabs(x) < 1e15)
      out[name] = static_cast<std::int64_t>(x);
    else
      out[name] = x;
  return out;
}

void print_human(session& s, const json& h,
                 const std::map<std::string, double>& m) {
  field_list fields{
    {"node", cell(h, "node")},
    {"url", s.api.url()},
    {"status", cell(h, "status")},
    {"version", cell(h, "version")},
    {"uptime", format_duration(h.value("uptime_s", 0.0))},
    {"boots", cell(h, "boots")},
  };
  for (const auto& f : figures) {
    auto i = m.find(f.metric);
    auto text = i == m.end() ? "-"
                : f.bytes    ? format_bytes(i->second)
                             : format_number(i->second);
    fields.emplace_back(f.label, text);
  }
  print_fields(s.out, fields);
}

void show_status(session& s) {
  auto h = health(s);
  auto [m, problem] = metrics(s);
  if (s.json) {
    print_json(s, {{"healthz", h}, {"metrics", as_json(m)}});
  } else {
    print_human(s, h, m);
  }
  if (h.value("status", std::string{}) != "ok")
    throw failure(exit_api_error,
                  "node " + cell(h, "node") + " is " + cell(h, "status"));
  if (!problem.empty())
    throw failure(exit_api_error, problem);
}

} // namespace

void add_status_command(CLI::App& root, command_list& out) {
  auto* sub = root.add_subcommand(
    "status", "Show the node's health and vital figures (no token needed)");
  out.push_back({sub, show_status});
}

} // namespace pando::ctl
