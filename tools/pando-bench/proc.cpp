#include "tools/pando-bench/proc.hpp"

#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace pando::bench {

std::optional<double> read_rss(int pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/statm"};
  long size = 0;
  long resident = 0;
  if (!(in >> size >> resident))
    return std::nullopt;
  return static_cast<double>(resident)
         * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

std::optional<double> process_cpu_s(int pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string text;
  if (!std::getline(in, text))
    return std::nullopt;
  // The command name (field 2) may hold spaces; fields resume after ')'.
  auto close = text.rfind(')');
  if (close == std::string::npos)
    return std::nullopt;
  std::istringstream rest{text.substr(close + 2)};
  std::string field;
  double utime = 0;
  double stime = 0;
  // Fields 3..13 precede utime (14) and stime (15).
  for (int i = 3; i <= 13 && rest >> field; ++i)
    ; // skip
  if (!(rest >> utime >> stime))
    return std::nullopt;
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double self_cpu_s() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec)
           + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

machine_cpu read_machine_cpu() {
  std::ifstream in{"/proc/stat"};
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0,
         softirq = 0, steal = 0;
  machine_cpu out;
  if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq
        >> steal)
      || cpu != "cpu")
    return out;
  auto tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  out.busy_s = (user + nice + system + irq + softirq + steal) / tick;
  out.total_s = out.busy_s + (idle + iowait) / tick;
  return out;
}

} // namespace pando::bench
