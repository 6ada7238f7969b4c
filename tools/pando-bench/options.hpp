#pragma once

#include <cstddef>
#include <string>

namespace pando::bench {

/// Everything `pando-bench` was asked to do; printed with every result.
struct options {
  /// `ingest`, `conn-storm` or `idle`.
  std::string scenario;
  /// `pando` (register, login, authenticated MQTT) or `mosquitto`
  /// (anonymous MQTT, client ids `bench-N`).
  std::string target = "pando";
  /// pando's HTTP base URL (device and admin APIs, /metrics).
  std::string url = "http://127.0.0.1:8080";
  /// Bearer token of pando's admin API.
  std::string admin_token;
  /// An existing product key; empty: create a vendor and a product.
  std::string product_key;
  /// pando: a file of device credentials; reused when it exists (no new
  /// registration or login), written after enrolling otherwise.
  std::string credentials;
  /// MQTT `host:port`; empty: pando's `access_addr` from the login
  /// (required for `mosquitto`).
  std::string mqtt;
  /// Number of devices (MQTT connections).
  std::size_t devices = 1000;
  /// Unacknowledged QoS 1 publishes per connection (`ingest`).
  std::size_t window = 4;
  /// Seconds of load before measuring (`ingest`).
  double warmup_s = 3;
  /// Seconds measured (`ingest`).
  double duration_s = 10;
  /// Connects in flight at once; 0 = all (`conn-storm`, and setup).
  std::size_t connect_concurrency = 0;
  /// Seconds to wait after connecting before sampling memory (`idle`).
  double hold_s = 5;
  /// Devices registered, never connected, measured separately (`idle`).
  std::size_t registered = 0;
  /// The target's process id, 0 = unknown. `ingest` reports its CPU time
  /// during the measured window; `idle` reads its resident memory from
  /// /proc unless the target is pando (`pando_resident_memory_bytes`).
  int target_pid = 0;
  /// Generator processes sharing the connections (Paho runs one send and
  /// one receive thread per process).
  std::size_t processes = 4;
  /// Parallel HTTP clients for registration and login.
  std::size_t http_clients = 8;
  /// MQTT keepalive in seconds.
  int keepalive_s = 60;
  /// Prefix of device codes (pando) and client ids (mosquitto).
  std::string id_prefix = "bench-";
  /// Free-form label copied into the result (e.g. round number).
  std::string label;
  /// Where to write the JSON result; empty: nowhere.
  std::string json_file;
  /// No progress lines on stderr.
  bool quiet = false;
};

} // namespace pando::bench
