#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pando::bench {

/// Creates a vendor and a product with one status object (`switch`: no 1,
/// part 1, one uint8) through pando's admin API; returns the product key.
/// Throws `std::runtime_error` on any failure.
std::string create_product(const std::string& url,
                           const std::string& admin_token,
                           const std::string& name);

/// Returns `given` if set, else the key of a new product named
/// `name_prefix` plus the current time in milliseconds.
std::string product_key_or_create(const std::string& url,
                                  const std::string& admin_token,
                                  const std::string& given,
                                  const std::string& name_prefix);

/// A device registered (and possibly logged in) through the device API.
struct device_login {
  /// The device id from the registration.
  std::uint64_t id = 0;
  /// The MQTT password (access token); empty when not logged in.
  std::string token;
  /// The MQTT address from the login (`host:port`).
  std::string access_addr;
};

/// Registers `n` devices with device codes `prefix` + 6-digit index and, if
/// `login`, logs each one in, over `clients` parallel HTTP connections.
/// Prints progress to stderr unless `quiet`. Throws on the first failure.
std::vector<device_login> enroll(const std::string& url,
                                 const std::string& product_key,
                                 const std::string& prefix, std::size_t n,
                                 std::size_t clients, bool login, bool quiet);

/// Reads the first sample of metric `name` from `{url}/metrics`.
std::optional<double> read_metric(const std::string& url,
                                  const std::string& name);

} // namespace pando::bench
