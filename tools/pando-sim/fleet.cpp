#include "tools/pando-sim/fleet.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <unistd.h>

namespace pando::sim {

namespace {

using namespace std::chrono_literals;

/// Devices' timers are checked this often.
constexpr auto tick_period = 10ms;

/// Time for in-flight publishes to be acknowledged, then for disconnects.
constexpr auto drain_timeout = 5s;

/// HTTP worker threads at most.
constexpr std::size_t max_http_workers = 8;

/// SIGINT and SIGTERM received so far.
std::atomic<int> signals_received{0};

extern "C" void on_signal(int) {
  if (signals_received.fetch_add(1) >= 1)
    _exit(exit_failed); // the second one: do not wait for the shutdown
}

void install_signal_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

} // namespace

fleet::fleet(const sim_settings& cfg)
    : cfg_(cfg), out_(cfg), rng_(std::random_device{}()),
      scheme_(make_payload_scheme(cfg)) {
  http_ = std::make_unique<enroller>(
    cfg_, events_, std::clamp<std::size_t>(cfg_.devices, 1, max_http_workers));
  env_ = std::make_unique<device_env>(
    device_env{cfg_, *scheme_, stats_, out_, events_, *http_, rng_});
  devices_.reserve(cfg_.devices);
  for (std::size_t i = 0; i < cfg_.devices; ++i) {
    auto code
      = cfg_.code.empty() ? cfg_.code_prefix + std::to_string(i) : cfg_.code;
    devices_.push_back(std::make_unique<device>(*env_, i, std::move(code)));
  }
}

fleet::~fleet() {
  // Workers first: they push events for devices.
  http_->stop();
}

int fleet::run() {
  install_signal_handlers();
  t0_ = clock_type::now();
  auto end = cfg_.duration > 0
               ? t0_
                   + std::chrono::duration_cast<clock_type::duration>(
                     std::chrono::duration<double>(cfg_.duration))
               : clock_type::time_point::max();
  for (auto now = t0_;
       now < end && signals_received == 0 && stats_.gave_up < cfg_.devices;
       now = clock_type::now()) {
    start_due(now);
    pump(std::min(now + 50ms, end));
  }
  stats_.online_at_stop = stats_.online;
  shut_down();
  auto up = clock_type::now() - t0_;
  devices_.clear(); // destroys the Paho clients
  out_.summary(stats_, up);
  bool ok
    = stats_.ever_connected == cfg_.devices && stats_.publish_failures == 0;
  return ok ? exit_ok : exit_failed;
}

void fleet::start_due(clock_type::time_point now) {
  auto elapsed = std::chrono::duration<double>(now - t0_).count();
  auto due = std::min<std::size_t>(
    cfg_.devices, static_cast<std::size_t>(elapsed * cfg_.connect_rate) + 1);
  for (; started_ < due; ++started_)
    devices_[started_]->start();
}

void fleet::pump(clock_type::time_point deadline) {
  batch_.clear();
  events_.take_all(std::min(deadline, clock_type::now() + tick_period), batch_);
  auto now = clock_type::now();
  for (auto& ev : batch_)
    if (auto i = device_of(ev); i < devices_.size())
      devices_[i]->handle(ev, now);
  if (now - last_tick_ >= tick_period) {
    last_tick_ = now;
    for (auto& d : devices_)
      d->tick(now);
  }
  out_.progress(stats_, now - t0_);
}

void fleet::shut_down() {
  for (auto& d : devices_)
    d->quiesce();
  auto deadline = clock_type::now() + drain_timeout;
  while (in_flight() > 0 && clock_type::now() < deadline)
    pump(deadline);
  http_->stop();
  for (auto& d : devices_)
    d->stop();
  deadline = clock_type::now() + drain_timeout;
  while (!all_finished() && clock_type::now() < deadline)
    pump(deadline);
}

std::size_t fleet::in_flight() const {
  std::size_t n = 0;
  for (const auto& d : devices_)
    n += d->in_flight();
  return n;
}

bool fleet::all_finished() const {
  return std::all_of(devices_.begin(), devices_.end(),
                     [](const auto& d) { return d->finished(); });
}

} // namespace pando::sim
