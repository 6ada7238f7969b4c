#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace pando::metrics {

/// Label pairs of one time series, e.g. {{"route", "/healthz"}, {"code",
/// "200"}}.
using labels = std::vector<std::pair<std::string, std::string>>;

/// A monotonically increasing count, safe to bump from any thread.
class counter {
 public:
  void inc(std::uint64_t n = 1) noexcept {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  std::uint64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down, safe to change from any thread.
class gauge {
 public:
  void set(std::int64_t x) noexcept {
    value_.store(x, std::memory_order_relaxed);
  }
  void add(std::int64_t n) noexcept {
    value_.fetch_add(n, std::memory_order_relaxed);
  }
  std::int64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::int64_t> value_{0};
};

/// All metrics of one node, rendered in the Prometheus text format (0.0.4).
/// Components look up their counters once and keep the reference; lookups
/// lock, increments do not. Components own a `*_probe` struct of such
/// references; the registry outlives every component.
class registry {
 public:
  /// Returns the counter `name{labels}`, creating it on first use.
  counter& get_counter(const std::string& name, const std::string& help,
                       const labels& ls = {});

  /// Returns the gauge `name{labels}`, creating it on first use.
  gauge& get_gauge(const std::string& name, const std::string& help,
                   const labels& ls = {});

  /// Registers a gauge whose value `fn` computes at scrape time.
  void add_callback(const std::string& name, const std::string& help,
                    std::function<double()> fn);

  /// Returns every metric in the Prometheus text exposition format.
  std::string render() const;

 private:
  struct family {
    std::string help;
    std::string type;
    std::map<std::string, std::unique_ptr<counter>> counters;
    std::map<std::string, std::unique_ptr<gauge>> gauges;
    std::function<double()> callback;
  };

  family& get_family(const std::string& name, const std::string& help,
                     const char* type);

  mutable std::mutex mtx_;
  std::map<std::string, family> families_;
};

/// Returns `ls` as Prometheus label text, e.g. `{route="/x",code="200"}`.
std::string render_labels(const labels& ls);

} // namespace pando::metrics
