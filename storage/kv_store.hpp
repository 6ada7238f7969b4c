#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/errc.hpp"

namespace pando::storage {

/// The column families of a node's store, one per kind of data.
enum class column : uint8_t {
  meta,        ///< node-local facts (boot counter, cluster identity)
  registry,    ///< vendors, products, applications
  devices,     ///< device twins
  history,     ///< status reports and events, time-ordered per device
  commands,    ///< command queues
  outbox,      ///< webhook deliveries waiting to go out
  rules,       ///< timer and ifttt rules
  replication, ///< replication and shard bookkeeping
};

/// The number of columns.
inline constexpr std::size_t column_count = 8;

/// Returns the column family name of `x` (RocksDB's "default" is `meta`).
const char* to_string(column x) noexcept;

/// Returns all columns in declaration order.
const std::vector<column>& all_columns();

/// A set of writes applied atomically, across columns.
class write_batch {
 public:
  enum class op_kind : uint8_t { put, erase, erase_range };

  struct op {
    op_kind kind;
    column col;
    std::string key;
    std::string value; ///< value for put, end key for erase_range
  };

  void put(column col, std::string_view key, std::string_view value);
  void erase(column col, std::string_view key);
  /// Erases every key in [begin, end).
  void erase_range(column col, std::string_view begin, std::string_view end);

  const std::vector<op>& ops() const noexcept { return ops_; }
  bool empty() const noexcept { return ops_.empty(); }
  std::size_t size() const noexcept { return ops_.size(); }
  void clear() { ops_.clear(); }

  /// Lets actors carry batches in messages (CAF's inspection protocol).
  template<class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, op& x) {
    return f(x.kind, x.col, x.key, x.value);
  }

  /// @copydoc inspect
  template<class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, write_batch& x) {
    return f(x.ops_);
  }

 private:
  std::vector<op> ops_;
};

/// Selects the keys of a scan: [begin, end) in byte order, at most `limit`
/// entries (0 = no limit), newest-first when `reverse` is set.
struct key_range {
  std::string begin; ///< inclusive; empty = from the first key
  std::string end;   ///< exclusive; empty = to the last key
  std::size_t limit = 0;
  bool reverse = false;

  /// Returns the range of all keys that start with `prefix`.
  static key_range prefix(std::string_view prefix);

  /// Lets actors carry ranges in messages (CAF's inspection protocol).
  template<class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, key_range& x) {
    return f(x.begin, x.end, x.limit, x.reverse);
  }
};

/// Receives scanned entries; returns false to stop the scan.
using scan_visitor
  = std::function<bool(std::string_view key, std::string_view value)>;

/// A consistent read-only view of a store at one point in time.
class snapshot {
 public:
  virtual ~snapshot();

  /// Returns the value of `key`, or nullopt when the key is absent.
  virtual result<std::optional<std::string>> get(column col,
                                                 std::string_view key)
    = 0;

  /// Visits the entries of `range` in order.
  virtual status scan(column col, const key_range& range, const scan_visitor& f)
    = 0;
};

/// Durability of one write.
struct write_options {
  /// Waits for the write-ahead log to reach the disk (fsync) when set.
  bool sync = false;
};

/// pando's narrow key-value store: the only way the rest of pando touches
/// disk. Implementations: RocksDB (`open_rocksdb`) and memory
/// (`make_memory_store`); both pass the same contract tests. Methods block on
/// I/O, so actors call them from the detached storage actor only.
class kv_store : public snapshot {
 public:
  ~kv_store() override;

  /// Applies `batch` atomically.
  virtual status write(const write_batch& batch, write_options opts = {}) = 0;

  /// Writes one key (a batch of one).
  status put(column col, std::string_view key, std::string_view value,
             write_options opts = {});

  /// Erases one key (a batch of one).
  status erase(column col, std::string_view key, write_options opts = {});

  /// Returns a snapshot of the current state.
  virtual std::unique_ptr<snapshot> make_snapshot() = 0;

  /// Flushes buffered writes to disk (a no-op for memory stores).
  virtual status flush() = 0;

  /// Returns the approximate bytes on disk (0 for memory stores).
  virtual std::uint64_t disk_usage() = 0;
};

/// Settings of the RocksDB backend.
struct rocksdb_settings {
  std::string path;
  bool create_if_missing = true;
  std::size_t block_cache_bytes = 32 * 1024 * 1024;
};

/// Opens (or creates) a RocksDB store at `settings.path` with every column.
result<std::unique_ptr<kv_store>>
open_rocksdb(const rocksdb_settings& settings);

/// Makes an empty in-memory store.
std::unique_ptr<kv_store> make_memory_store();

} // namespace pando::storage
