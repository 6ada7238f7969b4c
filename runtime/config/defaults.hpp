#pragma once

// Every default of pando-node's configuration, in namespaces that mirror the
// YAML sections. configs/*.yaml and docs/configuration.md document them.

#include <cstdint>

namespace pando::defaults {

namespace cluster {
inline constexpr const char* listen = "127.0.0.1:7400";
inline constexpr std::uint32_t shards = 1024;
inline constexpr std::uint32_t replication_factor = 2;
inline constexpr std::uint32_t move_batch = 64;
inline constexpr std::uint32_t move_interval_ms = 500;
inline constexpr std::uint32_t copy_chunk_bytes = 512 * 1024;
} // namespace cluster

namespace mqtt {
inline constexpr const char* listen = "127.0.0.1:1883";
inline constexpr std::uint32_t max_packet_size = 256 * 1024;
inline constexpr std::uint32_t connect_timeout_ms = 10'000;
inline constexpr std::uint32_t max_keepalive_s = 3600;
inline constexpr std::uint32_t max_inflight = 32;
inline constexpr std::uint32_t session_expiry_s = 7200;
inline constexpr std::uint32_t max_outbound_bytes = 1024 * 1024;
} // namespace mqtt

namespace http {
inline constexpr const char* listen = "127.0.0.1:8080";
inline constexpr std::uint32_t max_body_bytes = 1024 * 1024;
inline constexpr std::uint32_t threads = 8;
} // namespace http

namespace log {
inline constexpr const char* level = "info";
inline constexpr const char* format = "text";
} // namespace log

namespace storage {
inline constexpr bool sync = false;
inline constexpr std::uint32_t block_cache_mb = 32;
inline constexpr std::uint32_t history_retention_h = 30 * 24;
} // namespace storage

namespace webhooks {
inline constexpr std::uint32_t workers = 4;
inline constexpr std::uint32_t max_queue = 10'000;
inline constexpr std::uint32_t timeout_ms = 5'000;
inline constexpr std::uint32_t max_attempts = 5;
} // namespace webhooks

} // namespace pando::defaults
