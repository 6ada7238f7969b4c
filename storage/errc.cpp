#include "storage/errc.hpp"

namespace pando::storage {

const char* to_string(errc x) noexcept {
  switch (x) {
    case errc::none: return "none";
    case errc::io_error: return "io_error";
    case errc::corruption: return "corruption";
    case errc::invalid_argument: return "invalid_argument";
    case errc::not_supported: return "not_supported";
    case errc::busy: return "busy";
    case errc::timed_out: return "timed_out";
    case errc::unknown: return "unknown";
  }
  return "unknown";
}

std::string error::to_string() const {
  return std::string{storage::to_string(code)} + ": " + message;
}

} // namespace pando::storage
