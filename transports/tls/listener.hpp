#pragma once

#include <cstdint>
#include <string>

namespace pando::tls {

/// A TLS listener of a gateway: where it listens and the PEM files it serves.
struct listener_settings {
  std::string host;
  std::uint16_t port = 0;
  std::string cert_file;
  std::string key_file;
};

} // namespace pando::tls
