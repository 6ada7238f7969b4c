// pando-sim: simulated pando devices on a real node. This file only wires
// flags; see README.md and `pando-sim --help`.

#include <CLI/CLI.hpp>

#include <string>

#include "pando/version.hpp"
#include "tools/pando-sim/fleet.hpp"

namespace {

using namespace pando::sim;

/// Checks `--url` (`http[s]://host[:port]`, a trailing `/` allowed) and
/// drops a trailing `/`; the device API has no path prefix.
void check_url(std::string& url) {
  if (!url.empty() && url.back() == '/')
    url.pop_back();
  auto scheme_end = url.find("://");
  auto scheme = url.substr(0, scheme_end);
  if (scheme_end == std::string::npos || (scheme != "http" && scheme != "https")
      || url.size() == scheme_end + 3
      || url.find('/', scheme_end + 3) != std::string::npos)
    throw CLI::ValidationError(
      "--url", "expected http://host:port or https://host:port");
}

void add_node_flags(CLI::App& app, sim_settings& cfg) {
  app.add_option("--url", cfg.url, "HTTP base URL of a node's device API")
    ->capture_default_str();
  app
    .add_option("--product-key", cfg.product_key,
                "Product key the devices register with")
    ->required();
  app.add_flag("--tls", cfg.tls,
               "Connect MQTT with TLS (ssl://) to the login's access_addr");
  app.add_flag("--insecure", cfg.insecure,
               "https:// and --tls: do not verify the node's certificate");
  app
    .add_option("--cafile", cfg.cafile,
                "https:// and --tls: PEM file of CAs to trust")
    ->check(CLI::ExistingFile);
}

void add_fleet_flags(CLI::App& app, sim_settings& cfg, std::string& proto) {
  app.add_option("--devices", cfg.devices, "Number of simulated devices")
    ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))
    ->capture_default_str();
  auto* prefix = app
                   .add_option("--code-prefix", cfg.code_prefix,
                               "Device codes are <prefix><index>, index "
                               "from 0")
                   ->capture_default_str();
  app
    .add_option("--code", cfg.code,
                "A fixed device code (only with --devices 1)")
    ->excludes(prefix);
  app
    .add_option("--device-version", cfg.device_version,
                "The version sent at registration")
    ->capture_default_str();
  app
    .add_option("--connect-rate", cfg.connect_rate,
                "Devices brought up per second")
    ->check(CLI::Range(0.1, 100000.0))
    ->capture_default_str();
  app
    .add_option("--protocol", proto,
                "Payloads: binary (topics s, e, c) or json "
                "(pando/v1/<identifier>/...)")
    ->check(CLI::IsMember({"binary", "json"}))
    ->capture_default_str();
}

void add_traffic_flags(CLI::App& app, sim_settings& cfg) {
  app
    .add_option("--status-interval", cfg.status_interval,
                "Seconds between status reports per device (0: only on "
                "request)")
    ->check(CLI::Range(0.0, 86400.0))
    ->capture_default_str();
  app
    .add_option("--event-interval", cfg.event_interval,
                "Seconds between events per device (0: none)")
    ->check(CLI::Range(0.0, 86400.0))
    ->capture_default_str();
  app.add_option("--qos", cfg.qos, "QoS of status reports and events")
    ->check(CLI::IsMember({0, 1}))
    ->capture_default_str();
  app
    .add_option("--status-label", cfg.status_label,
                "json: object label of the status report")
    ->capture_default_str();
  app.add_option("--event-name", cfg.event_name, "json: name of the event")
    ->capture_default_str();
}

void add_run_flags(CLI::App& app, sim_settings& cfg) {
  app
    .add_option("--duration", cfg.duration,
                "Seconds to run (0: until Ctrl-C or SIGTERM)")
    ->check(CLI::Range(0.0, 1e9))
    ->capture_default_str();
  app.add_flag("--json", cfg.json_summary,
               "Print the final summary as JSON on stdout");
  app.add_flag("-q,--quiet", cfg.quiet,
               "No progress line and no per-message lines");
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"pando-sim: simulated pando devices that register, log in, "
               "connect over MQTT, report status and events and answer "
               "commands."};
  app.footer("Exit status: 0 every device connected and every publish was "
             "acknowledged, 1 otherwise, 2 usage error.");
  app.set_version_flag("-V,--version",
                       std::string{"pando-sim "} + pando::version);
  sim_settings cfg;
  std::string proto = "binary";
  add_node_flags(app, cfg);
  add_fleet_flags(app, cfg, proto);
  add_traffic_flags(app, cfg);
  add_run_flags(app, cfg);
  try {
    app.parse(argc, argv);
    check_url(cfg.url);
    if (!cfg.code.empty() && cfg.devices != 1)
      throw CLI::ValidationError("--code", "needs --devices 1");
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }
  cfg.proto = proto == "json" ? protocol::json : protocol::binary;
  return fleet{cfg}.run();
}
