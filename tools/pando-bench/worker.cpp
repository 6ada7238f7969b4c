#include "tools/pando-bench/worker.hpp"

#include "tools/pando-bench/proc.hpp"
#include "tools/pando-bench/status_payload.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace pando::bench {

namespace {

using json = nlohmann::json;

void sleep_until_ns(std::int64_t t) {
  std::this_thread::sleep_until(std::chrono::steady_clock::time_point{
    std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::nanoseconds{t})});
}

/// Writes all of `text` to `fd`.
void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      throw std::runtime_error(std::string{"pipe write: "}
                               + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

void send(int fd, const json& msg) { write_all(fd, msg.dump() + "\n"); }

json stats_json(const pool_stats& s) {
  return {{"connected", s.connected},   {"sent", s.sent},
          {"acked", s.acked},           {"publish_errors", s.publish_errors},
          {"lost", s.connections_lost}, {"in_flight", s.in_flight}};
}

/// `connect T CONCURRENCY TIMEOUT_S`
void do_connect(client_pool& pool, std::istream& args, int out) {
  std::int64_t at = 0;
  std::size_t concurrency = 0;
  double timeout_s = 60;
  args >> at >> concurrency >> timeout_s;
  sleep_until_ns(at);
  histogram latency;
  auto r = pool.connect_all(concurrency, timeout_s, &latency);
  send(out, {{"type", "connected"},
             {"connected", r.connected},
             {"failed", r.failed},
             {"started_ns", r.started_ns},
             {"finished_ns", r.finished_ns},
             {"latency", to_json(latency.take())},
             {"errors", r.errors}});
}

/// `publish START WARM END WINDOW TARGET_PID`
void do_publish(client_pool& pool, std::istream& args, int out) {
  std::int64_t start = 0;
  std::int64_t warm = 0;
  std::int64_t end = 0;
  std::size_t window = 1;
  int target_pid = 0;
  args >> start >> warm >> end >> window >> target_pid;
  auto target_cpu = [target_pid] {
    return target_pid == 0 ? 0.0 : process_cpu_s(target_pid).value_or(0.0);
  };
  double own_cpu0 = 0;
  double target_cpu0 = 0;
  double own_cpu = 0;
  double target_cpu_used = 0;
  machine_cpu machine0;
  double machine_busy = 0;
  double machine_total = 0;
  auto payload = status_report();
  sleep_until_ns(start);
  pool.start_publishing("s", std::move(payload), window);
  constexpr std::int64_t tick = 1'000'000'000;
  auto next_tick = start + tick;
  bool warmed = false;
  pool_stats s0;
  pool_stats s1;
  std::int64_t warm_at = 0;
  std::int64_t end_at = 0;
  for (;;) {
    sleep_until_ns(std::min(next_tick, warmed ? end : warm));
    auto now = mono_ns();
    if (!warmed && now >= warm) {
      s0 = pool.stats();
      own_cpu0 = self_cpu_s();
      target_cpu0 = target_cpu();
      machine0 = read_machine_cpu();
      warm_at = now;
      pool.set_recording(true);
      warmed = true;
    } else if (warmed && now >= end) {
      s1 = pool.stats();
      own_cpu = self_cpu_s() - own_cpu0;
      target_cpu_used = target_cpu() - target_cpu0;
      auto machine1 = read_machine_cpu();
      machine_busy = machine1.busy_s - machine0.busy_s;
      machine_total = machine1.total_s - machine0.total_s;
      end_at = now;
      pool.set_recording(false);
      break;
    }
    if (now >= next_tick) {
      auto msg = stats_json(pool.stats());
      msg["type"] = "progress";
      send(out, msg);
      next_tick += tick;
    }
  }
  pool.stop_publishing(10);
  auto drained = pool.stats();
  send(out, {{"type", "published"},
             {"acked", s1.acked - s0.acked},
             {"measured_s", static_cast<double>(end_at - warm_at) / 1e9},
             {"latency", to_json(pool.publish_latency().take())},
             {"publish_errors", s1.publish_errors},
             {"lost", s1.connections_lost},
             {"unacked", std::max<std::int64_t>(drained.in_flight, 0)},
             {"cpu_s", own_cpu},
             {"target_cpu_s", target_cpu_used},
             {"machine_busy_s", machine_busy},
             {"machine_total_s", machine_total},
             {"errors", pool.errors()}});
}

/// The body of a worker process; never returns.
[[noreturn]] void worker_main(std::vector<endpoint> endpoints, int keepalive_s,
                              int in, int out) {
  int rc = 0;
  try {
    client_pool pool{std::move(endpoints), keepalive_s};
    FILE* input = ::fdopen(in, "r");
    if (input == nullptr)
      throw std::runtime_error(std::string{"fdopen: "} + std::strerror(errno));
    char* line = nullptr;
    std::size_t cap = 0;
    while (::getline(&line, &cap, input) > 0) {
      std::istringstream args{line};
      std::string verb;
      args >> verb;
      if (verb == "connect") {
        do_connect(pool, args, out);
      } else if (verb == "publish") {
        do_publish(pool, args, out);
      } else if (verb == "stats") {
        auto msg = stats_json(pool.stats());
        msg["type"] = "stats";
        send(out, msg);
      } else if (verb == "disconnect") {
        auto lost = pool.stats().connections_lost;
        pool.disconnect_all(30);
        send(out, {{"type", "disconnected"}, {"lost", lost}});
        break;
      }
    }
    std::free(line);
  } catch (const std::exception& e) {
    try {
      send(out, {{"type", "error"}, {"message", e.what()}});
    } catch (...) {
      // The parent is gone; nothing left to tell.
    }
    rc = 1;
  }
  ::_exit(rc);
}

} // namespace

json to_json(const histogram::snapshot& x) {
  return {{"buckets", x.buckets}, {"sum", x.sum}, {"max", x.max}};
}

void merge_json(histogram& h, const json& j) {
  histogram::snapshot x;
  x.buckets
    = j.at("buckets").get<std::vector<std::pair<std::size_t, std::uint64_t>>>();
  x.sum = j.at("sum").get<std::uint64_t>();
  x.max = j.at("max").get<std::uint64_t>();
  h.merge(x);
}

worker_set::worker_set(std::vector<endpoint> endpoints, std::size_t processes,
                       int keepalive_s) {
  processes = std::clamp<std::size_t>(processes, 1, endpoints.size());
  std::vector<std::vector<endpoint>> slices(processes);
  for (std::size_t i = 0; i < endpoints.size(); ++i)
    slices[i % processes].push_back(std::move(endpoints[i]));
  std::fflush(nullptr);
  for (auto& slice : slices) {
    int down[2];
    int up[2];
    if (::pipe(down) != 0 || ::pipe(up) != 0)
      throw std::runtime_error(std::string{"pipe: "} + std::strerror(errno));
    auto pid = ::fork();
    if (pid < 0)
      throw std::runtime_error(std::string{"fork: "} + std::strerror(errno));
    if (pid == 0) {
      ::close(down[1]);
      ::close(up[0]);
      for (auto& w : workers_) {
        ::close(w.to_child);
        ::close(w.from_child);
      }
      worker_main(std::move(slice), keepalive_s, down[0], up[1]);
    }
    ::close(down[0]);
    ::close(up[1]);
    workers_.push_back({pid, down[1], up[0], {}});
  }
}

worker_set::~worker_set() {
  for (auto& w : workers_) {
    ::close(w.to_child);
    ::close(w.from_child);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (auto& w : workers_) {
    int status = 0;
    while (::waitpid(w.pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(w.pid, SIGKILL);
        ::waitpid(w.pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

void worker_set::broadcast(const std::string& command) {
  for (auto& w : workers_)
    write_all(w.to_child, command + "\n");
}

std::vector<json> worker_set::gather(
  const std::string& type, double timeout_s,
  const std::function<void(const std::vector<json>&)>& on_progress) {
  std::vector<json> answers(workers_.size());
  std::vector<json> progress(workers_.size(), json::object());
  std::vector<bool> done(workers_.size(), false);
  std::size_t remaining = workers_.size();
  auto last_report = std::chrono::steady_clock::now();
  auto deadline = std::chrono::steady_clock::now()
                  + std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::duration<double>(timeout_s));
  while (remaining > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::steady_clock::now())
                  .count();
    if (left <= 0)
      throw std::runtime_error("generator workers did not answer '" + type
                               + "' in time");
    std::vector<pollfd> fds;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < workers_.size(); ++i)
      if (!done[i]) {
        fds.push_back({workers_[i].from_child, POLLIN, 0});
        index.push_back(i);
      }
    auto n = ::poll(fds.data(), fds.size(), static_cast<int>(left));
    if (n < 0 && errno != EINTR)
      throw std::runtime_error(std::string{"poll: "} + std::strerror(errno));
    bool progressed = false;
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0)
        continue;
      auto& w = workers_[index[k]];
      char buf[65536];
      auto got = ::read(w.from_child, buf, sizeof(buf));
      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        throw std::runtime_error("a generator worker exited unexpectedly");
      w.buffer.append(buf, static_cast<std::size_t>(got));
      std::size_t eol;
      while ((eol = w.buffer.find('\n')) != std::string::npos) {
        auto msg = json::parse(w.buffer.substr(0, eol));
        w.buffer.erase(0, eol + 1);
        auto t = msg.value("type", "");
        if (t == "error")
          throw std::runtime_error("generator worker: "
                                   + msg.value("message", "?"));
        if (t == "progress") {
          progress[index[k]] = std::move(msg);
          progressed = true;
        } else if (t == type && !done[index[k]]) {
          answers[index[k]] = std::move(msg);
          done[index[k]] = true;
          --remaining;
        }
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (progressed && on_progress
        && now - last_report >= std::chrono::milliseconds(900)) {
      last_report = now;
      on_progress(progress);
    }
  }
  return answers;
}

} // namespace pando::bench
