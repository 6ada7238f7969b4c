#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace pando::test {

/// A fresh directory under the system's temp dir, removed on destruction.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    auto base = std::filesystem::temp_directory_path();
    do {
      path_ = base / ("pando-test-" + std::to_string(rd()));
    } while (!std::filesystem::create_directory(path_));
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  std::string path() const { return path_.string(); }
  std::string sub(const std::string& name) const {
    return (path_ / name).string();
  }

 private:
  std::filesystem::path path_;
};

} // namespace pando::test
