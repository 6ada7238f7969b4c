#include "transports/tls/native.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace pando::tls {

void ssl_ctx_deleter::operator()(ssl_ctx_st* ptr) const noexcept {
  SSL_CTX_free(ptr);
}

void ssl_deleter::operator()(ssl_st* ptr) const noexcept { SSL_free(ptr); }

std::string openssl_errors() {
  std::string text;
  while (auto code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!text.empty())
      text += "; ";
    text += buf;
  }
  return text.empty() ? "no reason given by OpenSSL" : text;
}

} // namespace pando::tls
