#include "transports/mqtt/session_types.hpp"

namespace pando::mqtt {

const char* to_string(session_state state) {
  switch (state) {
    case session_state::awaiting_connect: return "awaiting_connect";
    case session_state::authenticating: return "authenticating";
    case session_state::connected: return "connected";
    case session_state::closed: return "closed";
  }
  return "unknown";
}

const char* to_string(close_reason reason) {
  switch (reason) {
    case close_reason::client_disconnect: return "client_disconnect";
    case close_reason::connection_lost: return "connection_lost";
    case close_reason::connect_timeout: return "connect_timeout";
    case close_reason::auth_timeout: return "auth_timeout";
    case close_reason::keepalive_timeout: return "keepalive_timeout";
    case close_reason::protocol_error: return "protocol_error";
    case close_reason::malformed_packet: return "malformed_packet";
    case close_reason::packet_too_large: return "packet_too_large";
    case close_reason::buffer_overflow: return "buffer_overflow";
    case close_reason::unacceptable_protocol_version:
      return "unacceptable_protocol_version";
    case close_reason::identifier_rejected: return "identifier_rejected";
    case close_reason::server_unavailable: return "server_unavailable";
    case close_reason::bad_username_or_password:
      return "bad_username_or_password";
    case close_reason::not_authorized: return "not_authorized";
    case close_reason::publish_failed: return "publish_failed";
    case close_reason::inbound_limit: return "inbound_limit";
    case close_reason::taken_over: return "taken_over";
    case close_reason::server_shutdown: return "server_shutdown";
  }
  return "unknown";
}

} // namespace pando::mqtt
