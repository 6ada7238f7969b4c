// pando-bench: load generator and benchmark driver for pando and a reference
// MQTT broker. See docs/benchmarks.md and tools/bench/.

#include "tools/pando-bench/options.hpp"
#include "tools/pando-bench/result.hpp"
#include "tools/pando-bench/scenarios.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

namespace pando::bench {

namespace {

/// Declares every option on `app`.
void declare(CLI::App& app, options& o) {
  app.add_option("scenario", o.scenario, "ingest | conn-storm | idle")
    ->required()
    ->check(CLI::IsMember({"ingest", "conn-storm", "idle"}));
  app
    .add_option("--target", o.target,
                "pando (device API + authenticated MQTT) or mosquitto "
                "(anonymous MQTT, client ids bench-N)")
    ->check(CLI::IsMember({"pando", "mosquitto"}))
    ->capture_default_str();
  app.add_option("--url", o.url, "pando's HTTP base URL")
    ->capture_default_str();
  app.add_option("--admin-token", o.admin_token,
                 "pando's admin token (creates the bench vendor and product)");
  app.add_option("--product-key", o.product_key,
                 "use this product instead of creating one");
  app.add_option("--credentials", o.credentials,
                 "pando: reuse the device credentials in this file, or "
                 "enroll and write them there");
  app.add_option("--mqtt", o.mqtt,
                 "MQTT host:port (required for mosquitto; pando default: "
                 "access_addr from the login)");
  app.add_option("-n,--devices", o.devices, "devices (MQTT connections)")
    ->capture_default_str();
  app
    .add_option("-w,--window", o.window,
                "ingest: QoS 1 publishes in flight per connection")
    ->check(CLI::Range(1, 65535))
    ->capture_default_str();
  app.add_option("--warmup", o.warmup_s, "ingest: warm-up seconds")
    ->capture_default_str();
  app.add_option("-d,--duration", o.duration_s, "ingest: measured seconds")
    ->check(CLI::PositiveNumber)
    ->capture_default_str();
  app
    .add_option("--connect-concurrency", o.connect_concurrency,
                "CONNECTs outstanding at once (0 = all)")
    ->capture_default_str();
  app
    .add_option("--hold", o.hold_s,
                "idle: seconds to wait before sampling memory")
    ->capture_default_str();
  app
    .add_option("--registered", o.registered,
                "idle: also register this many never-connected devices")
    ->capture_default_str();
  app.add_option("--target-pid", o.target_pid,
                 "the target's process id: ingest reports its CPU use; idle "
                 "reads a non-pando target's RSS from /proc");
  app
    .add_option("-p,--processes", o.processes,
                "generator processes sharing the connections")
    ->check(CLI::Range(1, 256))
    ->capture_default_str();
  app
    .add_option("--http-clients", o.http_clients,
                "parallel HTTP connections for registration and login")
    ->capture_default_str();
  app.add_option("--keepalive", o.keepalive_s, "MQTT keepalive seconds")
    ->capture_default_str();
  app
    .add_option("--id-prefix", o.id_prefix,
                "device code (pando) / client id (mosquitto) prefix")
    ->capture_default_str();
  app.add_option("--label", o.label, "free text copied into the result");
  app.add_option("--json", o.json_file, "write the result as JSON here");
  app.add_flag("-q,--quiet", o.quiet, "no progress lines on stderr");
}

/// Rejects option combinations the scenario cannot run with.
void validate(const options& o) {
  if (o.target == "mosquitto" && o.mqtt.empty())
    throw CLI::ValidationError("--mqtt", "required with --target mosquitto");
  if (o.target == "pando" && o.admin_token.empty() && o.product_key.empty())
    throw CLI::ValidationError("--admin-token",
                               "--admin-token or --product-key required "
                               "with --target pando");
  if (o.devices == 0)
    throw CLI::ValidationError("--devices", "must be at least 1");
}

} // namespace

} // namespace pando::bench

int main(int argc, char** argv) {
  using namespace pando::bench;
  options opts;
  CLI::App app{
    "pando-bench: drives MQTT load against pando or a reference broker and "
    "reports a table (stdout) and a JSON result.\n"
    "  ingest      N devices publish status reports at QoS 1 with a window; "
    "acked msgs/s and publish→PUBACK latency\n"
    "  conn-storm  open N authenticated connections as fast as possible; "
    "connections/s, errors\n"
    "  idle        hold N idle connections (and M registered devices); "
    "target RSS per device",
    "pando-bench"};
  declare(app, opts);
  try {
    app.parse(argc, argv);
    validate(opts);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    result res;
    if (opts.scenario == "ingest")
      res = run_ingest(opts);
    else if (opts.scenario == "conn-storm")
      res = run_conn_storm(opts);
    else
      res = run_idle(opts);
    print_table(opts, res);
    write_json(opts, res);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pando-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
