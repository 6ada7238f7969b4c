#pragma once

// Byte-vector literals for codec tests, typed from specifications.

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace pando::test {

/// Returns the bytes of a dump of hex digit pairs such as "00 0c | 0004";
/// spaces and bars are ignored.
inline std::vector<std::uint8_t> hex_pairs(std::string_view str) {
  auto nibble = [](char c) {
    return static_cast<std::uint8_t>(c >= '0' && c <= '9' ? c - '0'
                                                          : c - 'a' + 10);
  };
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < str.size(); ++i) {
    if (str[i] == ' ' || str[i] == '|')
      continue;
    out.push_back(static_cast<std::uint8_t>(nibble(str[i]) << 4)
                  | nibble(str[i + 1]));
    ++i;
  }
  return out;
}

/// Returns the bytes of whitespace-separated hex tokens such as "10 2 a0";
/// `ok` is false if a token is not hex.
inline std::vector<std::uint8_t> hex_tokens(const std::string& text, bool& ok) {
  std::istringstream in{text};
  std::vector<std::uint8_t> out;
  unsigned value = 0;
  while (in >> std::hex >> value)
    out.push_back(static_cast<std::uint8_t>(value));
  ok = in.eof();
  return out;
}

} // namespace pando::test
