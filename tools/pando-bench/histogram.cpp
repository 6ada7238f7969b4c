#include "tools/pando-bench/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace pando::bench {

namespace {

/// Bucket of `v`: exact below 64, then 32 buckets per power of two.
std::size_t index_of(std::uint64_t v) noexcept {
  if (v < 64)
    return static_cast<std::size_t>(v);
  auto msb = 63 - std::countl_zero(v); // >= 6
  auto shift = msb - 5;                // keeps the top 6 bits: 32..63
  return 64 + static_cast<std::size_t>(msb - 6) * 32
         + static_cast<std::size_t>((v >> shift) - 32);
}

/// Largest value that falls into bucket `i`.
std::uint64_t upper_edge(std::size_t i) noexcept {
  if (i < 64)
    return i;
  auto msb = static_cast<int>((i - 64) / 32) + 6;
  auto shift = msb - 5;
  auto top = static_cast<std::uint64_t>((i - 64) % 32 + 32);
  return ((top + 1) << shift) - 1;
}

} // namespace

void histogram::record(std::uint64_t us) noexcept {
  buckets_[index_of(us)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(us, std::memory_order_relaxed);
  auto prev = max_.load(std::memory_order_relaxed);
  while (us > prev
         && !max_.compare_exchange_weak(prev, us, std::memory_order_relaxed))
    ; // retry with the updated `prev`
}

std::uint64_t histogram::count() const noexcept {
  return count_.load(std::memory_order_relaxed);
}

std::uint64_t histogram::percentile(double p) const noexcept {
  auto n = count();
  if (n == 0)
    return 0;
  auto rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(n)));
  if (rank == 0)
    rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += buckets_[i].load(std::memory_order_relaxed);
    if (seen >= rank)
      return std::min(upper_edge(i), max());
  }
  return max();
}

std::uint64_t histogram::max() const noexcept {
  return max_.load(std::memory_order_relaxed);
}

double histogram::mean() const noexcept {
  auto n = count();
  return n == 0 ? 0.0
                : static_cast<double>(sum_.load(std::memory_order_relaxed))
                    / static_cast<double>(n);
}

void histogram::reset() noexcept {
  for (auto& b : buckets_)
    b.store(0, std::memory_order_relaxed);
  count_.store(0, std::memory_order_relaxed);
  sum_.store(0, std::memory_order_relaxed);
  max_.store(0, std::memory_order_relaxed);
}

histogram::snapshot histogram::take() const {
  snapshot out;
  for (std::size_t i = 0; i < bucket_count; ++i)
    if (auto n = buckets_[i].load(std::memory_order_relaxed); n > 0)
      out.buckets.emplace_back(i, n);
  out.sum = sum_.load(std::memory_order_relaxed);
  out.max = max();
  return out;
}

void histogram::merge(const snapshot& other) noexcept {
  for (auto [i, n] : other.buckets) {
    if (i >= bucket_count)
      continue;
    buckets_[i].fetch_add(n, std::memory_order_relaxed);
    count_.fetch_add(n, std::memory_order_relaxed);
  }
  sum_.fetch_add(other.sum, std::memory_order_relaxed);
  auto prev = max_.load(std::memory_order_relaxed);
  while (
    other.max > prev
    && !max_.compare_exchange_weak(prev, other.max, std::memory_order_relaxed))
    ; // retry with the updated `prev`
}

} // namespace pando::bench
