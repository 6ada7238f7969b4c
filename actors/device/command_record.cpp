#include "actors/device/command_record.hpp"

#include "actors/device/big_endian.hpp"

namespace pando {

const char* to_string(command_state x) noexcept {
  switch (x) {
    case command_state::queued: return "queued";
    case command_state::sent: return "sent";
    case command_state::acked: return "acked";
    case command_state::expired: return "expired";
    case command_state::failed: return "failed";
  }
  return "unknown";
}

namespace {

bool get_text(const std::string& in, std::size_t& pos, std::string& out) {
  std::uint64_t n = 0;
  if (!get_be(in, pos, 4, n) || in.size() - pos < n)
    return false;
  out = in.substr(pos, n);
  pos += n;
  return true;
}

} // namespace

std::string encode_command(const command_status& x) {
  std::string out;
  put_be(out, 1, 1); // layout version
  put_be(out, x.id, 8);
  put_be(out, x.state, 1);
  put_be(out, static_cast<std::uint64_t>(x.created_ms), 8);
  put_be(out, static_cast<std::uint64_t>(x.expires_ms), 8);
  put_be(out, static_cast<std::uint64_t>(x.updated_ms), 8);
  put_be(out, x.topic.size(), 4);
  out += x.topic;
  put_be(out, x.payload.size(), 4);
  out += x.payload;
  return out;
}

std::optional<command_status> decode_command_record(const std::string& in) {
  std::size_t pos = 0;
  std::uint64_t version = 0, state = 0, created = 0, expires = 0, updated = 0;
  command_status x;
  if (!get_be(in, pos, 1, version) || version != 1 || !get_be(in, pos, 8, x.id)
      || !get_be(in, pos, 1, state) || !get_be(in, pos, 8, created)
      || !get_be(in, pos, 8, expires) || !get_be(in, pos, 8, updated)
      || !get_text(in, pos, x.topic) || !get_text(in, pos, x.payload)
      || pos != in.size() || state > 4)
    return std::nullopt;
  x.state = static_cast<std::uint8_t>(state);
  x.created_ms = static_cast<std::int64_t>(created);
  x.expires_ms = static_cast<std::int64_t>(expires);
  x.updated_ms = static_cast<std::int64_t>(updated);
  return x;
}

} // namespace pando
