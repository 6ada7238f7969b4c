#pragma once

#include "tools/pando-bench/client_pool.hpp"
#include "tools/pando-bench/options.hpp"

#include <string>
#include <vector>

namespace pando::bench {

/// Prepares `count` MQTT identities for `opts.target`.
///
/// pando: creates a product unless `opts.product_key` is set, registers and
/// logs in each device (client id and user name = hex device id, password =
/// access token, address = `opts.mqtt` or the login's `access_addr`).
/// mosquitto: anonymous clients `{id_prefix}N` at `opts.mqtt`.
std::vector<endpoint> prepare_endpoints(const options& opts, std::size_t count);

/// Samples the target's resident memory in bytes: pando's
/// `pando_resident_memory_bytes`, else /proc of `opts.target_pid`. Throws
/// if that is not available.
double sample_rss(const options& opts);

/// Each of `workers` processes' share of `opts.connect_concurrency`
/// (0 = unlimited stays 0).
std::size_t connect_share(const options& opts, std::size_t workers);

/// Prints a progress line on stderr unless `opts.quiet`.
void progress(const options& opts, const char* fmt, ...)
  __attribute__((format(printf, 2, 3)));

} // namespace pando::bench
