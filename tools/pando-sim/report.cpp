#include "tools/pando-sim/report.hpp"

#include <cmath>
#include <cstdio>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace pando::sim {

namespace {

using json = nlohmann::ordered_json;

/// Error lines printed; later ones are only counted.
constexpr std::size_t max_printed_errors = 20;

/// Progress period when stderr is not a terminal.
constexpr auto log_period = std::chrono::seconds(5);

/// Progress period on a terminal.
constexpr auto tty_period = std::chrono::milliseconds(250);

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string progress_line(const sim_settings& cfg, const sim_stats& st,
                          std::chrono::steady_clock::duration up) {
  char buf[512];
  std::snprintf(
    buf, sizeof(buf),
    "%6.1fs registered %llu/%zu connected %llu status %llu/%llu events "
    "%llu/%llu commands %llu errors %llu reconnects %llu",
    seconds(up), static_cast<unsigned long long>(st.registered), cfg.devices,
    static_cast<unsigned long long>(st.online),
    static_cast<unsigned long long>(st.status_acked),
    static_cast<unsigned long long>(st.status_sent),
    static_cast<unsigned long long>(st.events_acked),
    static_cast<unsigned long long>(st.events_sent),
    static_cast<unsigned long long>(st.commands + st.status_queries),
    static_cast<unsigned long long>(st.errors()),
    static_cast<unsigned long long>(st.reconnects));
  return buf;
}

json summary_json(const sim_settings& cfg, const sim_stats& st,
                  std::chrono::steady_clock::duration up,
                  const std::vector<std::string>& first_errors) {
  return {
    {"devices", cfg.devices},
    {"protocol", cfg.proto == protocol::json ? "json" : "binary"},
    {"elapsed_s", std::round(seconds(up) * 1000) / 1000},
    {"registered", st.registered},
    {"connected", st.ever_connected},
    {"never_connected", cfg.devices - st.ever_connected},
    {"online_at_stop", st.online_at_stop},
    {"gave_up", st.gave_up},
    {"status_sent", st.status_sent},
    {"status_acked", st.status_acked},
    {"events_sent", st.events_sent},
    {"events_acked", st.events_acked},
    {"replies_sent", st.replies_sent},
    {"replies_acked", st.replies_acked},
    {"commands_received", st.commands},
    {"status_queries", st.status_queries},
    {"set_status_received", st.set_status},
    {"unsupported_received", st.unsupported},
    {"errors", st.errors()},
    {"publish_failures", st.publish_failures},
    {"connect_failures", st.connect_failures},
    {"enroll_failures", st.enroll_failures},
    {"protocol_errors", st.protocol_errors},
    {"connections_lost", st.connections_lost},
    {"reconnects", st.reconnects},
    {"first_errors", first_errors},
  };
}

} // namespace

console::console(const sim_settings& cfg)
    : cfg_(cfg), tty_(isatty(STDERR_FILENO) == 1),
      last_progress_(std::chrono::steady_clock::now()) {
  // nop
}

void console::clear_progress() {
  if (progress_shown_ && tty_) {
    std::fputs("\r\033[K", stderr);
    progress_shown_ = false;
  }
}

void console::message(const std::string& who, const std::string& text) {
  if (cfg_.quiet)
    return;
  clear_progress();
  auto* out = cfg_.json_summary ? stderr : stdout;
  std::fprintf(out, "%s: %s\n", who.c_str(), text.c_str());
  std::fflush(out);
}

void console::error(const std::string& who, const std::string& text) {
  ++errors_seen_;
  if (first_errors_.size() >= max_printed_errors)
    return;
  first_errors_.push_back(who + ": " + text);
  clear_progress();
  std::fprintf(stderr, "pando-sim: error: %s: %s\n", who.c_str(), text.c_str());
  if (first_errors_.size() == max_printed_errors)
    std::fprintf(stderr, "pando-sim: further errors are only counted\n");
}

void console::progress(const sim_stats& st,
                       std::chrono::steady_clock::duration up) {
  if (cfg_.quiet)
    return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_progress_ < (tty_ ? tty_period : log_period))
    return;
  last_progress_ = now;
  auto line = progress_line(cfg_, st, up);
  if (tty_) {
    std::fprintf(stderr, "\r%s\033[K", line.c_str());
    progress_shown_ = true;
  } else {
    std::fprintf(stderr, "pando-sim: %s\n", line.c_str());
  }
}

void console::summary(const sim_stats& st,
                      std::chrono::steady_clock::duration up) {
  if (progress_shown_ && tty_) {
    std::fputc('\n', stderr);
    progress_shown_ = false;
  }
  if (cfg_.json_summary) {
    std::printf("%s\n",
                summary_json(cfg_, st, up, first_errors_).dump().c_str());
    return;
  }
  auto j = summary_json(cfg_, st, up, first_errors_);
  std::printf("pando-sim summary\n");
  for (auto& [key, val] : j.items())
    if (key != "first_errors")
      std::printf("  %-22s %s\n", key.c_str(), val.dump().c_str());
  for (const auto& e : first_errors_)
    std::printf("  error: %s\n", e.c_str());
}

} // namespace pando::sim
