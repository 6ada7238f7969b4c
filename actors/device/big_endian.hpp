#pragma once

// Big-endian integers in stored records (device, command and history
// layouts). Header-only: three small functions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pando {

/// Appends the `bytes` low bytes of `x`, most significant first.
inline void put_be(std::string& out, std::uint64_t x, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out += static_cast<char>((x >> (8 * i)) & 0xff);
}

/// Reads `bytes` bytes at `pos` into `x` and advances `pos`; false (and
/// nothing read) when `in` is too short.
inline bool get_be(std::string_view in, std::size_t& pos, int bytes,
                   std::uint64_t& x) {
  if (in.size() - pos < static_cast<std::size_t>(bytes))
    return false;
  x = 0;
  for (int i = 0; i < bytes; ++i)
    x = (x << 8) | static_cast<unsigned char>(in[pos++]);
  return true;
}

} // namespace pando
