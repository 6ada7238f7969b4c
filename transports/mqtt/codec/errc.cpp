#include "transports/mqtt/codec/errc.hpp"

namespace pando::mqtt {

const char* to_string(errc code) {
  switch (code) {
    case errc::invalid_packet_type: return "invalid_packet_type";
    case errc::reserved_flags: return "reserved_flags";
    case errc::malformed_remaining_length: return "malformed_remaining_length";
    case errc::packet_too_large: return "packet_too_large";
    case errc::truncated: return "truncated";
    case errc::trailing_bytes: return "trailing_bytes";
    case errc::bad_utf8: return "bad_utf8";
    case errc::bad_protocol_name: return "bad_protocol_name";
    case errc::bad_protocol_level: return "bad_protocol_level";
    case errc::bad_connect_flags: return "bad_connect_flags";
    case errc::invalid_qos: return "invalid_qos";
    case errc::bad_publish_flags: return "bad_publish_flags";
    case errc::zero_packet_id: return "zero_packet_id";
    case errc::bad_topic_name: return "bad_topic_name";
    case errc::bad_topic_filter: return "bad_topic_filter";
    case errc::empty_subscribe: return "empty_subscribe";
    case errc::empty_unsubscribe: return "empty_unsubscribe";
    case errc::empty_suback: return "empty_suback";
    case errc::bad_connack_flags: return "bad_connack_flags";
    case errc::invalid_return_code: return "invalid_return_code";
  }
  return "unknown";
}

} // namespace pando::mqtt
