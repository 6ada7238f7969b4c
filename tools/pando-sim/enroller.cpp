#include "tools/pando-sim/enroller.hpp"

namespace pando::sim {

enroller::enroller(const sim_settings& cfg, event_queue& events,
                   std::size_t workers)
    : cfg_(cfg), events_(events) {
  for (std::size_t i = 0; i < workers; ++i)
    workers_.emplace_back([this] { work(); });
}

enroller::~enroller() { stop(); }

void enroller::submit(enroll_job job) {
  {
    std::lock_guard guard{mtx_};
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void enroller::stop() {
  {
    std::lock_guard guard{mtx_};
    stop_ = true;
    jobs_.clear();
  }
  cv_.notify_all();
  for (auto& t : workers_)
    if (t.joinable())
      t.join();
}

void enroller::work() {
  http_api api{cfg_, stop_};
  for (;;) {
    enroll_job job;
    {
      std::unique_lock guard{mtx_};
      if (jobs_.empty()) {
        // Idle: hang up rather than hold a connection open on the node for
        // the whole run (an idle keep-alive connection also delays a node's
        // shutdown).
        guard.unlock();
        api.close();
        guard.lock();
      }
      cv_.wait(guard, [this] { return stop_ || !jobs_.empty(); });
      if (stop_)
        return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    auto done = run(api, std::move(job));
    if (!stop_)
      events_.push(std::move(done));
  }
}

enroll_done enroller::run(http_api& api, enroll_job job) {
  enroll_done out;
  out.dev = job.dev;
  auto enrol = [&]() -> bool {
    auto reg = api.register_device(job.code);
    if (reg.outcome != api_outcome::ok) {
      out.outcome = reg.outcome;
      out.message = "registration: " + reg.message;
      return false;
    }
    out.creds = std::move(reg.value);
    out.registered = true;
    return true;
  };
  if (job.creds)
    out.creds = *job.creds;
  else if (!enrol())
    return out;
  auto grant = api.login(out.creds);
  bool stale = grant.outcome == api_outcome::unknown_device
               || grant.outcome == api_outcome::wrong_secret;
  if (stale && !out.registered) {
    if (!enrol())
      return out;
    grant = api.login(out.creds);
  }
  out.outcome = grant.outcome;
  if (grant.outcome == api_outcome::ok)
    out.grant = std::move(grant.value);
  else
    out.message = "login: " + grant.message;
  return out;
}

} // namespace pando::sim
