#pragma once

// A command for a device and its life: queued (device offline), sent,
// acked (the device's PUBACK), expired (its TTL passed before delivery),
// failed (the session ended before the ack and it may not be queued).

#include <cstdint>
#include <optional>
#include <string>

namespace pando {

/// Where a command is in its life.
enum class command_state : std::uint8_t {
  queued = 0,
  sent = 1,
  acked = 2,
  expired = 3,
  failed = 4,
};

/// Returns "queued", "sent", "acked", "expired" or "failed".
const char* to_string(command_state x) noexcept;

/// A command as the device actor keeps it (column `commands`, key
/// `<device>/<command id>`), and as it reports it.
struct command_status {
  std::uint64_t id = 0;
  std::uint8_t state = 0; ///< a command_state
  std::int64_t created_ms = 0;
  std::int64_t expires_ms = 0; ///< 0 = never queued
  std::int64_t updated_ms = 0;
  std::string topic;
  std::string payload;
};

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, command_status& x) {
  return f(x.id, x.state, x.created_ms, x.expires_ms, x.updated_ms, x.topic,
           x.payload);
}

/// Returns `x` as bytes.
std::string encode_command(const command_status& x);

/// Parses bytes written by `encode_command`.
std::optional<command_status> decode_command_record(const std::string& in);

} // namespace pando
