#include "actors/rules/cron.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <utility>
#include <vector>

namespace pando::rules {

namespace {

/// Static description of one crontab field.
struct field_def {
  std::string_view name;
  int min;
  int max;
  /// Three-letter names for values `names_base`.., or empty.
  const std::string_view* names;
  std::size_t name_count;
  int names_base;
};

constexpr std::array<std::string_view, 12> month_names{
  "jan", "feb", "mar", "apr", "may", "jun",
  "jul", "aug", "sep", "oct", "nov", "dec"};

constexpr std::array<std::string_view, 7> weekday_names{
  "sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr std::array<field_def, 5> field_defs{{
  {"minute", 0, 59, nullptr, 0, 0},
  {"hour", 0, 23, nullptr, 0, 0},
  {"day-of-month", 1, 31, nullptr, 0, 0},
  {"month", 1, 12, month_names.data(), month_names.size(), 1},
  {"day-of-week", 0, 7, weekday_names.data(), weekday_names.size(), 0},
}};

/// Parse failure of one field: a sentence quoting the offending token.
struct field_error {
  std::string reason;
};

std::string quote(std::string_view tok) { return "'" + std::string(tok) + "'"; }

using mask_t = std::uint64_t;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::vector<std::string_view> split_fields(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i]))
      ++i;
    auto start = i;
    while (i < text.size() && !is_space(text[i]))
      ++i;
    if (i > start)
      out.push_back(text.substr(start, i - start));
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  return true;
}

std::string range_text(const field_def& def) {
  return std::to_string(def.min) + "-" + std::to_string(def.max);
}

/// Parses a number or (where allowed) a name into a value within the field.
std::optional<field_error> parse_value(std::string_view tok,
                                       const field_def& def, int& out) {
  if (all_digits(tok)) {
    auto [ptr, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), out);
    if (ec != std::errc{} || out < def.min || out > def.max)
      return field_error{quote(tok) + " is out of range " + range_text(def)};
    return std::nullopt;
  }
  auto name = lower(tok);
  for (std::size_t i = 0; i < def.name_count; ++i) {
    if (def.names[i] == name) {
      out = def.names_base + static_cast<int>(i);
      return std::nullopt;
    }
  }
  bool alpha = !tok.empty();
  for (char c : tok)
    alpha = alpha && std::isalpha(static_cast<unsigned char>(c));
  if (alpha)
    return field_error{def.names ? "unknown name " + quote(tok)
                                 : quote(tok)
                                     + " is not a number (names are "
                                       "not allowed in this field)"};
  return field_error{quote(tok) + " is not a number"};
}

/// Parses the step after `/`: a positive number.
std::optional<field_error> parse_step(std::string_view tok, int& out) {
  if (!all_digits(tok))
    return field_error{"bad step " + quote(tok)
                       + " (must be a positive number)"};
  auto [ptr, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), out);
  if (ec != std::errc{} || out <= 0)
    return field_error{"step " + quote(tok) + " must be a positive number"};
  return std::nullopt;
}

/// Parses the part before `/` into [lo, hi]; `single` if a lone value.
std::optional<field_error> parse_range(std::string_view tok,
                                       const field_def& def, int& lo, int& hi,
                                       bool& single) {
  single = false;
  if (tok == "*" || tok == "?") {
    lo = def.min;
    hi = def.max;
    return std::nullopt;
  }
  auto dash = tok.find('-');
  if (dash == std::string_view::npos) {
    single = true;
    auto err = parse_value(tok, def, lo);
    hi = lo;
    return err;
  }
  if (auto err = parse_value(tok.substr(0, dash), def, lo))
    return err;
  if (auto err = parse_value(tok.substr(dash + 1), def, hi))
    return err;
  if (lo > hi)
    return field_error{"reversed range " + quote(tok) + " (start after end)"};
  return std::nullopt;
}

/// Parses one comma-list element into `mask`.
std::optional<field_error> parse_element(std::string_view elem,
                                         const field_def& def, mask_t& mask) {
  if (elem.empty())
    return field_error{"empty list element"};
  auto slash = elem.find('/');
  int lo = 0;
  int hi = 0;
  bool single = false;
  if (auto err = parse_range(elem.substr(0, slash), def, lo, hi, single))
    return err;
  int step = 1;
  if (slash != std::string_view::npos) {
    if (auto err = parse_step(elem.substr(slash + 1), step))
      return err;
    if (single)
      hi = def.max;
  }
  for (int v = lo; v <= hi; v += step)
    mask |= mask_t{1} << v;
  return std::nullopt;
}

/// Parses a whole field (comma list) into `mask`.
std::optional<field_error> parse_field(std::string_view text,
                                       const field_def& def, mask_t& mask) {
  mask = 0;
  std::size_t start = 0;
  while (true) {
    auto comma = text.find(',', start);
    auto elem = text.substr(start, comma == std::string_view::npos
                                     ? std::string_view::npos
                                     : comma - start);
    if (auto err = parse_element(elem, def, mask))
      return err;
    if (comma == std::string_view::npos)
      return std::nullopt;
    start = comma + 1;
  }
}

bool starts_unrestricted(std::string_view field) {
  return !field.empty() && (field.front() == '*' || field.front() == '?');
}

cron_parse_result fail(std::string msg) {
  return cron_parse_result{std::nullopt, "cron: " + std::move(msg)};
}

std::optional<std::string_view> expand_descriptor(std::string_view text) {
  auto name = lower(text);
  if (name == "@yearly" || name == "@annually")
    return "0 0 1 1 *";
  if (name == "@monthly")
    return "0 0 1 * *";
  if (name == "@weekly")
    return "0 0 * * 0";
  if (name == "@daily" || name == "@midnight")
    return "0 0 * * *";
  if (name == "@hourly")
    return "0 * * * *";
  return std::nullopt;
}

cron_spec make_spec(const std::array<mask_t, 5>& masks,
                    const std::vector<std::string_view>& fields) {
  cron_spec spec;
  spec.minutes = std::bitset<60>(masks[0]);
  spec.hours = std::bitset<24>(masks[1]);
  spec.days_of_month = std::bitset<32>(masks[2]);
  spec.months = std::bitset<13>(masks[3]);
  auto dow = masks[4];
  if (dow & (mask_t{1} << 7))
    dow |= 1; // 7 is Sunday as well
  spec.days_of_week = std::bitset<7>(dow & 0x7f);
  spec.dom_restricted = !starts_unrestricted(fields[2]);
  spec.dow_restricted = !starts_unrestricted(fields[4]);
  return spec;
}

cron_parse_result parse_fields(const std::vector<std::string_view>& fields) {
  if (fields.size() != field_defs.size())
    return fail("expected 5 fields (minute hour day-of-month month "
                "day-of-week), got "
                + std::to_string(fields.size()));
  std::array<mask_t, 5> masks{};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (auto err = parse_field(fields[i], field_defs[i], masks[i]))
      return fail("bad " + std::string(field_defs[i].name) + " field "
                  + quote(fields[i]) + ": " + err->reason);
  }
  return cron_parse_result{make_spec(masks, fields), {}};
}

// -- calendar arithmetic (proleptic Gregorian, H. Hinnant's algorithms) -------

struct civil_date {
  std::int64_t year;
  int month; // 1-12
  int day;   // 1-31
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  auto q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  auto era = floor_div(y, 400);
  auto yoe = y - era * 400;
  auto doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  auto doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

civil_date civil_from_days(std::int64_t z) {
  z += 719468;
  auto era = floor_div(z, 146097);
  auto doe = z - era * 146097;
  auto yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  auto doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  auto mp = (5 * doy + 2) / 153;
  auto d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  auto m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

/// Weekday of a day count, 0 = Sunday (1970-01-01 was a Thursday).
int weekday_of(std::int64_t days) {
  auto w = (days + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

bool day_matches(const cron_spec& spec, int dom, int dow) {
  bool dom_ok = spec.days_of_month.test(static_cast<std::size_t>(dom));
  bool dow_ok = spec.days_of_week.test(static_cast<std::size_t>(dow));
  if (spec.dom_restricted && spec.dow_restricted)
    return dom_ok || dow_ok;
  return dom_ok && dow_ok;
}

/// First matching minute-of-day at or after `from`, skipping whole hours.
std::optional<int> next_minute_in_day(const cron_spec& spec, int from) {
  for (int h = from / 60; h < 24; ++h) {
    if (!spec.hours.test(static_cast<std::size_t>(h)))
      continue;
    for (int m = (h == from / 60 ? from % 60 : 0); m < 60; ++m)
      if (spec.minutes.test(static_cast<std::size_t>(m)))
        return h * 60 + m;
  }
  return std::nullopt;
}

/// How many calendar years `next_fire` looks ahead.
constexpr std::int64_t search_years = 8;

} // namespace

cron_parse_result parse_cron(std::string_view text) {
  auto fields = split_fields(text);
  if (fields.empty())
    return fail("empty trigger");
  if (fields.size() == 1 && fields[0].front() == '@') {
    if (auto expanded = expand_descriptor(fields[0]))
      return parse_fields(split_fields(*expanded));
    return fail("unknown descriptor " + quote(fields[0]));
  }
  return parse_fields(fields);
}

std::optional<std::int64_t> next_fire(const cron_spec& spec,
                                      std::int64_t after_unix_seconds,
                                      int utc_offset_minutes) {
  const std::int64_t offset = std::int64_t{utc_offset_minutes} * 60;
  auto local_minute = floor_div(after_unix_seconds + offset, 60) + 1;
  auto days = floor_div(local_minute, 1440);
  auto from = static_cast<int>(local_minute - days * 1440);
  const auto last_year = civil_from_days(days).year + search_years;
  while (true) {
    auto date = civil_from_days(days);
    if (date.year > last_year)
      return std::nullopt;
    if (!spec.months.test(static_cast<std::size_t>(date.month))) {
      days = date.month == 12 ? days_from_civil(date.year + 1, 1, 1)
                              : days_from_civil(date.year, date.month + 1, 1);
      from = 0;
      continue;
    }
    if (day_matches(spec, date.day, weekday_of(days))) {
      if (auto minute = next_minute_in_day(spec, from))
        return (days * 1440 + *minute) * 60 - offset;
    }
    ++days;
    from = 0;
  }
}

} // namespace pando::rules
