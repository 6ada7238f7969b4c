// pando-node: one member of a pando cluster. See `pando-node --help`.

#include <iostream>

#include <CLI/CLI.hpp>

#include "pando/version.hpp"
#include "runtime/config/node_settings.hpp"
#include "runtime/node.hpp"

namespace {

using namespace pando::runtime;

int report_problems(const std::vector<config_problem>& problems) {
  std::cerr << "pando-node: invalid configuration (" << problems.size()
            << (problems.size() == 1 ? " problem" : " problems") << "):\n";
  for (const auto& p : problems)
    std::cerr << "  " << p.key << ": " << p.why << "\n";
  return exit_bad_config;
}

} // namespace

int main(int argc, char** argv) {
  block_stop_signals();
  CLI::App app{"pando-node: one member of a pando IoT platform cluster "
               "(MQTT and HTTP gateways, device actors, embedded RocksDB)."};
  app.footer("Configuration keys (YAML file sections, or --set key=value):\n"
             + describe_node_settings()
             + "\nExit status: 0 stopped cleanly, 1 could not start (a "
               "resource named in the message), 2 invalid configuration.");
  std::string config_file;
  std::vector<std::string> overrides;
  bool check_only = false;
  app.add_option("-c,--config", config_file, "YAML configuration file");
  app
    .add_option("-s,--set", overrides,
                "Override a configuration key: key=value (repeatable; the "
                "value is YAML)")
    ->take_all()
    ->allow_extra_args(false);
  app.add_flag("--check-config", check_only,
               "Validate the configuration, print the result and exit");
  app.set_version_flag("-V,--version",
                       std::string{"pando-node "} + pando::version);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    auto code = app.exit(e);
    return code == 0 ? 0 : exit_bad_config;
  }
  auto loaded = load_node_settings(config_file, overrides);
  if (!loaded.settings)
    return report_problems(loaded.problems);
  if (check_only) {
    std::cout << "configuration OK: node " << loaded.settings->node.name
              << "\n";
    return exit_ok;
  }
  return run_node(*loaded.settings);
}
