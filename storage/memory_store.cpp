// The in-memory store: one std::map per column behind a mutex. Snapshots copy
// the maps; it exists for unit tests and must behave exactly like RocksDB
// (the contract tests in tests/unit/storage run against both).

#include <array>
#include <map>
#include <mutex>

#include "storage/kv_store.hpp"

namespace pando::storage {

namespace {

using table = std::map<std::string, std::string, std::less<>>;
using tables = std::array<table, column_count>;

status scan_table(const table& t, const key_range& range,
                  const scan_visitor& f) {
  if (!range.end.empty() && range.end <= range.begin)
    return {};
  auto first = t.lower_bound(range.begin);
  auto last = range.end.empty() ? t.end() : t.lower_bound(range.end);
  std::size_t n = 0;
  auto visit = [&](const auto& kv) {
    ++n;
    return f(kv.first, kv.second) && (range.limit == 0 || n < range.limit);
  };
  if (range.reverse) {
    for (auto i = std::make_reverse_iterator(last);
         i != std::make_reverse_iterator(first); ++i)
      if (!visit(*i))
        break;
  } else {
    for (auto i = first; i != last; ++i)
      if (!visit(*i))
        break;
  }
  return {};
}

result<std::optional<std::string>> get_from(const table& t,
                                            std::string_view key) {
  if (auto i = t.find(key); i != t.end())
    return std::optional<std::string>{i->second};
  return std::optional<std::string>{};
}

class memory_snapshot : public snapshot {
 public:
  explicit memory_snapshot(tables data) : data_(std::move(data)) {}

  result<std::optional<std::string>> get(column col,
                                         std::string_view key) override {
    return get_from(data_[static_cast<size_t>(col)], key);
  }

  status scan(column col, const key_range& range,
              const scan_visitor& f) override {
    return scan_table(data_[static_cast<size_t>(col)], range, f);
  }

 private:
  tables data_;
};

class memory_store : public kv_store {
 public:
  result<std::optional<std::string>> get(column col,
                                         std::string_view key) override {
    std::lock_guard guard{mtx_};
    return get_from(data_[static_cast<size_t>(col)], key);
  }

  status scan(column col, const key_range& range,
              const scan_visitor& f) override {
    // Scan a copy of the range so that visitors may write to the store.
    table copy;
    {
      std::lock_guard guard{mtx_};
      const auto& t = data_[static_cast<size_t>(col)];
      auto first = t.lower_bound(range.begin);
      auto last = range.end.empty() ? t.end() : t.lower_bound(range.end);
      if (range.end.empty() || range.begin < range.end)
        copy.insert(first, last);
    }
    return scan_table(copy, range, f);
  }

  status write(const write_batch& batch, write_options) override {
    std::lock_guard guard{mtx_};
    for (const auto& op : batch.ops()) {
      auto& t = data_[static_cast<size_t>(op.col)];
      switch (op.kind) {
        case write_batch::op_kind::put: t[op.key] = op.value; break;
        case write_batch::op_kind::erase: t.erase(op.key); break;
        case write_batch::op_kind::erase_range:
          if (op.key < op.value)
            t.erase(t.lower_bound(op.key), t.lower_bound(op.value));
          break;
      }
    }
    return {};
  }

  std::unique_ptr<snapshot> make_snapshot() override {
    std::lock_guard guard{mtx_};
    return std::make_unique<memory_snapshot>(data_);
  }

  status flush() override { return {}; }

  std::uint64_t disk_usage() override { return 0; }

 private:
  std::mutex mtx_;
  tables data_;
};

} // namespace

std::unique_ptr<kv_store> make_memory_store() {
  return std::make_unique<memory_store>();
}

} // namespace pando::storage
