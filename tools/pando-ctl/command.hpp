#pragma once

#include <functional>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/pando-ctl/client.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace pando::ctl {

/// What a command's action runs with: the node and the output mode.
struct session {
  client& api;
  /// `--json`: print the node's JSON instead of tables and blocks.
  bool json;
  std::ostream& out;
};

/// Prints `x` as indented JSON.
/// @relates session
void print_json(session& s, const nlohmann::json& x);

/// A leaf subcommand and the action it runs once parsing succeeded.
///
/// Actions do not run inside CLI11's callbacks: CLI11 checks required
/// options after callbacks, so `run()` picks the parsed leaf afterwards. An
/// action's options live in a `shared_ptr` the action captures.
struct command {
  CLI::App* app;
  std::function<void(session&)> run;
};

/// Every leaf subcommand of pando-ctl.
using command_list = std::vector<command>;

// -- registration, one function per resource file ----------------------------

/// Adds `vendor add|list|show|delete` (vendor.cpp).
void add_vendor_commands(CLI::App& root, command_list& out);

/// Adds `product add|list|show|delete` (product.cpp).
void add_product_commands(CLI::App& root, command_list& out);

/// Adds `app add|list|show|delete` (app.cpp).
void add_app_commands(CLI::App& root, command_list& out);

/// Adds `key rotate vendor|product|app ID` (key.cpp).
void add_key_commands(CLI::App& root, command_list& out);

/// Adds `device show IDENTIFIER` (device.cpp).
void add_device_commands(CLI::App& root, command_list& out);

/// Adds `status` (status.cpp).
void add_status_command(CLI::App& root, command_list& out);

/// Adds `nodes`, `shards`, `locate IDENTIFIER`, `top` and `drain NODE`
/// (cluster.cpp).
void add_cluster_commands(CLI::App& root, command_list& out);

// -- running ------------------------------------------------------------------

/// Runs the parsed command of `commands` against the node `opts` names;
/// prints failures as `pando-ctl: <command>: <reason>` and returns the exit
/// status.
int run(const command_list& commands, const client_options& opts, bool json);

} // namespace pando::ctl
