#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pando::runtime {

/// A host and a port, as written in configuration ("127.0.0.1:1883",
/// "[::1]:1883", "node-a.example:1883").
struct address {
  std::string host;
  std::uint16_t port = 0;

  /// Returns "host:port" (IPv6 hosts in brackets).
  std::string to_string() const;

  friend bool operator==(const address&, const address&) = default;
};

/// Parses "host:port"; returns nullopt and sets `why` on failure.
std::optional<address> parse_address(const std::string& text, std::string& why);

/// An optional TLS listener: where it listens and the PEM files it serves.
struct tls_settings {
  std::optional<address> listen;
  std::string cert_file;
  std::string key_file;
};

/// Everything a pando-node reads from its configuration, already validated.
/// Only runtime/ builds it from YAML; each subsystem takes its own part.
struct node_settings {
  struct {
    std::string name;
    std::string data_dir;
  } node;
  struct {
    address listen;
    std::vector<address> seeds;
    std::uint32_t shards = 1024;
    std::uint32_t replication_factor = 2;
    std::uint32_t move_batch = 0;
    std::uint32_t move_interval_ms = 0;
    std::uint32_t copy_chunk_bytes = 0;
    std::string tls_cert;
    std::string tls_key;
    std::string tls_ca;
  } cluster;
  struct {
    address listen;
    tls_settings tls;
    std::string advertise;
    std::uint32_t max_packet_size = 0;
    std::uint32_t connect_timeout_ms = 0;
    std::uint32_t max_keepalive_s = 0;
    std::uint32_t max_inflight = 0;
    std::uint32_t session_expiry_s = 0;
    std::uint32_t max_outbound_bytes = 0;
  } mqtt;
  struct {
    address listen;
    tls_settings tls;
    std::string advertise;
    std::uint32_t max_body_bytes = 0;
    std::uint32_t threads = 0;
  } http;
  struct {
    std::string admin_token;
    std::string key_secret;
  } security;
  struct {
    std::string level;
    std::string format;
  } log;
  struct {
    std::uint32_t threads = 0; ///< 0 = one per core
  } runtime;
  struct {
    bool sync = false;
    std::uint32_t block_cache_mb = 0;
    std::uint32_t history_retention_h = 0;
  } storage;
  struct {
    std::uint32_t workers = 0;
    std::uint32_t max_queue = 0;
    std::uint32_t timeout_ms = 0;
    std::uint32_t max_attempts = 0;
    bool tls_verify = true;
    std::string ca_file;
  } webhooks;
};

/// One problem found in a configuration: the key and why it is wrong.
struct config_problem {
  std::string key;
  std::string why;
};

/// The result of loading a configuration: settings, or every problem found.
struct config_load_result {
  std::optional<node_settings> settings;
  std::vector<config_problem> problems;
};

/// Loads the configuration: the YAML file `file` (may be empty: defaults
/// only), then `overrides` ("key=value", value in YAML syntax) in order.
/// Reports unknown keys, wrong types, bad values and missing required keys
/// all at once.
config_load_result
load_node_settings(const std::string& file,
                   const std::vector<std::string>& overrides);

/// Loads settings from YAML text (for tests and `--check-config`).
config_load_result
load_node_settings_from_string(const std::string& yaml,
                               const std::vector<std::string>& overrides);

/// Returns the documentation of every key: "key  (type, default) description".
std::string describe_node_settings();

} // namespace pando::runtime
