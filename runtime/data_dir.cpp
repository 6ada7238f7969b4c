#include "runtime/data_dir.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace pando::runtime {

data_dir_lock::data_dir_lock(data_dir_lock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)) {}

data_dir_lock& data_dir_lock::operator=(data_dir_lock&& other) noexcept {
  std::swap(fd_, other.fd_);
  return *this;
}

data_dir_lock::~data_dir_lock() {
  if (fd_ >= 0) {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
}

std::optional<std::string> data_dir_lock::acquire(const std::string& dir,
                                                  data_dir_lock& out) {
  namespace fs = std::filesystem;
  auto prefix = "node.data_dir '" + dir + "': ";
  std::error_code ec;
  fs::path path{dir};
  if (!fs::exists(path, ec)) {
    auto parent = fs::absolute(path, ec).parent_path();
    if (!fs::is_directory(parent, ec))
      return prefix + "does not exist, and neither does its parent "
             + parent.string();
    if (!fs::create_directory(path, ec))
      return prefix + "cannot create it (" + ec.message() + ")";
  } else if (!fs::is_directory(path, ec)) {
    return prefix + "is not a directory";
  }
  if (::access(dir.c_str(), R_OK | W_OK | X_OK) != 0)
    return prefix + "is not writable (" + std::strerror(errno) + ")";
  auto lock_file = (path / "pando.lock").string();
  int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return prefix + "cannot open " + lock_file + " (" + std::strerror(errno)
           + ")";
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = {};
    auto n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    ::close(fd);
    std::string pid = n > 0 ? std::string{buf, static_cast<size_t>(n)} : "?";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
      pid.pop_back();
    return prefix + "is already used by a running pando-node (pid " + pid + ")";
  }
  auto pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0
      || ::pwrite(fd, pid.data(), pid.size(), 0)
           != static_cast<ssize_t>(pid.size())) {
    ::close(fd);
    return prefix + "cannot write " + lock_file + " (" + std::strerror(errno)
           + ")";
  }
  out = data_dir_lock{};
  out.fd_ = fd;
  return std::nullopt;
}

} // namespace pando::runtime
