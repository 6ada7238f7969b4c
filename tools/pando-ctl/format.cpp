#include "tools/pando-ctl/format.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace pando::ctl {

std::string printable(std::string_view x) {
  std::string out{x};
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = ' ';
  return out;
}

std::string cell(const nlohmann::json& x) {
  if (x.is_null())
    return "-";
  if (x.is_string())
    return x.get_ref<const std::string&>().empty()
             ? "-"
             : printable(x.get_ref<const std::string&>());
  return printable(x.dump());
}

std::string cell(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object())
    return "-";
  auto i = obj.find(key);
  return i == obj.end() ? "-" : cell(*i);
}

std::string format_time_ms(std::int64_t ms) {
  if (ms <= 0)
    return "-";
  auto secs = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[80];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string format_duration(double seconds) {
  auto total = static_cast<long long>(seconds < 0 ? 0 : seconds);
  long long parts[]
    = {total / 86400, total / 3600 % 24, total / 60 % 60, total % 60};
  const char* units[] = {"d", "h", "m", "s"};
  std::string out;
  for (int i = 0; i < 4; ++i) {
    if (out.empty() && parts[i] == 0 && i < 3)
      continue;
    char buf[32];
    std::snprintf(buf, sizeof(buf), out.empty() ? "%lld%s" : " %02lld%s",
                  parts[i], units[i]);
    out += buf;
  }
  return out;
}

std::string format_seconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%gs", seconds);
  return buf;
}

std::string format_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (bytes >= 1024 && i < 4) {
    bytes /= 1024;
    ++i;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), i == 0 ? "%.0f %s" : "%.1f %s", bytes,
                units[i]);
  return buf;
}

std::string format_number(double x) {
  char buf[40];
  if (std::trunc(x) == x && std::fabs(x) < 1e15)
    std::snprintf(buf, sizeof(buf), "%.0f", x);
  else
    std::snprintf(buf, sizeof(buf), "%g", x);
  return buf;
}

std::string count_of(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::size_t display_width(std::string_view x) {
  std::size_t n = 0;
  for (auto c : x)
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80)
      ++n;
  return n;
}

} // namespace pando::ctl
