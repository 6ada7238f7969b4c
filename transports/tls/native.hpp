#pragma once

#include <memory>
#include <string>

// OpenSSL's own struct names, so that no public header includes OpenSSL.
struct ssl_st;
struct ssl_ctx_st;

namespace pando::tls {

/// Frees an `SSL_CTX` (drops one reference).
struct ssl_ctx_deleter {
  void operator()(ssl_ctx_st* ptr) const noexcept;
};

/// Frees an `SSL` together with its BIOs.
struct ssl_deleter {
  void operator()(ssl_st* ptr) const noexcept;
};

/// Owning handle of an `SSL_CTX`.
using ssl_ctx_ptr = std::unique_ptr<ssl_ctx_st, ssl_ctx_deleter>;

/// Owning handle of an `SSL`.
using ssl_ptr = std::unique_ptr<ssl_st, ssl_deleter>;

/// Returns the reasons queued in this thread's OpenSSL error queue, oldest
/// first and separated by "; ", then clears the queue. Returns
/// `"no reason given by OpenSSL"` if the queue is empty.
std::string openssl_errors();

} // namespace pando::tls
