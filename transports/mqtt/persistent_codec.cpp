#include "transports/mqtt/persistent_codec.hpp"

namespace pando::mqtt {

namespace {

constexpr std::uint8_t layout_version = 1;

struct writer {
  std::string out;
  void u8(std::uint8_t x) { out += static_cast<char>(x); }
  void u16(std::uint16_t x) {
    u8(static_cast<std::uint8_t>(x >> 8));
    u8(static_cast<std::uint8_t>(x));
  }
  void u32(std::uint32_t x) {
    u16(static_cast<std::uint16_t>(x >> 16));
    u16(static_cast<std::uint16_t>(x));
  }
  void u64(std::uint64_t x) {
    u32(static_cast<std::uint32_t>(x >> 32));
    u32(static_cast<std::uint32_t>(x));
  }
  template<class Bytes>
  void blob(const Bytes& x) {
    u32(static_cast<std::uint32_t>(x.size()));
    out.append(x.begin(), x.end());
  }
  void message(const outbound_message& m) {
    blob(m.topic);
    blob(m.payload);
    u8(static_cast<std::uint8_t>(m.qos));
    u64(m.delivery_tag);
  }
};

struct reader {
  const std::string& in;
  std::size_t pos = 0;
  bool ok = true;
  std::uint64_t uint(int n) {
    if (in.size() - pos < static_cast<std::size_t>(n)) {
      ok = false;
      return 0;
    }
    std::uint64_t x = 0;
    for (int i = 0; i < n; ++i)
      x = (x << 8) | static_cast<unsigned char>(in[pos++]);
    return x;
  }
  std::string text() {
    auto n = uint(4);
    if (!ok || in.size() - pos < n) {
      ok = false;
      return {};
    }
    auto s = in.substr(pos, n);
    pos += n;
    return s;
  }
  std::size_t count() {
    auto n = uint(4);
    // Every entry takes at least 4 bytes: bounds the allocation.
    if (n > (in.size() - pos) / 4 + 1)
      ok = false;
    return ok ? n : 0;
  }
  outbound_message message() {
    outbound_message m;
    m.topic = text();
    auto p = text();
    m.payload.assign(p.begin(), p.end());
    m.qos = static_cast<qos>(uint(1));
    m.delivery_tag = uint(8);
    return m;
  }
};

} // namespace

std::string encode_persistent(const persistent_state& x) {
  writer w;
  w.u8(layout_version);
  w.u16(x.next_packet_id);
  w.u32(static_cast<std::uint32_t>(x.inflight.size()));
  for (const auto& m : x.inflight) {
    w.u16(m.packet_id);
    w.message(m.message);
  }
  w.u32(static_cast<std::uint32_t>(x.queued.size()));
  for (const auto& m : x.queued)
    w.message(m);
  w.u32(static_cast<std::uint32_t>(x.inbound_qos2_ids.size()));
  for (auto id : x.inbound_qos2_ids)
    w.u16(id);
  w.u32(static_cast<std::uint32_t>(x.subscriptions.size()));
  for (const auto& s : x.subscriptions) {
    w.blob(s.filter);
    w.u8(static_cast<std::uint8_t>(s.max_qos));
  }
  return std::move(w.out);
}

std::optional<persistent_state> decode_persistent(const std::string& bytes) {
  reader r{bytes};
  if (r.uint(1) != layout_version)
    return std::nullopt;
  persistent_state x;
  x.next_packet_id = static_cast<std::uint16_t>(r.uint(2));
  for (auto n = r.count(); r.ok && n > 0; --n) {
    inflight_message m;
    m.packet_id = static_cast<std::uint16_t>(r.uint(2));
    m.message = r.message();
    x.inflight.push_back(std::move(m));
  }
  for (auto n = r.count(); r.ok && n > 0; --n)
    x.queued.push_back(r.message());
  for (auto n = r.count(); r.ok && n > 0; --n)
    x.inbound_qos2_ids.push_back(static_cast<std::uint16_t>(r.uint(2)));
  for (auto n = r.count(); r.ok && n > 0; --n) {
    subscription s;
    s.filter = r.text();
    s.max_qos = static_cast<qos>(r.uint(1));
    x.subscriptions.push_back(std::move(s));
  }
  if (!r.ok || r.pos != bytes.size())
    return std::nullopt;
  return x;
}

} // namespace pando::mqtt
