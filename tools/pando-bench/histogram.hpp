#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace pando::bench {

/// A lock-free, log-linear histogram of durations in microseconds.
///
/// Values below 64 are exact; above, each power of two holds 32 buckets
/// (about 3% resolution). Percentiles report the upper edge of a bucket, so
/// they never understate a latency.
class histogram {
 public:
  /// Number of buckets (covers every `uint64_t`).
  static constexpr std::size_t bucket_count = 64 + 58 * 32;

  /// Adds one sample; safe from any thread.
  void record(std::uint64_t us) noexcept;

  /// Number of samples recorded.
  std::uint64_t count() const noexcept;

  /// The smallest value `v` with at least `p` (0..1) of the samples at or
  /// below `v`, at bucket resolution; 0 without samples.
  std::uint64_t percentile(double p) const noexcept;

  /// The largest sample (exact).
  std::uint64_t max() const noexcept;

  /// The mean of all samples (exact).
  double mean() const noexcept;

  /// Forgets every sample.
  void reset() noexcept;

  /// The non-empty buckets as (index, count), plus sum and max: enough to
  /// rebuild the histogram in another process.
  struct snapshot {
    std::vector<std::pair<std::size_t, std::uint64_t>> buckets;
    std::uint64_t sum = 0;
    std::uint64_t max = 0;
  };

  /// Returns the current contents.
  snapshot take() const;

  /// Adds the samples of `other` to this histogram.
  void merge(const snapshot& other) noexcept;

 private:
  std::array<std::atomic<std::uint64_t>, bucket_count> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_{0};
  std::atomic<std::uint64_t> max_{0};
};

} // namespace pando::bench
