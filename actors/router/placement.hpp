#pragma once

// Where the followers of each shard are, as the router last saw the view:
// device actors read it on every write to copy the write to the followers'
// replica actors. Include only in .cpp files (CAF).

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor.hpp>

namespace pando {

/// One view's follower replica actors, by shard.
struct placement {
  std::uint64_t epoch = 0;
  std::string self; ///< this node's name (the owner of its device actors)
  /// By shard; a null handle is a follower this node does not reach yet
  /// (writes to that shard fail meanwhile).
  std::vector<std::vector<caf::actor>> followers;
  /// Whether this node owns each shard.
  std::vector<bool> owned;
};

/// The current placement, swapped by the router, read by device actors.
class placement_box {
 public:
  std::shared_ptr<const placement> get() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return current_;
  }

  void set(std::shared_ptr<const placement> x) {
    std::lock_guard<std::mutex> guard{mtx_};
    current_ = std::move(x);
  }

 private:
  mutable std::mutex mtx_;
  std::shared_ptr<const placement> current_;
};

} // namespace pando
