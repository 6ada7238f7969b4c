// libFuzzer target for the MQTT 3.1.1 codec.
//
// Decodes the input packet by packet. For every decoded packet it checks that
// (1) re-encoding and decoding again yields the same packet and the same bytes
// (up to a non-minimal remaining length in the input), (2) every strict prefix
// of the packet asks for more bytes, (3) a small size limit changes nothing
// but turning large packets into `packet_too_large`, and (4) topic matching
// agrees with the decoded topics. Any violation traps.

#include "transports/mqtt/codec/decoder.hpp"
#include "transports/mqtt/codec/encoder.hpp"
#include "transports/mqtt/codec/topic.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace {

using namespace pando::mqtt;
using byte_span = std::span<const std::uint8_t>;

constexpr std::size_t no_limit = max_remaining_length;
constexpr std::size_t small_limit = 64;

void require(bool condition) {
  if (!condition)
    __builtin_trap();
}

/// Returns the fixed header of `wire`, which must be a complete packet.
fixed_header header_of(byte_span wire) {
  auto result = peek_fixed_header(wire, no_limit);
  require(std::holds_alternative<fixed_header>(result));
  return std::get<fixed_header>(result);
}

/// Checks that each strict prefix of the packet `wire` needs more bytes.
void check_prefixes(byte_span wire) {
  for (std::size_t size = 0; size < wire.size(); ++size) {
    auto result = decode(wire.first(size), no_limit);
    auto* more = std::get_if<need_more>(&result);
    require(more != nullptr && more->at_least > 0);
    require(size + more->at_least <= wire.size());
  }
}

/// Checks that `first`, decoded from `wire`, survives an encode-decode trip.
void check_round_trip(const decoded& first, byte_span wire) {
  auto again = encode(first.packet);
  auto result = decode(again, no_limit);
  auto* second = std::get_if<decoded>(&result);
  require(second != nullptr && second->consumed == again.size());
  require(second->packet == first.packet);
  auto in = header_of(wire);
  auto out = header_of(again);
  require(in.remaining_length == out.remaining_length && wire[0] == again[0]);
  auto in_body = wire.subspan(in.header_size);
  auto out_body = byte_span{again}.subspan(out.header_size);
  require(std::equal(in_body.begin(), in_body.end(), out_body.begin(),
                     out_body.end()));
}

/// Checks that a small limit only rejects packets above it.
void check_limit(byte_span input, const decoded& full) {
  auto limited = decode(input, small_limit);
  if (header_of(input.first(full.consumed)).remaining_length <= small_limit)
    require(limited == decode_result{full});
  else
    require(limited == decode_result{errc::packet_too_large});
}

/// Returns a topic name that `filter` must match: wildcards become "x".
std::string instantiate(std::string filter) {
  std::replace(filter.begin(), filter.end(), '+', 'x');
  std::replace(filter.begin(), filter.end(), '#', 'x');
  return filter;
}

/// Checks topic matching against the topics and filters of `value`.
void check_topics(const packet& value) {
  if (auto* msg = std::get_if<publish>(&value)) {
    require(topic_matches(msg->topic, msg->topic));
    require(topic_matches("#", msg->topic) == (msg->topic.front() != '$'));
  } else if (auto* sub = std::get_if<subscribe>(&value)) {
    for (const auto& entry : sub->subscriptions)
      require(topic_matches(entry.filter, instantiate(entry.filter)));
  } else if (auto* unsub = std::get_if<unsubscribe>(&value)) {
    for (const auto& filter : unsub->filters)
      require(topic_matches(filter, instantiate(filter)));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  auto input = byte_span{data, size};
  while (!input.empty()) {
    auto result = decode(input, no_limit);
    auto* ok = std::get_if<decoded>(&result);
    if (ok == nullptr)
      break;
    require(ok->consumed > 0 && ok->consumed <= input.size());
    auto wire = input.first(ok->consumed);
    check_prefixes(wire);
    check_round_trip(*ok, wire);
    check_limit(input, *ok);
    check_topics(ok->packet);
    input = input.subspan(ok->consumed);
  }
  return 0;
}
