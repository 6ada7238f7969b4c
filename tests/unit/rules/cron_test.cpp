#include "actors/rules/cron.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using pando::rules::cron_spec;
using pando::rules::next_fire;
using pando::rules::parse_cron;

namespace {

/// Parses `text`, failing the test when it does not parse.
cron_spec must_parse(std::string_view text) {
  auto res = parse_cron(text);
  INFO("trigger: ", std::string(text), " error: ", res.error);
  REQUIRE(res.ok());
  return *res.spec;
}

/// Parses `text` and returns its error, failing the test when it parses.
std::string must_fail(std::string_view text) {
  auto res = parse_cron(text);
  INFO("trigger: ", std::string(text));
  REQUIRE_FALSE(res.ok());
  CHECK_FALSE(res.error.empty());
  return res.error;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

/// next_fire of a trigger that must parse.
std::optional<std::int64_t> next_of(std::string_view text, std::int64_t after,
                                    int offset = 0) {
  return next_fire(must_parse(text), after, offset);
}

} // namespace

TEST_CASE("parse_cron: wildcards and single numbers") {
  auto spec = must_parse("* * * * *");
  CHECK(spec.minutes.all());
  CHECK(spec.hours.all());
  CHECK(spec.days_of_month.count() == 31);
  CHECK_FALSE(spec.days_of_month.test(0));
  CHECK(spec.months.count() == 12);
  CHECK_FALSE(spec.months.test(0));
  CHECK(spec.days_of_week.all());
  CHECK_FALSE(spec.dom_restricted);
  CHECK_FALSE(spec.dow_restricted);
  auto q = must_parse("? ? ? ? ?");
  CHECK(q.minutes.all());
  CHECK(q.days_of_week.all());
  CHECK_FALSE(q.dom_restricted);
  auto one = must_parse("5 3 12 7 2");
  CHECK(one.minutes.count() == 1);
  CHECK(one.minutes.test(5));
  CHECK(one.hours.test(3));
  CHECK(one.days_of_month.test(12));
  CHECK(one.months.test(7));
  CHECK(one.days_of_week.test(2));
  CHECK(one.dom_restricted);
  CHECK(one.dow_restricted);
}

TEST_CASE("parse_cron: ranges, steps and lists") {
  auto spec = must_parse("10-12 */6 1-31/10 */5 1-5");
  CHECK(spec.minutes.to_ullong() == 0b111ULL << 10);
  CHECK(spec.hours.to_ullong()
        == ((1U << 0) | (1U << 6) | (1U << 12) | (1U << 18)));
  CHECK(spec.days_of_month.to_ullong()
        == ((1U << 1) | (1U << 11) | (1U << 21) | (1U << 31)));
  CHECK(spec.months.to_ullong() == ((1U << 1) | (1U << 6) | (1U << 11)));
  CHECK(spec.days_of_week.to_ullong() == 0b0111110U);
  CHECK_FALSE(spec.months.test(0));
  auto list = must_parse("0,15,30-32,59 0 1,15 * *");
  CHECK(list.minutes.count() == 6);
  CHECK(list.minutes.test(0));
  CHECK(list.minutes.test(31));
  CHECK(list.minutes.test(59));
  CHECK(list.days_of_month.count() == 2);
  auto mixed = must_parse("0 0-5/2,20 * * *");
  CHECK(mixed.hours.to_ullong()
        == ((1U << 0) | (1U << 2) | (1U << 4) | (1U << 20)));
}

TEST_CASE("parse_cron: N/step means N-max/step") {
  auto spec = must_parse("5/20 3/10 * 10/1 *");
  CHECK(spec.minutes.to_ullong()
        == ((1ULL << 5) | (1ULL << 25) | (1ULL << 45)));
  CHECK(spec.hours.to_ullong() == ((1U << 3) | (1U << 13) | (1U << 23)));
  CHECK(spec.months.to_ullong() == ((1U << 10) | (1U << 11) | (1U << 12)));
  auto big = must_parse("*/100 * * * *");
  CHECK(big.minutes.count() == 1);
  CHECK(big.minutes.test(0));
}

TEST_CASE("parse_cron: month and weekday names are case-insensitive") {
  auto spec = must_parse("0 0 * jan,Mar-MAY,dec Mon-fri");
  CHECK(spec.months.to_ullong()
        == ((1U << 1) | (1U << 3) | (1U << 4) | (1U << 5) | (1U << 12)));
  CHECK(spec.days_of_week.to_ullong() == 0b0111110U);
  CHECK(must_parse("0 0 * * SUN").days_of_week.to_ullong() == 1U);
  CHECK(must_parse("0 0 * * sat").days_of_week.to_ullong() == 1U << 6);
  CHECK(must_parse("0 0 * JAN-DEC/3 *").months.to_ullong()
        == ((1U << 1) | (1U << 4) | (1U << 7) | (1U << 10)));
}

TEST_CASE("parse_cron: 0 and 7 both mean Sunday") {
  CHECK(must_parse("0 0 * * 7").days_of_week.to_ullong() == 1U);
  CHECK(must_parse("0 0 * * 0").days_of_week.to_ullong() == 1U);
  CHECK(must_parse("0 0 * * 5-7").days_of_week.to_ullong()
        == ((1U << 0) | (1U << 5) | (1U << 6)));
  CHECK(must_parse("0 0 * * 0-7").days_of_week.all());
}

TEST_CASE("parse_cron: restriction flags follow the leading character") {
  auto star_step = must_parse("0 0 */2 * SUN");
  CHECK_FALSE(star_step.dom_restricted);
  CHECK(star_step.dow_restricted);
  auto both = must_parse("0 0 1 * SUN");
  CHECK(both.dom_restricted);
  CHECK(both.dow_restricted);
  CHECK_FALSE(must_parse("0 0 1 * ?").dow_restricted);
}

TEST_CASE("parse_cron: whitespace between fields is flexible") {
  auto spec = must_parse("  0\t12   *  * *  ");
  CHECK(spec.minutes.test(0));
  CHECK(spec.hours.test(12));
  CHECK(spec.hours.count() == 1);
}

TEST_CASE("parse_cron: descriptors") {
  auto expect_same = [](std::string_view descriptor, std::string_view fields) {
    auto a = must_parse(descriptor);
    auto b = must_parse(fields);
    INFO(std::string(descriptor));
    CHECK(a.minutes.to_ullong() == b.minutes.to_ullong());
    CHECK(a.hours.to_ullong() == b.hours.to_ullong());
    CHECK(a.days_of_month.to_ullong() == b.days_of_month.to_ullong());
    CHECK(a.months.to_ullong() == b.months.to_ullong());
    CHECK(a.days_of_week.to_ullong() == b.days_of_week.to_ullong());
    CHECK(a.dom_restricted == b.dom_restricted);
    CHECK(a.dow_restricted == b.dow_restricted);
  };
  expect_same("@yearly", "0 0 1 1 *");
  expect_same("@annually", "0 0 1 1 *");
  expect_same("@monthly", "0 0 1 * *");
  expect_same("@weekly", "0 0 * * 0");
  expect_same("@daily", "0 0 * * *");
  expect_same("@midnight", "0 0 * * *");
  expect_same("@hourly", "0 * * * *");
  expect_same(" @DAILY ", "0 0 * * *");
}

TEST_CASE("parse_cron: empty trigger") {
  CHECK(contains(must_fail(""), "empty"));
  CHECK(contains(must_fail("   \t "), "empty"));
}

TEST_CASE("parse_cron: wrong field count") {
  CHECK(contains(must_fail("0 0 * *"), "got 4"));
  CHECK(contains(must_fail("0 0 0 * * *"), "got 6"));
  CHECK(contains(must_fail("0"), "got 1"));
}

TEST_CASE("parse_cron: out of range values") {
  auto err = must_fail("60 * * * *");
  CHECK(contains(err, "minute"));
  CHECK(contains(err, "'60'"));
  CHECK(contains(err, "out of range"));
  err = must_fail("0 24 * * *");
  CHECK(contains(err, "hour"));
  CHECK(contains(err, "'24'"));
  err = must_fail("0 0 32 * *");
  CHECK(contains(err, "day-of-month"));
  CHECK(contains(err, "'32'"));
  err = must_fail("0 0 0 * *");
  CHECK(contains(err, "day-of-month"));
  CHECK(contains(err, "'0'"));
  err = must_fail("0 0 * 13 *");
  CHECK(contains(err, "month"));
  CHECK(contains(err, "'13'"));
  CHECK(contains(must_fail("0 0 * 0 *"), "'0'"));
  err = must_fail("0 0 * * 8");
  CHECK(contains(err, "day-of-week"));
  CHECK(contains(err, "'8'"));
  CHECK(contains(must_fail("1-61 * * * *"), "'61'"));
  CHECK(contains(must_fail("99999999999999999999 * * * *"), "out of range"));
}

TEST_CASE("parse_cron: step must be positive") {
  auto err = must_fail("*/0 * * * *");
  CHECK(contains(err, "minute"));
  CHECK(contains(err, "step"));
  CHECK(contains(err, "'0'"));
  CHECK(contains(must_fail("0 1-5/0 * * *"), "hour"));
  CHECK(contains(must_fail("*/ * * * *"), "step"));
  CHECK(contains(must_fail("*/x * * * *"), "'x'"));
  CHECK(contains(must_fail("*/-1 * * * *"), "step"));
  CHECK(contains(must_fail("*/2/3 * * * *"), "step"));
}

TEST_CASE("parse_cron: reversed ranges") {
  auto err = must_fail("0 0 * * FRI-MON");
  CHECK(contains(err, "day-of-week"));
  CHECK(contains(err, "reversed"));
  CHECK(contains(err, "'FRI-MON'"));
  err = must_fail("30-10 * * * *");
  CHECK(contains(err, "minute"));
  CHECK(contains(err, "'30-10'"));
  CHECK(contains(must_fail("0 0 * DEC-JAN *"), "reversed"));
}

TEST_CASE("parse_cron: unknown names") {
  auto err = must_fail("0 0 * FOO *");
  CHECK(contains(err, "month"));
  CHECK(contains(err, "unknown name"));
  CHECK(contains(err, "'FOO'"));
  err = must_fail("0 0 * * MONDAY");
  CHECK(contains(err, "day-of-week"));
  CHECK(contains(err, "'MONDAY'"));
  // Weekday names are not month names and vice versa.
  CHECK(contains(must_fail("0 0 * MON *"), "'MON'"));
  CHECK(contains(must_fail("0 0 * * JAN"), "'JAN'"));
  // Names are only allowed in month and day-of-week.
  err = must_fail("0 JAN * * *");
  CHECK(contains(err, "hour"));
  CHECK(contains(err, "'JAN'"));
  err = must_fail("@reboot");
  CHECK(contains(err, "descriptor"));
  CHECK(contains(err, "'@reboot'"));
  CHECK(contains(must_fail("@daily 0"), "got 2"));
}

TEST_CASE("parse_cron: garbage") {
  CHECK(contains(must_fail("1x * * * *"), "'1x'"));
  CHECK(contains(must_fail("-5 * * * *"), "minute"));
  CHECK(contains(must_fail("1- * * * *"), "minute"));
  CHECK(contains(must_fail("1-2-3 * * * *"), "minute"));
  auto err = must_fail("1,,2 * * * *");
  CHECK(contains(err, "empty list element"));
  CHECK(contains(must_fail("1, * * * *"), "empty list element"));
  CHECK(contains(must_fail("0 0 * * #"), "day-of-week"));
  CHECK(contains(must_fail("0 0 L * *"), "day-of-month"));
  CHECK(contains(must_fail("** * * * *"), "minute"));
  CHECK(contains(must_fail("0 0 1.5 * *"), "'1.5'"));
}

// Expected timestamps below were computed independently with GNU date, e.g.
// `date -u -d '2024-02-29 00:00' +%s`.

TEST_CASE("next_fire: leap day") {
  // 2024-02-28 23:59:00 -> 2024-02-29 00:00
  CHECK(next_of("0 0 29 2 *", 1709164740) == 1709164800);
  // 2024-03-01 00:00 -> 2028-02-29 00:00
  CHECK(next_of("0 0 29 2 *", 1709251200) == 1835395200);
  // 2024-02-29 00:00 (strictly after) -> 2028-02-29 00:00
  CHECK(next_of("0 0 29 2 *", 1709164800) == 1835395200);
  // 2096-03-01 00:00 -> 2104-02-29 00:00 (2100 is not a leap year)
  CHECK(next_of("0 0 29 2 *", 3981398400) == 4233686400);
}

TEST_CASE("next_fire: impossible specs") {
  CHECK_FALSE(next_of("0 0 30 2 *", 1709164740).has_value());
  CHECK_FALSE(next_of("0 0 31 4,6,9,11 *", 1709164740).has_value());
}

TEST_CASE("next_fire: every 15 minutes") {
  // 2024-05-10 10:07:30 -> 10:15
  CHECK(next_of("*/15 * * * *", 1715335650) == 1715336100);
  // 10:15 exactly -> 10:30 (strictly after)
  CHECK(next_of("*/15 * * * *", 1715336100) == 1715337000);
  // 10:45 -> 11:00
  CHECK(next_of("*/15 * * * *", 1715337900) == 1715338800);
  // 5/20: 10:07:30 -> 10:25
  CHECK(next_of("5/20 * * * *", 1715335650) == 1715336700);
  // Every minute: 1969-12-31 23:59:30 -> 1970-01-01 00:00
  CHECK(next_of("* * * * *", -30) == 0);
}

TEST_CASE("next_fire: weekdays skip the weekend") {
  // Fri 2024-05-10 08:00 -> Fri 09:00
  CHECK(next_of("0 9 * * MON-FRI", 1715328000) == 1715331600);
  // Fri 2024-05-10 09:00 -> Mon 2024-05-13 09:00
  CHECK(next_of("0 9 * * MON-FRI", 1715331600) == 1715590800);
  // Fri 2024-05-10 09:00:01 -> Mon 2024-05-13 09:00
  CHECK(next_of("0 9 * * 1-5", 1715331601) == 1715590800);
  // 7 is Sunday: Fri 2024-05-10 00:00 -> Sun 2024-05-12 00:00
  CHECK(next_of("0 0 * * 7", 1715299200) == 1715472000);
  // Sat 2024-05-11 00:00 -> Sun 2024-05-12 00:00
  CHECK(next_of("0 0 * * 5-7", 1715385600) == 1715472000);
  // @weekly: Fri 2024-05-10 00:00 -> Sun 2024-05-12 00:00
  CHECK(next_of("@weekly", 1715299200) == 1715472000);
}

TEST_CASE("next_fire: OR rule when both day fields are restricted") {
  // Wed 2024-05-01 00:00 -> Sun 2024-05-05 00:00
  CHECK(next_of("0 0 1 * SUN", 1714521600) == 1714867200);
  // Sun 2024-05-26 00:00 -> Sat 2024-06-01 00:00 (day-of-month 1)
  CHECK(next_of("0 0 1 * SUN", 1716681600) == 1717200000);
  // Sat 2024-06-01 00:00 -> Sun 2024-06-02 00:00
  CHECK(next_of("0 0 1 * SUN", 1717200000) == 1717286400);
  // Unrestricted weekday: AND rule, 2024-05-01 -> 2024-06-01
  CHECK(next_of("0 0 1 * *", 1714521600) == 1717200000);
  // `*/2` counts as unrestricted: odd day AND Sunday.
  // Sun 2024-05-05 00:00 -> Sun 2024-05-19 00:00 (05-12 is even)
  CHECK(next_of("0 0 */2 * SUN", 1714867200) == 1716076800);
}

TEST_CASE("next_fire: month rollover") {
  // 2024-01-31 12:00 -> 2024-01-31 12:30
  CHECK(next_of("30 12 31 * *", 1706702400) == 1706704200);
  // 2024-01-31 12:30 -> 2024-03-31 12:30 (February has no 31st)
  CHECK(next_of("30 12 31 * *", 1706704200) == 1711888200);
  // @monthly: 2024-01-31 12:00 -> 2024-02-01 00:00
  CHECK(next_of("@monthly", 1706702400) == 1706745600);
  // Hour rollover into the next day: 2024-05-10 23:50 -> 2024-05-11 00:00
  CHECK(next_of("0 * * * *", 1715385000) == 1715385600);
  CHECK(next_of("@hourly", 1715335650) == 1715338800);
}

TEST_CASE("next_fire: year rollover") {
  // 2023-12-31 23:59:59 -> 2024-01-01 00:00
  CHECK(next_of("0 0 1 1 *", 1704067199) == 1704067200);
  // @yearly: 2024-01-01 00:00 -> 2025-01-01 00:00
  CHECK(next_of("@yearly", 1704067200) == 1735689600);
  // 2024-12-31 23:59 -> 2025-01-01 00:00
  CHECK(next_of("* * * * *", 1735689540) == 1735689600);
  // 2024-12-31 23:30 -> 2025-01-01 00:00
  CHECK(next_of("@daily", 1735687800) == 1735689600);
}

TEST_CASE("next_fire: utc offset") {
  // UTC+2: 2024-05-10 00:00 UTC (02:00 local) -> 09:00 local = 07:00 UTC
  CHECK(next_of("0 9 * * *", 1715299200, 120) == 1715324400);
  // UTC-5: 2024-05-10 00:00 UTC (05-09 19:00 local) -> 05-10 09:00 local
  // = 2024-05-10 14:00 UTC
  CHECK(next_of("0 9 * * *", 1715299200, -300) == 1715349600);
  // UTC+2: Thu 2024-05-09 21:00 UTC is Thu 23:00 local; Friday midnight
  // local is 2024-05-09 22:00 UTC.
  CHECK(next_of("0 0 * * FRI", 1715288400, 120) == 1715292000);
  // UTC+5:30: 2024-05-09 18:30 UTC is 2024-05-10 00:00 local -> next
  // local midnight 2024-05-11 00:00 = 2024-05-10 18:30 UTC
  CHECK(next_of("@midnight", 1715279400, 330) == 1715279400 + 86400);
}
