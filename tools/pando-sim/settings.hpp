#pragma once

#include <cstddef>
#include <string>

namespace pando::sim {

/// The payload scheme the simulated devices speak.
enum class protocol {
  /// pando's binary payloads on topics `s`, `e` and `c` (spec 5).
  binary,
  /// pando's JSON topics under `pando/v1/<identifier>/` (docs/mqtt.md).
  json,
};

/// Everything `pando-sim` is told on its command line; filled by `main.cpp`
/// and read-only afterwards.
struct sim_settings {
  // -- the node ---------------------------------------------------------------

  /// HTTP base URL of a node's device API.
  std::string url = "http://127.0.0.1:8080";
  /// Product key every device registers with.
  std::string product_key;
  /// Connect MQTT with TLS (`ssl://`) to the login's `access_addr`.
  bool tls = false;
  /// Skip certificate verification (https:// and `--tls`).
  bool insecure = false;
  /// PEM file of trusted CAs (https:// and `--tls`); empty: the system's.
  std::string cafile;

  // -- the fleet --------------------------------------------------------------

  /// Number of simulated devices.
  std::size_t devices = 1;
  /// Device codes are `<code_prefix><index>`, index from 0.
  std::string code_prefix = "sim-";
  /// A fixed device code for a single device; empty: use `code_prefix`.
  std::string code;
  /// The `version` sent at registration.
  std::string device_version = "1.0.0";
  /// Devices brought up per second.
  double connect_rate = 200;
  /// Payload scheme.
  protocol proto = protocol::binary;

  // -- traffic ----------------------------------------------------------------

  /// Seconds between status reports of one device; 0: only on request.
  double status_interval = 3;
  /// Seconds between events of one device; 0: none.
  double event_interval = 3;
  /// QoS of status reports and events (0 or 1).
  int qos = 1;
  /// Object label of the status report in the JSON scheme.
  std::string status_label = "switch";
  /// Event name in the JSON scheme.
  std::string event_name = "alarm";

  // -- the run ----------------------------------------------------------------

  /// Seconds to run; 0: until SIGINT or SIGTERM.
  double duration = 0;
  /// Print the final summary as JSON on stdout.
  bool json_summary = false;
  /// No progress line and no per-message lines.
  bool quiet = false;
};

} // namespace pando::sim
