// The RocksDB backend. One column family per `column`; every rocksdb::Status
// becomes a storage::error through `to_error` and nowhere else. Iterators and
// column family handles are destroyed before the database (the Debian build
// of RocksDB asserts on that order).

#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "storage/kv_store.hpp"

namespace pando::storage {

namespace {

error to_error(const rocksdb::Status& st, std::string_view op) {
  auto code = errc::unknown;
  if (st.IsIOError())
    code = errc::io_error;
  else if (st.IsCorruption())
    code = errc::corruption;
  else if (st.IsInvalidArgument())
    code = errc::invalid_argument;
  else if (st.IsNotSupported())
    code = errc::not_supported;
  else if (st.IsBusy() || st.IsTryAgain() || st.IsShutdownInProgress())
    code = errc::busy;
  else if (st.IsTimedOut())
    code = errc::timed_out;
  return {code, std::string{op} + ": " + st.ToString()};
}

rocksdb::Slice slice(std::string_view x) { return {x.data(), x.size()}; }

std::string_view view(const rocksdb::Slice& x) { return {x.data(), x.size()}; }

class rocksdb_store;

/// Reads through `db` with optional snapshot `snap`.
struct reader {
  rocksdb::DB* db;
  const std::vector<rocksdb::ColumnFamilyHandle*>* handles;
  const rocksdb::Snapshot* snap = nullptr;

  rocksdb::ReadOptions options() const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snap;
    return ro;
  }

  result<std::optional<std::string>> get(column col,
                                         std::string_view key) const {
    std::string value;
    auto st = db->Get(options(), (*handles)[static_cast<size_t>(col)],
                      slice(key), &value);
    if (st.IsNotFound())
      return std::optional<std::string>{};
    if (!st.ok())
      return to_error(st, "get");
    return std::optional<std::string>{std::move(value)};
  }

  status scan(column col, const key_range& range, const scan_visitor& f) const {
    if (!range.end.empty() && range.end <= range.begin)
      return {};
    auto ro = options();
    std::unique_ptr<rocksdb::Iterator> it{
      db->NewIterator(ro, (*handles)[static_cast<size_t>(col)])};
    auto in_range = [&](std::string_view key) {
      return key >= range.begin && (range.end.empty() || key < range.end);
    };
    if (range.reverse) {
      if (range.end.empty())
        it->SeekToLast();
      else
        it->SeekForPrev(slice(range.end));
      if (it->Valid() && !range.end.empty() && view(it->key()) == range.end)
        it->Prev();
    } else {
      it->Seek(slice(range.begin));
    }
    std::size_t n = 0;
    for (; it->Valid() && in_range(view(it->key()));
         range.reverse ? it->Prev() : it->Next()) {
      ++n;
      if (!f(view(it->key()), view(it->value()))
          || (range.limit != 0 && n >= range.limit))
        break;
    }
    if (!it->status().ok())
      return to_error(it->status(), "scan");
    return {};
  }
};

class rocksdb_snapshot : public snapshot {
 public:
  explicit rocksdb_snapshot(reader rd) : rd_(rd) {}

  ~rocksdb_snapshot() override { rd_.db->ReleaseSnapshot(rd_.snap); }

  result<std::optional<std::string>> get(column col,
                                         std::string_view key) override {
    return rd_.get(col, key);
  }

  status scan(column col, const key_range& range,
              const scan_visitor& f) override {
    return rd_.scan(col, range, f);
  }

 private:
  reader rd_;
};

class rocksdb_store : public kv_store {
 public:
  rocksdb_store(std::unique_ptr<rocksdb::DB> db,
                std::vector<rocksdb::ColumnFamilyHandle*> handles)
      : db_(std::move(db)), handles_(std::move(handles)) {}

  ~rocksdb_store() override {
    db_->FlushWAL(true);
    for (auto* h : handles_)
      db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }

  result<std::optional<std::string>> get(column col,
                                         std::string_view key) override {
    return rd().get(col, key);
  }

  status scan(column col, const key_range& range,
              const scan_visitor& f) override {
    return rd().scan(col, range, f);
  }

  status write(const write_batch& batch, write_options opts) override {
    rocksdb::WriteBatch wb;
    for (const auto& op : batch.ops()) {
      auto* cf = handles_[static_cast<size_t>(op.col)];
      rocksdb::Status st;
      switch (op.kind) {
        case write_batch::op_kind::put:
          st = wb.Put(cf, slice(op.key), slice(op.value));
          break;
        case write_batch::op_kind::erase:
          st = wb.Delete(cf, slice(op.key));
          break;
        case write_batch::op_kind::erase_range:
          if (op.key < op.value)
            st = wb.DeleteRange(cf, slice(op.key), slice(op.value));
          break;
      }
      if (!st.ok())
        return to_error(st, "write");
    }
    rocksdb::WriteOptions wo;
    wo.sync = opts.sync;
    if (auto st = db_->Write(wo, &wb); !st.ok())
      return to_error(st, "write");
    return {};
  }

  std::unique_ptr<snapshot> make_snapshot() override {
    auto r = rd();
    r.snap = db_->GetSnapshot();
    return std::make_unique<rocksdb_snapshot>(r);
  }

  status flush() override {
    rocksdb::FlushOptions fo;
    fo.wait = true;
    if (auto st = db_->Flush(fo, handles_); !st.ok())
      return to_error(st, "flush");
    if (auto st = db_->FlushWAL(true); !st.ok())
      return to_error(st, "flush");
    return {};
  }

  std::uint64_t disk_usage() override {
    std::uint64_t total = 0;
    for (auto* h : handles_) {
      std::uint64_t x = 0;
      if (db_->GetIntProperty(h, "rocksdb.total-sst-files-size", &x))
        total += x;
    }
    return total;
  }

 private:
  reader rd() { return {db_.get(), &handles_}; }

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

} // namespace

result<std::unique_ptr<kv_store>>
open_rocksdb(const rocksdb_settings& settings) {
  rocksdb::Options opts;
  opts.create_if_missing = settings.create_if_missing;
  opts.create_missing_column_families = true;
  opts.IncreaseParallelism(2);
  opts.max_open_files = 512;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(settings.block_cache_bytes);
  rocksdb::ColumnFamilyOptions cf_opts{opts};
  cf_opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (auto col : all_columns())
    cfs.emplace_back(to_string(col), cf_opts);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto st = rocksdb::DB::Open(rocksdb::DBOptions{opts}, settings.path, cfs,
                              &handles, &raw);
  if (!st.ok())
    return to_error(st, "open " + settings.path);
  return std::unique_ptr<kv_store>{std::make_unique<rocksdb_store>(
    std::unique_ptr<rocksdb::DB>{raw}, std::move(handles))};
}

} // namespace pando::storage
