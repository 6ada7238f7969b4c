#pragma once

#include <string>
#include <utility>
#include <variant>

namespace pando::registry {

/// Why a JSON body or a device payload does not match the product config.
///
/// The application API answers these with code 10005 (wrong request format).
struct mapping_error {
  /// Where: a label or name (`switch`), with `[i]` for one of its values
  /// (`switch[1]`); `sub_data[i]` for a device object the config lacks;
  /// empty for the body or message as a whole.
  std::string path;
  /// What, e.g. `300 is out of range for uint8 (0..255)`.
  std::string message;

  friend bool operator==(const mapping_error&, const mapping_error&) = default;
};

/// Returns `path + ": " + message` (just `message` if the path is empty).
/// @relates mapping_error
inline std::string to_string(const mapping_error& x) {
  return x.path.empty() ? x.message : x.path + ": " + x.message;
}

/// Either a mapped `T` or the `mapping_error` explaining why mapping failed.
template<class T>
class mapping_result {
 public:
  // -- constructors -----------------------------------------------------------

  /// Creates a successful result.
  mapping_result(T x) : val_(std::in_place_index<0>, std::move(x)) {
    // nop
  }

  /// Creates a failed result.
  mapping_result(mapping_error x) : val_(std::in_place_index<1>, std::move(x)) {
    // nop
  }

  // -- observers --------------------------------------------------------------

  /// Returns whether this result holds a value.
  bool has_value() const noexcept { return val_.index() == 0; }

  /// Returns whether this result holds a value.
  explicit operator bool() const noexcept { return has_value(); }

  /// Returns the error; requires `!has_value()`.
  const mapping_error& error() const { return std::get<1>(val_); }

  /// Returns the value; requires `has_value()`.
  T& value() & { return std::get<0>(val_); }

  /// Returns the value; requires `has_value()`.
  const T& value() const& { return std::get<0>(val_); }

  /// Returns the value; requires `has_value()`.
  T&& value() && { return std::get<0>(std::move(val_)); }

  /// Returns the value; requires `has_value()`.
  T& operator*() & { return value(); }

  /// Returns the value; requires `has_value()`.
  const T& operator*() const& { return value(); }

  /// Accesses the value; requires `has_value()`.
  T* operator->() { return &value(); }

  /// Accesses the value; requires `has_value()`.
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, mapping_error> val_;
};

} // namespace pando::registry
