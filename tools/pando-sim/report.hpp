#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/pando-sim/settings.hpp"

namespace pando::sim {

/// The fleet's counters; touched only by the fleet thread.
struct sim_stats {
  // -- devices ----------------------------------------------------------------

  /// Devices registered at least once.
  std::uint64_t registered = 0;
  /// Devices that connected at least once.
  std::uint64_t ever_connected = 0;
  /// Devices connected right now.
  std::uint64_t online = 0;
  /// Devices online when the shutdown began.
  std::uint64_t online_at_stop = 0;
  /// Devices that gave up (the node rejected their enrolment three times).
  std::uint64_t gave_up = 0;

  // -- traffic ----------------------------------------------------------------

  std::uint64_t status_sent = 0;
  std::uint64_t status_acked = 0;
  std::uint64_t events_sent = 0;
  std::uint64_t events_acked = 0;
  /// Other answers (JSON command results).
  std::uint64_t replies_sent = 0;
  std::uint64_t replies_acked = 0;
  /// Commands received, status queries excluded.
  std::uint64_t commands = 0;
  /// Status queries (command 65528, JSON `status/get`) received.
  std::uint64_t status_queries = 0;
  /// Set-status messages received.
  std::uint64_t set_status = 0;
  /// Messages on topics the scheme does not know.
  std::uint64_t unsupported = 0;

  // -- trouble ----------------------------------------------------------------

  /// Publishes refused by Paho or failed (including unacknowledged ones
  /// interrupted by a connection loss).
  std::uint64_t publish_failures = 0;
  /// Failed MQTT connects (refused CONNACK, TCP or TLS errors, timeouts).
  std::uint64_t connect_failures = 0;
  /// Failed registrations or logins (after the HTTP retries).
  std::uint64_t enroll_failures = 0;
  /// Incoming payloads that did not decode; refused subscriptions.
  std::uint64_t protocol_errors = 0;
  /// Established connections that broke.
  std::uint64_t connections_lost = 0;
  /// Connects after a lost connection.
  std::uint64_t reconnects = 0;

  /// Returns the number of failed operations of any kind.
  std::uint64_t errors() const noexcept {
    return publish_failures + connect_failures + enroll_failures
           + protocol_errors;
  }
};

/// pando-sim's terminal output: message lines, error lines, the live
/// progress line on stderr and the final summary.
///
/// Message lines go to stdout (stderr with `--json`, so stdout holds only
/// the summary). On a TTY the progress line is rewritten in place with `\r`
/// and cleared before any other line; otherwise one progress line is printed
/// every 5 s. Only the first 20 error lines are printed.
class console {
 public:
  explicit console(const sim_settings& cfg);

  /// Prints one line about device `who` unless `--quiet`.
  void message(const std::string& who, const std::string& text);

  /// Records an error; prints it if it is one of the first 20.
  void error(const std::string& who, const std::string& text);

  /// Prints the progress line if it is due.
  void progress(const sim_stats& st, std::chrono::steady_clock::duration up);

  /// Ends the progress line and prints the summary (text or JSON).
  void summary(const sim_stats& st, std::chrono::steady_clock::duration up);

 private:
  void clear_progress();

  const sim_settings& cfg_;
  bool tty_;
  bool progress_shown_ = false;
  std::chrono::steady_clock::time_point last_progress_;
  std::size_t errors_seen_ = 0;
  std::vector<std::string> first_errors_;
};

} // namespace pando::sim
