#include "transports/pando/message.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace pando::proto {

namespace {

using detail::read_uint;
using detail::write_uint;

/// Largest number of params a ParamsCount field can announce.
constexpr size_t max_params = std::numeric_limits<uint16_t>::max();

/// Runs `f`, which appends to `out`, and rolls `out` back if `f` fails.
template<class F>
errc append_or_rollback(std::vector<uint8_t>& out, F f) {
  auto mark = out.size();
  auto err = f();
  if (err != errc::none)
    out.resize(mark);
  return err;
}

/// Appends Flag, Timestamp and Token, the first 25 bytes of every message.
template<class Message>
void write_prefix(const Message& x, std::vector<uint8_t>& out) {
  write_uint<1>(x.flag, out);
  write_uint<8>(x.timestamp, out);
  out.insert(out.end(), x.token.begin(), x.token.end());
}

/// Appends ParamsCount followed by one TLV per param.
errc write_params(const std::vector<value>& params, std::vector<uint8_t>& out) {
  if (params.size() > max_params)
    return errc::too_many_params;
  write_uint<2>(params.size(), out);
  for (const auto& param : params)
    if (auto err = encode(param, out); err != errc::none)
      return err;
  return errc::none;
}

/// Appends a command or event payload.
template<class Message>
errc write_command_like(const Message& x, std::vector<uint8_t>& out) {
  write_prefix(x, out);
  write_uint<2>(x.sub_device, out);
  write_uint<2>(x.no, out);
  write_uint<2>(x.priority, out);
  return write_params(x.params, out);
}

/// Appends a data payload.
errc write_data(const data& x, std::vector<uint8_t>& out) {
  write_prefix(x, out);
  for (const auto& obj : x.objects) {
    write_uint<2>(obj.sub_device, out);
    write_uint<2>(obj.property_no, out);
    if (auto err = write_params(obj.params, out); err != errc::none)
      return err;
  }
  return errc::none;
}

/// Reads Flag, Timestamp and Token; requires `buf.size() >= 25`.
template<class Message>
void read_prefix(byte_span buf, Message& x) {
  x.flag = static_cast<uint8_t>(read_uint<1>(buf, 0));
  x.timestamp = read_uint<8>(buf, 1);
  std::copy_n(buf.begin() + 9, x.token.size(), x.token.begin());
}

/// Reads a u16 at `buf[offset]`; requires two bytes there.
uint16_t read_u16(byte_span buf, size_t offset) {
  return static_cast<uint16_t>(read_uint<2>(buf, offset));
}

/// Decodes a command or event payload.
template<class Message>
result<Message> read_command_like(byte_span buf) {
  if (buf.size() < command_header_size)
    return errc::truncated_header;
  Message x;
  read_prefix(buf, x);
  x.sub_device = read_u16(buf, 25);
  x.no = read_u16(buf, 27);
  x.priority = read_u16(buf, 29);
  auto count = read_u16(buf, 31);
  for (size_t pos = command_header_size; pos < buf.size();) {
    auto param = decode_one(buf, pos);
    if (!param)
      return param.error();
    x.params.push_back(std::move(*param));
  }
  if (x.params.size() != count)
    return errc::params_count_mismatch;
  return x;
}

/// Decodes one sub-data block at `buf[pos]`, advancing `pos`.
result<sub_data> read_sub_data(byte_span buf, size_t& pos) {
  if (buf.size() - pos < sub_data_header_size)
    return errc::trailing_bytes;
  sub_data x;
  x.sub_device = read_u16(buf, pos);
  x.property_no = read_u16(buf, pos + 2);
  auto count = read_u16(buf, pos + 4);
  pos += sub_data_header_size;
  for (size_t i = 0; i < count; ++i) {
    auto param = decode_one(buf, pos);
    if (!param)
      return param.error();
    x.params.push_back(std::move(*param));
  }
  return x;
}

} // namespace

errc encode(const command& x, std::vector<uint8_t>& out) {
  return append_or_rollback(out, [&] { return write_command_like(x, out); });
}

errc encode(const event& x, std::vector<uint8_t>& out) {
  return append_or_rollback(out, [&] { return write_command_like(x, out); });
}

errc encode(const data& x, std::vector<uint8_t>& out) {
  return append_or_rollback(out, [&] { return write_data(x, out); });
}

result<command> decode_command(byte_span buf) {
  return read_command_like<command>(buf);
}

result<event> decode_event(byte_span buf) {
  return read_command_like<event>(buf);
}

result<data> decode_data(byte_span buf) {
  if (buf.size() < data_header_size)
    return errc::truncated_header;
  data x;
  read_prefix(buf, x);
  for (size_t pos = data_header_size; pos < buf.size();) {
    auto obj = read_sub_data(buf, pos);
    if (!obj)
      return obj.error();
    x.objects.push_back(std::move(*obj));
  }
  return x;
}

} // namespace pando::proto
