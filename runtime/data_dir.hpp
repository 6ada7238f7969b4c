#pragma once

#include <optional>
#include <string>

namespace pando::runtime {

/// Exclusive ownership of a node's data directory: an flock()ed `pando.lock`
/// holding the owner's pid. A second node on the same directory is refused.
class data_dir_lock {
 public:
  data_dir_lock() = default;
  data_dir_lock(data_dir_lock&& other) noexcept;
  data_dir_lock& operator=(data_dir_lock&& other) noexcept;
  ~data_dir_lock();

  /// Creates `dir` if its parent exists, checks that it is writable and
  /// locks it. Returns a message naming `node.data_dir` on failure.
  static std::optional<std::string> acquire(const std::string& dir,
                                            data_dir_lock& out);

 private:
  int fd_ = -1;
};

} // namespace pando::runtime
