// libFuzzer target for the pando binary payload codec (spec section 5).
//
// Decodes the input as data, command and event. Every successful decode must
// re-encode to exactly the input bytes: the decoders are strict, so any
// accepted payload has a single canonical encoding.

#include "transports/pando/message.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace {

using namespace pando::proto;

/// Traps unless `x` re-encodes to exactly `input`.
template<class Message>
void require_round_trip(const result<Message>& x, byte_span input) {
  if (!x)
    return;
  std::vector<uint8_t> out;
  if (encode(*x, out) != errc::none)
    __builtin_trap();
  if (!std::equal(out.begin(), out.end(), input.begin(), input.end()))
    __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  byte_span input{data, size};
  require_round_trip(decode_data(input), input);
  require_round_trip(decode_command(input), input);
  require_round_trip(decode_event(input), input);
  return 0;
}
