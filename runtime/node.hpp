#pragma once

#include "runtime/config/node_settings.hpp"

namespace pando::runtime {

/// Exit statuses of pando-node.
enum exit_status : int {
  exit_ok = 0,
  exit_start_failed = 1, ///< a resource named in the config is unusable
  exit_bad_config = 2,   ///< the configuration itself is wrong
};

/// Runs a node until SIGINT or SIGTERM: opens storage, starts the actor
/// system, the cluster listener and the HTTP gateway; then stops them in
/// reverse order. The caller must have blocked SIGINT and SIGTERM in every
/// thread (see `block_stop_signals`). Returns an `exit_status`.
int run_node(const node_settings& settings);

/// Blocks SIGINT and SIGTERM (so that `run_node` can wait for them) and
/// ignores SIGPIPE. Call first thing in main, before any thread starts.
void block_stop_signals();

} // namespace pando::runtime
