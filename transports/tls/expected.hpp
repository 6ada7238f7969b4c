#pragma once

#include <string>
#include <utility>
#include <variant>

namespace pando::tls {

/// Either a `T` or the text explaining why it could not be made.
///
/// Used by the context loaders, whose failures are configuration errors that
/// a human reads (file name plus OpenSSL's reason), not codes a program
/// branches on.
template<class T>
class expected {
 public:
  // -- constructors -----------------------------------------------------------

  /// Creates a successful result.
  expected(T x) : val_(std::move(x)) {
    // nop
  }

  /// Creates a failed result carrying `text`.
  static expected failure(std::string text) {
    return expected{std::in_place_index<1>, std::move(text)};
  }

  // -- observers --------------------------------------------------------------

  /// Returns whether this result holds a value.
  bool has_value() const noexcept { return val_.index() == 0; }

  /// Returns whether this result holds a value.
  explicit operator bool() const noexcept { return has_value(); }

  /// Returns the error text, or an empty string if this holds a value.
  std::string error() const {
    return has_value() ? std::string{} : std::get<1>(val_);
  }

  /// Returns the value; requires `has_value()`.
  T& value() & { return std::get<0>(val_); }

  /// Returns the value; requires `has_value()`.
  T&& value() && { return std::get<0>(std::move(val_)); }

  /// Returns the value; requires `has_value()`.
  T& operator*() & { return value(); }

  /// Accesses the value; requires `has_value()`.
  T* operator->() { return &value(); }

 private:
  template<class... Ts>
  explicit expected(std::in_place_index_t<1> tag, Ts&&... xs)
      : val_(tag, std::forward<Ts>(xs)...) {
    // nop
  }

  std::variant<T, std::string> val_;
};

} // namespace pando::tls
