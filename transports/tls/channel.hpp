#pragma once

#include "transports/tls/errc.hpp"
#include "transports/tls/native.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pando::tls {

class server_context;

/// Memory bounds of one `channel`; see the class docs for what else it holds.
struct channel_limits {
  /// Peer bytes accepted before the handshake must be complete. A real
  /// ClientHello plus Finished is a few KiB; more is garbage or an attack.
  std::size_t max_handshake_bytes = 64 * 1024;
  /// Plaintext `write` may queue while the handshake is still running.
  std::size_t max_pending_plaintext = 64 * 1024;
};

/// What a `feed` or `write` call achieved.
enum class status : std::uint8_t {
  /// `feed`: application bytes were appended; `write`: data was queued.
  ok,
  /// `feed`: input consumed, but no application bytes yet (handshake running
  /// or a record incomplete). Send `take_output` and wait for more input.
  need_more,
  /// The connection is closed: the peer sent close_notify (ours is already
  /// queued, and application bytes before it were still appended), or
  /// `shutdown` was called during the handshake. Send `take_output`, then
  /// close the socket.
  closed,
  /// The connection failed; `reason` and `text` say why. Send `take_output`
  /// (it may hold an alert for the peer), then close the socket.
  error,
};

/// Outcome of `channel::feed` and `channel::write`.
struct result {
  status code = status::ok;
  /// Set if `code == status::error`.
  errc reason = errc::none;
  /// Human-readable detail including OpenSSL's reason; empty unless error.
  std::string text;
};

/// One server-side TLS connection over memory buffers, never over a socket.
///
/// The socket owner (a CAF broker) passes every received byte to `feed`,
/// encrypts with `write` and, after each `feed`, `write` or `shutdown`, sends
/// what `take_output` hands out. Nothing blocks and nothing throws on bad
/// input; every failure becomes `status::error` and is final.
///
/// Lifecycle: handshaking → open (`handshake_done()`) → closed (close_notify
/// sent by `shutdown` or received by `feed`) or failed (`error()` is set).
///
/// Memory held per channel, besides OpenSSL's per-connection state:
/// - input: `feed` hands OpenSSL at most `feed_chunk` bytes at a time and
///   decrypts them before taking more, so OpenSSL buffers at most one
///   partial record (≤ 16.5 KiB) plus one chunk;
/// - handshake: at most `max_handshake_bytes` of peer input, then error;
/// - early writes: at most `max_pending_plaintext` bytes, then error;
/// - output: the ciphertext produced since the last `take_output`; buffers
///   that grew beyond `idle_output_capacity` are released when drained.
/// Record buffers are released while idle (`SSL_MODE_RELEASE_BUFFERS`).
///
/// Movable, not copyable; a moved-from channel may only be destroyed or
/// assigned to. Not thread-safe: one owner (the broker) calls it.
class channel {
 public:
  // -- constants --------------------------------------------------------------

  /// Input bytes handed to OpenSSL per step of `feed`.
  static constexpr std::size_t feed_chunk = 4096;

  /// Output buffer capacity kept after `take_output`.
  static constexpr std::size_t idle_output_capacity = 16 * 1024;

  // -- constructors, destructors, and assignment operators --------------------

  /// Starts a server-side handshake with `ctx`'s certificate and policy. If
  /// OpenSSL cannot set up the connection, the channel starts out failed
  /// (`errc::no_memory`).
  explicit channel(const server_context& ctx, channel_limits limits = {});

  channel(channel&&) noexcept = default;
  channel& operator=(channel&&) noexcept = default;
  ~channel() = default;

  // -- I/O --------------------------------------------------------------------

  /// Consumes TLS records received from the peer and appends decrypted
  /// application bytes to `plaintext_out`. Drives the handshake and, once it
  /// completes, encrypts data queued by earlier `write` calls.
  result feed(std::span<const std::uint8_t> ciphertext_in,
              std::vector<std::uint8_t>& plaintext_out);

  /// Encrypts `plaintext` for the peer. Before the handshake completes, the
  /// bytes are queued (up to `max_pending_plaintext`) and sent after it.
  result write(std::span<const std::uint8_t> plaintext);

  /// Appends all bytes waiting for the peer (handshake records, encrypted
  /// data, alerts, close_notify) to `ciphertext_out`.
  void take_output(std::vector<std::uint8_t>& ciphertext_out);

  /// Queues close_notify; later `write` calls fail. During the handshake
  /// there is nothing to close gracefully: the channel just stops and drops
  /// queued plaintext.
  void shutdown();

  // -- properties -------------------------------------------------------------

  /// Returns whether the handshake has completed.
  bool handshake_done() const noexcept { return handshake_done_; }

  /// Returns whether close_notify was sent or received.
  bool closed() const noexcept { return sent_close_ || received_close_; }

  /// Returns why the channel failed, or an empty string.
  const std::string& error() const noexcept { return error_.text; }

  /// Returns the failure reason, or `errc::none`.
  errc reason() const noexcept { return error_.reason; }

 private:
  // -- implementation ---------------------------------------------------------

  result step(std::vector<std::uint8_t>& plaintext_out);
  result advance_handshake();
  result read_records(std::vector<std::uint8_t>& plaintext_out);
  result encrypt(std::span<const std::uint8_t> plaintext);
  result on_close_notify();
  result fail(errc reason, std::string text);
  result classify(int rc, errc reason, const char* what);

  // -- member variables -------------------------------------------------------

  ssl_ptr ssl_;
  channel_limits limits_;
  std::vector<std::uint8_t> pending_;
  std::size_t handshake_bytes_ = 0;
  bool handshake_done_ = false;
  bool sent_close_ = false;
  bool received_close_ = false;
  result error_;
};

} // namespace pando::tls
