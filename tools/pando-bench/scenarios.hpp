#pragma once

#include "tools/pando-bench/options.hpp"
#include "tools/pando-bench/result.hpp"

namespace pando::bench {

/// `ingest`: every device publishes the 34-byte status report at QoS 1 with
/// `opts.window` publishes in flight; measures PUBACKs per second over
/// `opts.duration_s` after `opts.warmup_s`, and publish→PUBACK latency.
result run_ingest(const options& opts);

/// `conn-storm`: opens `opts.devices` (authenticated) connections as fast
/// as possible; measures connections per second, CONNECT→CONNACK latency
/// and failures. Registration and login happen before the clock starts.
result run_conn_storm(const options& opts);

/// `idle`: samples the target's resident memory before and after
/// registering `opts.registered` devices, and before and after connecting
/// `opts.devices` idle devices; reports bytes per device.
result run_idle(const options& opts);

} // namespace pando::bench
