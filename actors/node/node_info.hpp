#pragma once

#include <cstdint>
#include <string>

namespace pando {

/// What a node says about itself (node agent replies, /healthz, pando-ctl).
/// Crosses nodes: fields are appended only; `version` counts the layout.
struct node_info {
  std::uint16_t version = 1;
  std::string name;
  std::string build; ///< pando version string
  std::int64_t started_at_ms = 0;
  std::uint64_t boots = 0; ///< times this node's store has been opened
  std::string mqtt_advertise;
  std::string http_advertise;
};

/// @relates node_info
template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_info& x) {
  return f(x.version, x.name, x.build, x.started_at_ms, x.boots,
           x.mqtt_advertise, x.http_advertise);
}

} // namespace pando
