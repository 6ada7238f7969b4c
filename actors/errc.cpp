#include "actors/errc.hpp"

namespace pando {

const char* to_string(errc x) noexcept {
  switch (x) {
    case errc::none: return "none";
    case errc::device_not_found: return "device_not_found";
    case errc::wrong_secret: return "wrong_secret";
    case errc::bad_token: return "bad_token";
    case errc::invalid_argument: return "invalid_argument";
    case errc::bad_product_key: return "bad_product_key";
    case errc::not_found: return "not_found";
    case errc::identifier_collision: return "identifier_collision";
    case errc::bad_payload: return "bad_payload";
    case errc::storage_failure: return "storage_failure";
    case errc::device_offline: return "device_offline";
    case errc::timeout: return "timeout";
    case errc::unavailable: return "unavailable";
    case errc::forbidden: return "forbidden";
    case errc::conflict: return "conflict";
  }
  return "unknown";
}

} // namespace pando
