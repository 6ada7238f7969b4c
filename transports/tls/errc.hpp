#pragma once

#include <cstdint>

namespace pando::tls {

/// Reasons why a `channel` fails; every one is fatal for the connection.
///
/// The value 0 means "no error", as CAF requires for error code enums.
enum class errc : std::uint8_t {
  /// No error.
  none = 0,
  /// OpenSSL could not allocate the connection or one of its buffers.
  no_memory,
  /// The peer's handshake records were malformed or unacceptable: not TLS at
  /// all, no common protocol version or cipher, a bad Finished message.
  handshake_failed,
  /// The peer sent more than `channel_limits::max_handshake_bytes` before the
  /// handshake completed.
  handshake_too_large,
  /// A record after the handshake was malformed or failed authentication.
  bad_record,
  /// `write` before the handshake completed queued more than
  /// `channel_limits::max_pending_plaintext` bytes.
  pending_overflow,
  /// `write` was called after `shutdown` or after the peer closed.
  write_after_close,
  /// OpenSSL refused to encrypt application data.
  write_failed,
};

/// Returns the enumerator name of `code`, e.g. `"bad_record"`.
/// @relates errc
const char* to_string(errc code);

} // namespace pando::tls
