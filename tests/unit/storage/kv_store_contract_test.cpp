// The kv_store contract: every backend must pass each scenario here.

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "storage/kv_store.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace pando::storage;
using namespace std::string_literals;

namespace {

struct memory_backend {
  std::unique_ptr<kv_store> store = make_memory_store();
};

struct rocksdb_backend {
  pando::test::temp_dir dir;
  std::unique_ptr<kv_store> store;
  rocksdb_backend() {
    auto res = open_rocksdb({.path = dir.sub("db")});
    REQUIRE_MESSAGE(res.ok(), res.err().to_string());
    store = std::move(*res);
  }
};

using kv_list = std::vector<std::pair<std::string, std::string>>;

kv_list scan_all(snapshot& s, column col, const key_range& r) {
  kv_list out;
  auto st = s.scan(col, r, [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return true;
  });
  REQUIRE(st.ok());
  return out;
}

std::optional<std::string> get(snapshot& s, column col, std::string_view k) {
  auto res = s.get(col, k);
  REQUIRE(res.ok());
  return *res;
}

void fill(kv_store& s, column col, std::vector<std::string> keys) {
  write_batch b;
  for (const auto& k : keys)
    b.put(col, k, "v" + k);
  REQUIRE(s.write(b).ok());
}

} // namespace

TEST_CASE_TEMPLATE("kv_store contract", B, memory_backend, rocksdb_backend) {
  B backend;
  auto& s = *backend.store;

  SUBCASE("a missing key is a normal empty value") {
    CHECK(get(s, column::devices, "nope") == std::nullopt);
  }

  SUBCASE("put, overwrite and erase") {
    REQUIRE(s.put(column::devices, "k", "1").ok());
    CHECK(get(s, column::devices, "k") == "1");
    REQUIRE(s.put(column::devices, "k", "2").ok());
    CHECK(get(s, column::devices, "k") == "2");
    REQUIRE(s.erase(column::devices, "k").ok());
    CHECK(get(s, column::devices, "k") == std::nullopt);
  }

  SUBCASE("columns are separate") {
    REQUIRE(s.put(column::devices, "k", "d").ok());
    REQUIRE(s.put(column::history, "k", "h").ok());
    CHECK(get(s, column::devices, "k") == "d");
    CHECK(get(s, column::history, "k") == "h");
    CHECK(get(s, column::registry, "k") == std::nullopt);
  }

  SUBCASE("binary keys and values survive unchanged") {
    auto key = "a\0b\xff"s;
    auto value = "\0\1\2\xfe"s;
    REQUIRE(s.put(column::meta, key, value).ok());
    CHECK(get(s, column::meta, key) == value);
    CHECK(get(s, column::meta, "a") == std::nullopt);
  }

  SUBCASE("a batch applies every operation across columns") {
    REQUIRE(s.put(column::devices, "old", "x").ok());
    write_batch b;
    b.put(column::devices, "new", "1");
    b.erase(column::devices, "old");
    b.put(column::history, "h1", "2");
    REQUIRE(s.write(b).ok());
    CHECK(get(s, column::devices, "new") == "1");
    CHECK(get(s, column::devices, "old") == std::nullopt);
    CHECK(get(s, column::history, "h1") == "2");
  }

  SUBCASE("later operations in a batch win") {
    write_batch b;
    b.put(column::devices, "k", "1");
    b.put(column::devices, "k", "2");
    b.erase(column::devices, "j");
    REQUIRE(s.write(b).ok());
    CHECK(get(s, column::devices, "k") == "2");
  }

  SUBCASE("erase_range removes [begin, end) only") {
    fill(s, column::history, {"a", "b1", "b2", "c", "d"});
    write_batch b;
    b.erase_range(column::history, "b", "d");
    REQUIRE(s.write(b).ok());
    CHECK(scan_all(s, column::history, {})
          == kv_list{{"a", "va"}, {"d", "vd"}});
  }

  SUBCASE("an empty or inverted erase_range is a no-op") {
    fill(s, column::history, {"a", "b"});
    write_batch b;
    b.erase_range(column::history, "b", "a");
    b.erase_range(column::history, "a", "a");
    REQUIRE(s.write(b).ok());
    CHECK(scan_all(s, column::history, {}).size() == 2);
  }

  SUBCASE("prefix scans return matching keys in byte order") {
    fill(s, column::history, {"dev1/3", "dev1/1", "dev2/1", "dev1/2", "dev"});
    CHECK(scan_all(s, column::history, key_range::prefix("dev1/"))
          == kv_list{{"dev1/1", "vdev1/1"},
                     {"dev1/2", "vdev1/2"},
                     {"dev1/3", "vdev1/3"}});
  }

  SUBCASE("prefix scans handle trailing 0xff bytes") {
    fill(s, column::history, {"a\xff", "a\xff\x01", "a\xff\xff", "b"});
    auto got = scan_all(s, column::history, key_range::prefix("a\xff"));
    CHECK(got.size() == 3);
    got = scan_all(s, column::history, key_range::prefix("\xff"));
    CHECK(got.empty());
  }

  SUBCASE("range scans honour begin, end, limit and reverse") {
    fill(s, column::history, {"1", "2", "3", "4", "5"});
    key_range r{.begin = "2", .end = "5"};
    CHECK(scan_all(s, column::history, r)
          == kv_list{{"2", "v2"}, {"3", "v3"}, {"4", "v4"}});
    r.limit = 2;
    CHECK(scan_all(s, column::history, r) == kv_list{{"2", "v2"}, {"3", "v3"}});
    r.reverse = true;
    CHECK(scan_all(s, column::history, r) == kv_list{{"4", "v4"}, {"3", "v3"}});
    CHECK(scan_all(s, column::history,
                   {.begin = {}, .end = {}, .limit = 1, .reverse = true})
          == kv_list{{"5", "v5"}});
    CHECK(scan_all(s, column::history, {.begin = "4", .end = "2"}).empty());
  }

  SUBCASE("a visitor that returns false stops the scan") {
    fill(s, column::history, {"1", "2", "3"});
    int n = 0;
    auto st = s.scan(column::history, {}, [&](auto, auto) { return ++n < 2; });
    CHECK(st.ok());
    CHECK(n == 2);
  }

  SUBCASE("a snapshot does not see later writes") {
    REQUIRE(s.put(column::devices, "k", "before").ok());
    auto snap = s.make_snapshot();
    REQUIRE(s.put(column::devices, "k", "after").ok());
    REQUIRE(s.put(column::devices, "k2", "new").ok());
    CHECK(get(*snap, column::devices, "k") == "before");
    CHECK(get(*snap, column::devices, "k2") == std::nullopt);
    CHECK(scan_all(*snap, column::devices, {}).size() == 1);
    CHECK(get(s, column::devices, "k") == "after");
  }

  SUBCASE("flush succeeds and keeps data") {
    REQUIRE(s.put(column::meta, "k", "v").ok());
    REQUIRE(s.flush().ok());
    CHECK(get(s, column::meta, "k") == "v");
  }
}

TEST_CASE("rocksdb: data survives a reopen") {
  pando::test::temp_dir dir;
  {
    auto res = open_rocksdb({.path = dir.sub("db")});
    REQUIRE(res.ok());
    REQUIRE((*res)->put(column::devices, "k", "v", {.sync = true}).ok());
    REQUIRE((*res)->put(column::history, "h", "x").ok());
  }
  auto res = open_rocksdb({.path = dir.sub("db")});
  REQUIRE(res.ok());
  CHECK(get(**res, column::devices, "k") == "v");
  CHECK(get(**res, column::history, "h") == "x");
}

TEST_CASE("rocksdb: a second open of the same store is refused") {
  pando::test::temp_dir dir;
  auto first = open_rocksdb({.path = dir.sub("db")});
  REQUIRE(first.ok());
  auto second = open_rocksdb({.path = dir.sub("db")});
  REQUIRE_FALSE(second.ok());
  CHECK(second.err().code == errc::io_error);
  CHECK(second.err().message.find("open") != std::string::npos);
}

TEST_CASE("rocksdb: a missing store is refused without create_if_missing") {
  pando::test::temp_dir dir;
  auto res
    = open_rocksdb({.path = dir.sub("absent"), .create_if_missing = false});
  REQUIRE_FALSE(res.ok());
  CHECK(res.err().code == errc::invalid_argument);
}
