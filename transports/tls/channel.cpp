// Design: OpenSSL speaks to two memory BIOs instead of a socket. `feed`
// writes peer bytes into the read BIO in small chunks and, after each chunk,
// lets OpenSSL consume all of it (handshake steps, then SSL_read until it
// wants more), so the read BIO never holds more than one chunk. Everything
// OpenSSL wants to send lands in the write BIO, which `take_output` drains.
// With memory BIOs OpenSSL never blocks and never asks to write: the only
// "retry" it reports is SSL_ERROR_WANT_READ, which here means "feed more".
//
// OpenSSL's error queue is per thread and SSL_get_error consults it, so every
// OpenSSL call is preceded by ERR_clear_error: errors left behind by other
// code on the same (broker) thread must not fail this connection.

#include "transports/tls/channel.hpp"

#include "transports/tls/context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>

namespace pando::tls {

namespace {

/// Returns an empty memory BIO that reports "retry" (not EOF) when read dry.
BIO* new_mem_bio() {
  auto* bio = BIO_new(BIO_s_mem());
  if (bio != nullptr)
    BIO_set_mem_eof_return(bio, -1);
  return bio;
}

/// Returns a non-error result with status `code`.
result outcome(status code) { return result{code, errc::none, {}}; }

} // namespace

// -- constructors, destructors, and assignment operators ----------------------

channel::channel(const server_context& ctx, channel_limits limits)
    : limits_(limits) {
  ERR_clear_error();
  ssl_.reset(SSL_new(ctx.native_handle()));
  auto* rbio = new_mem_bio();
  auto* wbio = new_mem_bio();
  if (!ssl_ || rbio == nullptr || wbio == nullptr) {
    BIO_free(rbio);
    BIO_free(wbio);
    ssl_.reset();
    fail(errc::no_memory,
         "cannot set up a TLS connection: " + openssl_errors());
    return;
  }
  SSL_set_bio(ssl_.get(), rbio, wbio);
  SSL_set_accept_state(ssl_.get());
}

// -- I/O ----------------------------------------------------------------------

result channel::feed(std::span<const std::uint8_t> ciphertext_in,
                     std::vector<std::uint8_t>& plaintext_out) {
  if (error_.code == status::error)
    return error_;
  if (received_close_ || (sent_close_ && !handshake_done_))
    return outcome(status::closed);
  auto before = plaintext_out.size();
  while (!ciphertext_in.empty()) {
    auto chunk
      = ciphertext_in.first(std::min(ciphertext_in.size(), feed_chunk));
    ciphertext_in = ciphertext_in.subspan(chunk.size());
    if (!handshake_done_
        && (handshake_bytes_ += chunk.size()) > limits_.max_handshake_bytes)
      return fail(errc::handshake_too_large,
                  "peer sent more than "
                    + std::to_string(limits_.max_handshake_bytes)
                    + " bytes without completing the TLS handshake");
    auto len = static_cast<int>(chunk.size());
    if (BIO_write(SSL_get_rbio(ssl_.get()), chunk.data(), len) != len)
      return fail(errc::no_memory, "cannot buffer TLS input");
    if (auto res = step(plaintext_out); res.code != status::need_more)
      return res;
  }
  return outcome(plaintext_out.size() > before ? status::ok
                                               : status::need_more);
}

result channel::write(std::span<const std::uint8_t> plaintext) {
  if (error_.code == status::error)
    return error_;
  if (closed())
    return {status::error, errc::write_after_close,
            "write after the TLS connection was closed"};
  if (plaintext.empty())
    return {};
  if (handshake_done_)
    return encrypt(plaintext);
  if (plaintext.size() > limits_.max_pending_plaintext - pending_.size())
    return fail(errc::pending_overflow,
                "more than " + std::to_string(limits_.max_pending_plaintext)
                  + " bytes written before the TLS handshake completed");
  pending_.insert(pending_.end(), plaintext.begin(), plaintext.end());
  return {};
}

void channel::take_output(std::vector<std::uint8_t>& ciphertext_out) {
  if (!ssl_)
    return;
  auto* wbio = SSL_get_wbio(ssl_.get());
  auto size = BIO_ctrl_pending(wbio);
  if (size == 0)
    return;
  auto old = ciphertext_out.size();
  ciphertext_out.resize(old + size);
  std::size_t got = 0;
  BIO_read_ex(wbio, ciphertext_out.data() + old, size, &got);
  ciphertext_out.resize(old + got);
  if (size > idle_output_capacity) {
    // A memory BIO never shrinks; swap in a fresh one to drop the capacity.
    if (auto* fresh = new_mem_bio(); fresh != nullptr)
      SSL_set0_wbio(ssl_.get(), fresh);
  }
}

void channel::shutdown() {
  if (!ssl_ || sent_close_ || error_.code == status::error)
    return;
  sent_close_ = true;
  std::vector<std::uint8_t>{}.swap(pending_);
  if (handshake_done_) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }
}

// -- implementation -----------------------------------------------------------

/// Lets OpenSSL consume everything in the read BIO. Returns `need_more` when
/// it wants more input.
result channel::step(std::vector<std::uint8_t>& plaintext_out) {
  if (!handshake_done_) {
    if (auto res = advance_handshake(); res.code != status::ok)
      return res;
  }
  return read_records(plaintext_out);
}

/// Runs the handshake as far as the input allows; on completion, encrypts
/// what `write` queued meanwhile. Returns `ok` once the handshake is done.
result channel::advance_handshake() {
  ERR_clear_error();
  auto rc = SSL_do_handshake(ssl_.get());
  if (rc != 1)
    return classify(rc, errc::handshake_failed, "TLS handshake failed");
  handshake_done_ = true;
  std::vector<std::uint8_t> queued;
  queued.swap(pending_);
  return encrypt(queued);
}

/// Decrypts every complete record. Returns `need_more` when none is left.
result channel::read_records(std::vector<std::uint8_t>& plaintext_out) {
  // One record holds at most 16 KiB of plaintext. Shared by all channels of
  // the thread, so that an idle channel does not hold a buffer.
  static thread_local std::array<std::uint8_t, 16 * 1024> buf;
  for (;;) {
    ERR_clear_error();
    std::size_t got = 0;
    auto rc = SSL_read_ex(ssl_.get(), buf.data(), buf.size(), &got);
    if (rc != 1)
      return classify(rc, errc::bad_record, "bad TLS record");
    plaintext_out.insert(plaintext_out.end(), buf.begin(), buf.begin() + got);
  }
}

/// Encrypts `plaintext` into the write BIO; with a memory BIO, OpenSSL takes
/// all of it or fails.
result channel::encrypt(std::span<const std::uint8_t> plaintext) {
  while (!plaintext.empty()) {
    ERR_clear_error();
    std::size_t done = 0;
    if (SSL_write_ex(ssl_.get(), plaintext.data(), plaintext.size(), &done)
        != 1)
      return fail(errc::write_failed,
                  "cannot encrypt application data: " + openssl_errors());
    plaintext = plaintext.subspan(done);
  }
  return {};
}

/// Records the peer's close_notify and queues ours in reply.
result channel::on_close_notify() {
  received_close_ = true;
  std::vector<std::uint8_t>{}.swap(pending_);
  if (!sent_close_ && handshake_done_) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());
    ERR_clear_error();
  }
  sent_close_ = true;
  return outcome(status::closed);
}

/// Maps the return code `rc` of an OpenSSL I/O call: "wants input" becomes
/// `need_more`, close_notify becomes `closed`, the rest fails with `reason`.
result channel::classify(int rc, errc reason, const char* what) {
  switch (SSL_get_error(ssl_.get(), rc)) {
    case SSL_ERROR_WANT_READ: return outcome(status::need_more);
    case SSL_ERROR_ZERO_RETURN: return on_close_notify();
    default: return fail(reason, std::string{what} + ": " + openssl_errors());
  }
}

/// Makes the channel fail for good and returns the error result.
result channel::fail(errc reason, std::string text) {
  error_ = {status::error, reason, std::move(text)};
  std::vector<std::uint8_t>{}.swap(pending_);
  return error_;
}

} // namespace pando::tls
