#pragma once

#include <optional>

namespace pando::bench {

/// The resident memory of process `pid` from /proc, in bytes.
std::optional<double> read_rss(int pid);

/// CPU seconds (user + system) process `pid` has used, from /proc.
std::optional<double> process_cpu_s(int pid);

/// CPU seconds (user + system) this process has used, all threads.
double self_cpu_s();

/// Machine-wide CPU time from /proc/stat, in seconds summed over all cores.
struct machine_cpu {
  /// Time spent on anything but idle and iowait.
  double busy_s = 0;
  /// All time, idle included.
  double total_s = 0;
};

/// Samples /proc/stat; zeros if unreadable.
machine_cpu read_machine_cpu();

} // namespace pando::bench
