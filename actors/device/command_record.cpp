#include "actors/device/command_record.hpp"

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

void put(std::string& out, std::uint64_t x, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out += static_cast<char>((x >> (8 * i)) & 0xff);
}

bool get(const std::string& in, std::size_t& pos, int bytes, std::uint64_t& x) {
  if (in.size() - pos < static_cast<std::size_t>(bytes))
    return false;
  x = 0;
  for (int i = 0; i < bytes; ++i)
    x = (x << 8) | static_cast<unsigned char>(in[pos++]);
  return true;
}

bool get_text(const std::string& in, std::size_t& pos, std::string& out) {
  std::uint64_t n = 0;
  if (!get(in, pos, 4, n) || in.size() - pos < n)
    return false;
  out = in.substr(pos, n);
  pos += n;
  return true;
}

} // namespace

std::string encode_command(const command_status& x) {
  std::string out;
  put(out, 1, 1); // layout version
  put(out, x.id, 8);
  put(out, x.state, 1);
  put(out, static_cast<std::uint64_t>(x.created_ms), 8);
  put(out, static_cast<std::uint64_t>(x.expires_ms), 8);
  put(out, static_cast<std::uint64_t>(x.updated_ms), 8);
  put(out, x.topic.size(), 4);
  out += x.topic;
  put(out, x.payload.size(), 4);
  out += x.payload;
  return out;
}

std::optional<command_status> decode_command_record(const std::string& in) {
  std::size_t pos = 0;
  std::uint64_t version = 0, state = 0, created = 0, expires = 0, updated = 0;
  command_status x;
  if (!get(in, pos, 1, version) || version != 1 || !get(in, pos, 8, x.id)
      || !get(in, pos, 1, state) || !get(in, pos, 8, created)
      || !get(in, pos, 8, expires) || !get(in, pos, 8, updated)
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
