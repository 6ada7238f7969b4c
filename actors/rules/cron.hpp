#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pando::rules {

/// A parsed timer-rule trigger (spec 8.1): standard 5-field crontab
/// `minute hour day-of-month month day-of-week`.
///
/// Accepted syntax per field: `*`, `?` (same as `*`), numbers, `a-b`,
/// `a-b/step`, `*/step`, `N/step` (= `N-max/step`) and comma lists of these.
/// Months accept `JAN`..`DEC`, weekdays `SUN`..`SAT` (case-insensitive) as
/// values or range ends. Day-of-week accepts 0-7 where both 0 and 7 mean
/// Sunday. Descriptors: `@yearly`/`@annually` = `0 0 1 1 *`, `@monthly` =
/// `0 0 1 * *`, `@weekly` = `0 0 * * 0`, `@daily`/`@midnight` = `0 0 * * *`,
/// `@hourly` = `0 * * * *` (case-insensitive).
///
/// Day matching follows classic (Vixie) cron: a day field is unrestricted when
/// its text starts with `*` or `?`; if both day fields are restricted a day
/// matches when either matches (OR rule), otherwise both must match.
struct cron_spec {
  /// Bit m set: fires in minute m (0-59).
  std::bitset<60> minutes;
  /// Bit h set: fires in hour h (0-23).
  std::bitset<24> hours;
  /// Bit d set: fires on day-of-month d (1-31; bit 0 unused).
  std::bitset<32> days_of_month;
  /// Bit m set: fires in month m (1-12; bit 0 unused).
  std::bitset<13> months;
  /// Bit w set: fires on weekday w (0 = Sunday .. 6 = Saturday).
  std::bitset<7> days_of_week;
  /// The day-of-month field does not start with `*` or `?`.
  bool dom_restricted = false;
  /// The day-of-week field does not start with `*` or `?`.
  bool dow_restricted = false;
};

/// Outcome of `parse_cron`: either a spec or a human-readable error naming
/// the offending field and token.
struct cron_parse_result {
  /// The parsed trigger; empty on error.
  std::optional<cron_spec> spec;
  /// Why parsing failed; empty on success.
  std::string error;

  /// True when `spec` holds a value.
  bool ok() const noexcept { return spec.has_value(); }

  /// Same as `ok()`.
  explicit operator bool() const noexcept { return ok(); }
};

/// Parses a 5-field crontab trigger or a descriptor such as `@daily`.
/// Malformed triggers (including 4 or 6 fields) are refused with an error.
cron_parse_result parse_cron(std::string_view text);

/// Returns the first minute (seconds = 0, Unix time) strictly after
/// `after_unix_seconds` that matches `spec`, evaluating the fields in the
/// fixed local time `UTC + utc_offset_minutes` (no DST rules). Searches up to
/// 8 calendar years ahead (enough for `0 0 29 2 *` across a non-leap century
/// year, e.g. 2096 -> 2104) and returns nullopt when nothing matches, e.g.
/// for `0 0 30 2 *`.
std::optional<std::int64_t> next_fire(const cron_spec& spec,
                                      std::int64_t after_unix_seconds,
                                      int utc_offset_minutes = 0);

} // namespace pando::rules
