#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace pando::storage {

/// Error codes of the storage layer; every backend maps its failures here.
enum class errc : uint8_t {
  /// No error.
  none = 0,
  /// The disk or the file system failed (includes full disks).
  io_error,
  /// Stored data failed a checksum or could not be parsed.
  corruption,
  /// A caller passed something the store cannot accept.
  invalid_argument,
  /// The store does not implement the operation.
  not_supported,
  /// The store is used by another process or is shutting down.
  busy,
  /// A write did not complete in time.
  timed_out,
  /// Any other backend failure.
  unknown,
};

/// Returns the name of `x`.
const char* to_string(errc x) noexcept;

/// A storage failure: the code, the operation that failed and the backend's
/// own words.
struct error {
  errc code = errc::none;
  std::string message;

  /// Returns "<code>: <message>".
  std::string to_string() const;
};

/// Either nothing (success) or an error.
class status {
 public:
  status() = default;
  status(error err) : err_(std::move(err)) {}

  bool ok() const noexcept { return err_.code == errc::none; }
  explicit operator bool() const noexcept { return ok(); }
  const error& err() const noexcept { return err_; }

 private:
  error err_;
};

/// Either a value or an error.
template<class T>
class result {
 public:
  result(T value) : value_(std::move(value)) {}
  result(error err) : err_(std::move(err)) {}

  bool ok() const noexcept { return err_.code == errc::none; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }
  T& operator*() & { return value_; }
  const T& operator*() const& { return value_; }
  T&& operator*() && { return std::move(value_); }
  T* operator->() { return &value_; }
  const error& err() const noexcept { return err_; }

 private:
  T value_{};
  error err_;
};

} // namespace pando::storage
