// pando-ctl: the operator CLI for a pando node's admin API. This file only
// wires flags; see README.md and `pando-ctl --help`.

#include <CLI/CLI.hpp>

#include "pando/version.hpp"
#include "tools/pando-ctl/command.hpp"
#include "tools/pando-ctl/failure.hpp"

namespace {

using namespace pando::ctl;

void add_global_flags(CLI::App& app, client_options& opts, bool& json) {
  app.add_option("--url", opts.url, "Base URL of the node's HTTP listener")
    ->envname("PANDO_URL")
    ->capture_default_str();
  app.add_option("--token", opts.token, "Admin bearer token")
    ->envname("PANDO_ADMIN_TOKEN");
  app.add_flag("--json", json, "Print the node's JSON instead of tables");
  app
    .add_option("--timeout", opts.timeout_s,
                "Seconds to wait for connecting and for each read")
    ->check(CLI::Range(0.001, 3600.0))
    ->capture_default_str();
  app.add_flag("--insecure", opts.insecure,
               "https:// only: do not verify the node's certificate");
  app
    .add_option("--cafile", opts.cafile,
                "https:// only: PEM file of CAs to trust")
    ->check(CLI::ExistingFile);
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"pando-ctl: manage vendors, products, applications and "
               "devices of a pando platform and inspect its cluster through "
               "a node's admin API."};
  app.footer("Global flags (see pando-ctl --help) may go before or after the "
             "command. Exit status: 0 ok, 1 the node reported an error, 2 "
             "usage error, 3 the node cannot be reached.");
  app.set_version_flag("-V,--version",
                       std::string{"pando-ctl "} + pando::version);
  app.require_subcommand(1);
  app.fallthrough();
  client_options opts;
  bool json = false;
  add_global_flags(app, opts, json);
  command_list commands;
  add_vendor_commands(app, commands);
  add_product_commands(app, commands);
  add_app_commands(app, commands);
  add_key_commands(app, commands);
  add_device_commands(app, commands);
  add_status_command(app, commands);
  add_cluster_commands(app, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }
  return run(commands, opts, json);
}
