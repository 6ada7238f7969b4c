#include "transports/tls/errc.hpp"

namespace pando::tls {

const char* to_string(errc code) {
  switch (code) {
    case errc::none: return "none";
    case errc::no_memory: return "no_memory";
    case errc::handshake_failed: return "handshake_failed";
    case errc::handshake_too_large: return "handshake_too_large";
    case errc::bad_record: return "bad_record";
    case errc::pending_overflow: return "pending_overflow";
    case errc::write_after_close: return "write_after_close";
    case errc::write_failed: return "write_failed";
  }
  return "unknown";
}

} // namespace pando::tls
