#pragma once

#include <string>

namespace pando::runtime {

/// Configures spdlog's default logger for this process: `level` (trace ..
/// off), `format` ("text" or "json"); every line carries `node`. Components
/// log through `spdlog::default_logger()` or a clone of it named after the
/// component ("mqtt", "http", ...), so they need no runtime header.
void setup_logging(const std::string& level, const std::string& format,
                   const std::string& node);

/// Returns `x` escaped for a JSON string body (without quotes).
std::string json_escape(const std::string& x);

} // namespace pando::runtime
