#include "storage/kv_store.hpp"

namespace pando::storage {

const char* to_string(column x) noexcept {
  switch (x) {
    case column::meta: return "default";
    case column::registry: return "registry";
    case column::devices: return "devices";
    case column::history: return "history";
    case column::commands: return "commands";
    case column::outbox: return "outbox";
    case column::rules: return "rules";
    case column::replication: return "replication";
  }
  return "default";
}

const std::vector<column>& all_columns() {
  static const std::vector<column> xs{
    column::meta,     column::registry, column::devices, column::history,
    column::commands, column::outbox,   column::rules,   column::replication,
  };
  return xs;
}

void write_batch::put(column col, std::string_view key,
                      std::string_view value) {
  ops_.push_back({op_kind::put, col, std::string{key}, std::string{value}});
}

void write_batch::erase(column col, std::string_view key) {
  ops_.push_back({op_kind::erase, col, std::string{key}, {}});
}

void write_batch::erase_range(column col, std::string_view begin,
                              std::string_view end) {
  ops_.push_back(
    {op_kind::erase_range, col, std::string{begin}, std::string{end}});
}

key_range key_range::prefix(std::string_view prefix) {
  key_range result;
  result.begin = std::string{prefix};
  // The end of a prefix range is the shortest key greater than all keys with
  // that prefix: drop trailing 0xff bytes, then increment the last byte.
  std::string end{prefix};
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff)
    end.pop_back();
  if (!end.empty())
    end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  result.end = std::move(end);
  return result;
}

snapshot::~snapshot() = default;

kv_store::~kv_store() = default;

status kv_store::put(column col, std::string_view key, std::string_view value,
                     write_options opts) {
  write_batch batch;
  batch.put(col, key, value);
  return write(batch, opts);
}

status kv_store::erase(column col, std::string_view key, write_options opts) {
  write_batch batch;
  batch.erase(col, key);
  return write(batch, opts);
}

} // namespace pando::storage
