#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace pando::ctl {

/// Returns `x` with control characters replaced by spaces, so that text
/// from the server cannot move the cursor or break a table row.
std::string printable(std::string_view x);

/// Returns a JSON value as one line of text: strings unquoted, numbers and
/// booleans as JSON, null, missing and empty values as `-`.
std::string cell(const nlohmann::json& x);

/// Returns `obj[key]` as `cell()` does, or `-` when absent.
std::string cell(const nlohmann::json& obj, const char* key);

/// Returns a Unix time in milliseconds as UTC ISO 8601
/// (`2024-05-01T12:00:00.000Z`), or `-` for 0.
std::string format_time_ms(std::int64_t ms);

/// Returns a duration such as `1d 02h 03m 04s` (leading zero units left out).
std::string format_duration(double seconds);

/// Returns seconds as short text: `10s`, `2.5s`.
std::string format_seconds(double seconds);

/// Returns a byte count with a binary unit: `512 B`, `42.1 MiB`.
std::string format_bytes(double bytes);

/// Returns a number without a fraction when it has none: `7`, `2.5`.
std::string format_number(double x);

/// Returns `n` and `noun`, plural unless `n` is 1: `1 object`, `3 events`.
std::string count_of(std::size_t n, const std::string& noun);

/// Returns the number of terminal columns `x` takes (UTF-8 code points).
std::size_t display_width(std::string_view x);

} // namespace pando::ctl
