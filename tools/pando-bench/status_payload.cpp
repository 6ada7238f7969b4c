#include "tools/pando-bench/status_payload.hpp"

#include "transports/pando/message.hpp"

#include <stdexcept>

namespace pando::bench {

std::vector<std::uint8_t> status_report() {
  proto::data msg;
  msg.timestamp = 1462000000000;
  msg.objects.push_back(proto::sub_data{1, 1, {proto::value{uint8_t{1}}}});
  std::vector<std::uint8_t> out;
  if (proto::encode(msg, out) != proto::errc::none || out.size() != 34)
    throw std::logic_error("status report does not encode to 34 bytes");
  return out;
}

} // namespace pando::bench
