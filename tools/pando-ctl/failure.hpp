#pragma once

#include <stdexcept>
#include <string>

namespace pando::ctl {

/// Exit statuses of pando-ctl; scripts rely on them (see README.md).
enum exit_status : int {
  /// The command did what was asked.
  exit_ok = 0,
  /// The node answered with an error (validation, 401, 404, 5xx, ...).
  exit_api_error = 1,
  /// Bad flags, arguments or input files; nothing was sent.
  exit_usage = 2,
  /// The node could not be reached (connection, TLS, timeout).
  exit_unreachable = 3,
};

/// An error that ends a command.
///
/// Thrown anywhere below a command's action and caught once in `run()`,
/// which prints `pando-ctl: <command>: <what()>` and exits with `status()`.
class failure : public std::runtime_error {
 public:
  // -- constructors -----------------------------------------------------------

  failure(exit_status status, const std::string& what)
      : std::runtime_error(what), status_(status) {
    // nop
  }

  // -- properties -------------------------------------------------------------

  /// Returns the exit status pando-ctl ends with.
  exit_status status() const noexcept { return status_; }

 private:
  exit_status status_;
};

} // namespace pando::ctl
