#pragma once

#include <cstdint>
#include <string>

namespace pando::ctl {

/// Returns why a TCP connection to `host`:`port` fails, e.g. `connection
/// refused` or `cannot resolve host 'x' (Name or service not known)`.
///
/// cpp-httplib reports every failed connect as one opaque error and leaves
/// `errno` meaningless, so after such an error pando-ctl makes one more
/// attempt itself, waiting at most `timeout_s`, to name the reason. If that
/// attempt succeeds, returns a generic text.
std::string connect_problem(const std::string& host, std::uint16_t port,
                            double timeout_s);

} // namespace pando::ctl
