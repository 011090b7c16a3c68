#include "store/rules/push_rules.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

// Every instant below is written in UTC and worked out by hand from the
// zone's offset that day, noted beside it (Berlin: CET is UTC+1, CEST UTC+2,
// switching at 01:00 UTC on 2026-03-29 and 2026-10-25; New York: EST is
// UTC-5 in January; Tokyo: JST is UTC+9 all year). 2026-01-05 and 2026-01-12
// are Mondays.

namespace mc::store::rules {
namespace {

using namespace std::chrono_literals;
using namespace date::literals;
using Kind = PushDecision::Kind;

std::int64_t utc(date::year_month_day day, std::chrono::seconds time_of_day = 0s) {
  return (date::sys_days{day} + time_of_day).time_since_epoch().count();
}

QuietHours quiet(std::string_view start, std::string_view end) {
  auto q = parse_quiet_hours(start, end);
  EXPECT_TRUE(q.ok()) << start << "-" << end;
  return q.ok() ? *q : QuietHours{};
}

const QuietHours kNight = quiet("22:00", "07:00");

PushDecision decide(std::int64_t now, std::string_view zone, std::optional<QuietHours> q, PushLimits limits = {},
                    const std::vector<std::int64_t>& sent = {}, std::optional<std::int64_t> expires_at = {}) {
  return decide_push(now, zone, q, limits, sent, expires_at);
}

// Expects a hold until `until` for `why`.
void expect_hold(const PushDecision& d, std::int64_t until, std::string_view why) {
  EXPECT_EQ(d.kind, Kind::kHold);
  EXPECT_EQ(d.not_before, until);
  EXPECT_EQ(d.why, why);
}

void expect_send_now(const PushDecision& d, std::int64_t now) {
  EXPECT_EQ(d.kind, Kind::kSendNow);
  EXPECT_EQ(d.not_before, now);
  EXPECT_EQ(d.why, "");
}

TEST(PushRulesQuietHours, ParsesTimesOfDay) {
  auto night = parse_quiet_hours("22:00", "07:00");
  ASSERT_TRUE(night.ok());
  EXPECT_EQ(night->start_minute, 22 * 60);
  EXPECT_EQ(night->end_minute, 7 * 60);
  auto lunch = parse_quiet_hours("13:00", "14:30");
  ASSERT_TRUE(lunch.ok());
  EXPECT_EQ(lunch->start_minute, 13 * 60);
  EXPECT_EQ(lunch->end_minute, 14 * 60 + 30);
  auto edges = parse_quiet_hours("00:00", "23:59");
  ASSERT_TRUE(edges.ok());
  EXPECT_EQ(edges->end_minute, 1439);
  EXPECT_EQ(format_time_of_day(22 * 60), "22:00");
  EXPECT_EQ(format_time_of_day(7 * 60 + 5), "07:05");
  EXPECT_EQ(format_time_of_day(1439), "23:59");
}

TEST(PushRulesQuietHours, RefusesMalformedTimes) {
  for (std::string_view bad : {"25:00", "7", "07:60", "", "7:00", "07:00:00", "ab:cd", "-1:00", "24:00", " 7:00"}) {
    auto as_start = parse_quiet_hours(bad, "07:00");
    ASSERT_FALSE(as_start.ok()) << bad;
    EXPECT_TRUE(as_start.error().is(ErrorKind::kInvalidArgument));
    EXPECT_EQ(as_start.error().code, "invalid_quiet_hours");
    auto as_end = parse_quiet_hours("22:00", bad);
    ASSERT_FALSE(as_end.ok()) << bad;
    EXPECT_EQ(as_end.error().code, "invalid_quiet_hours");
  }
}

TEST(PushRulesQuietHours, RefusesZeroLength) {
  auto r = parse_quiet_hours("22:00", "22:00");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().is(ErrorKind::kInvalidArgument));
  EXPECT_EQ(r.error().code, "invalid_quiet_hours");
}

TEST(PushRulesTimeZone, KnowsIanaNames) {
  for (std::string_view z : {"Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata", "Asia/Tokyo"}) {
    EXPECT_TRUE(check_time_zone(z).ok()) << z;
  }
}

TEST(PushRulesTimeZone, RefusesOthers) {
  for (std::string_view z : {"Mars/Olympus", "", "../../etc/passwd", "/usr/share/zoneinfo/UTC", "localtime",
                             "Europe/../Europe/Berlin", "europe/berlin"}) {
    auto st = check_time_zone(z);
    ASSERT_FALSE(st.ok()) << z;
    EXPECT_TRUE(st.error().is(ErrorKind::kInvalidArgument));
    EXPECT_EQ(st.error().code, "unknown_time_zone");
  }
}

TEST(PushRulesQuiet, SpanningMidnightInBerlin) {
  // 2026-01-15, CET (UTC+1). Quiet from 21:00 UTC to 06:00 UTC the next day.
  const auto end = utc(2026_y / 1 / 16, 6h);  // 07:00 CET on the 16th
  expect_send_now(decide(utc(2026_y / 1 / 15, 20h + 59min + 59s), "Europe/Berlin", kNight),
                  utc(2026_y / 1 / 15, 20h + 59min + 59s));                                             // 21:59:59
  expect_hold(decide(utc(2026_y / 1 / 15, 21h), "Europe/Berlin", kNight), end, "quiet_hours");          // 22:00
  expect_hold(decide(utc(2026_y / 1 / 15, 22h + 30min), "Europe/Berlin", kNight), end, "quiet_hours");  // 23:30
  expect_hold(decide(utc(2026_y / 1 / 15, 23h), "Europe/Berlin", kNight), end, "quiet_hours");          // 00:00
  expect_hold(decide(utc(2026_y / 1 / 16, 2h), "Europe/Berlin", kNight), end, "quiet_hours");           // 03:00
  expect_hold(decide(utc(2026_y / 1 / 16, 5h + 59min + 59s), "Europe/Berlin", kNight), end, "quiet_hours");
  expect_send_now(decide(end, "Europe/Berlin", kNight), end);  // 07:00
}

TEST(PushRulesQuiet, SpanningMidnightInNewYork) {
  // 2026-01-15, EST (UTC-5): 22:00 local is 03:00 UTC on the 16th, so the
  // quiet night falls on one UTC day.
  const auto end = utc(2026_y / 1 / 16, 12h);  // 07:00 EST on the 16th
  expect_send_now(decide(utc(2026_y / 1 / 16, 2h + 59min), "America/New_York", kNight),
                  utc(2026_y / 1 / 16, 2h + 59min));                                              // 21:59
  expect_hold(decide(utc(2026_y / 1 / 16, 3h), "America/New_York", kNight), end, "quiet_hours");  // 22:00
  expect_hold(decide(utc(2026_y / 1 / 16, 5h), "America/New_York", kNight), end, "quiet_hours");  // 00:00
  expect_hold(decide(utc(2026_y / 1 / 16, 11h + 59min), "America/New_York", kNight), end, "quiet_hours");
  expect_send_now(decide(end, "America/New_York", kNight), end);
  // 21:00 UTC is 16:00 in New York: no quiet hours there.
  expect_send_now(decide(utc(2026_y / 1 / 15, 21h), "America/New_York", kNight), utc(2026_y / 1 / 15, 21h));
}

TEST(PushRulesQuiet, NotSpanningMidnight) {
  const auto lunch = quiet("13:00", "14:00");
  // 2026-01-15 in Berlin (CET): 13:00 local is 12:00 UTC.
  expect_send_now(decide(utc(2026_y / 1 / 15, 11h + 59min), "Europe/Berlin", lunch), utc(2026_y / 1 / 15, 11h + 59min));
  expect_hold(decide(utc(2026_y / 1 / 15, 12h), "Europe/Berlin", lunch), utc(2026_y / 1 / 15, 13h), "quiet_hours");
  expect_hold(decide(utc(2026_y / 1 / 15, 12h + 59min), "Europe/Berlin", lunch), utc(2026_y / 1 / 15, 13h),
              "quiet_hours");
  expect_send_now(decide(utc(2026_y / 1 / 15, 13h), "Europe/Berlin", lunch), utc(2026_y / 1 / 15, 13h));
  // Late at night it is not quiet.
  expect_send_now(decide(utc(2026_y / 1 / 15, 22h), "Europe/Berlin", lunch), utc(2026_y / 1 / 15, 22h));
}

TEST(PushRulesQuiet, SpringForwardInBerlin) {
  // The night of 2026-03-28/29: 23:00 CET is 22:00 UTC; clocks jump from
  // 02:00 CET to 03:00 CEST at 01:00 UTC, so 07:00 CEST is 05:00 UTC (an hour
  // earlier in UTC than the evening's offset would say).
  expect_hold(decide(utc(2026_y / 3 / 28, 22h), "Europe/Berlin", kNight), utc(2026_y / 3 / 29, 5h), "quiet_hours");
  expect_hold(decide(utc(2026_y / 3 / 29, 1h), "Europe/Berlin", kNight), utc(2026_y / 3 / 29, 5h), "quiet_hours");
  expect_send_now(decide(utc(2026_y / 3 / 29, 5h), "Europe/Berlin", kNight), utc(2026_y / 3 / 29, 5h));

  // Quiet hours ending at 02:30, a time that does not exist that night: they
  // end when the clock jumps, 03:00 CEST = 01:00 UTC.
  const auto to_half_past_two = quiet("22:00", "02:30");
  expect_hold(decide(utc(2026_y / 3 / 28, 22h), "Europe/Berlin", to_half_past_two), utc(2026_y / 3 / 29, 1h),
              "quiet_hours");
  expect_hold(decide(utc(2026_y / 3 / 29, 0h + 59min), "Europe/Berlin", to_half_past_two),  // 01:59 CET
              utc(2026_y / 3 / 29, 1h), "quiet_hours");
  expect_send_now(decide(utc(2026_y / 3 / 29, 1h), "Europe/Berlin", to_half_past_two), utc(2026_y / 3 / 29, 1h));

  // Quiet hours starting at 02:30: the clock skips their start, and at 03:00
  // CEST they are in force until 06:00 CEST = 04:00 UTC.
  const auto from_half_past_two = quiet("02:30", "06:00");
  expect_send_now(decide(utc(2026_y / 3 / 29, 0h + 59min), "Europe/Berlin", from_half_past_two),
                  utc(2026_y / 3 / 29, 0h + 59min));
  expect_hold(decide(utc(2026_y / 3 / 29, 1h), "Europe/Berlin", from_half_past_two), utc(2026_y / 3 / 29, 4h),
              "quiet_hours");
}

TEST(PushRulesQuiet, FallBackInBerlin) {
  // The night of 2026-10-24/25: 23:00 CEST is 21:00 UTC; clocks go back from
  // 03:00 CEST to 02:00 CET at 01:00 UTC, so 07:00 CET is 06:00 UTC.
  expect_hold(decide(utc(2026_y / 10 / 24, 21h), "Europe/Berlin", kNight), utc(2026_y / 10 / 25, 6h), "quiet_hours");
  expect_hold(decide(utc(2026_y / 10 / 25, 1h + 30min), "Europe/Berlin", kNight), utc(2026_y / 10 / 25, 6h),
              "quiet_hours");
  expect_send_now(decide(utc(2026_y / 10 / 25, 6h), "Europe/Berlin", kNight), utc(2026_y / 10 / 25, 6h));

  // Quiet hours ending at 02:30, which the clock reads twice: the first time
  // (02:30 CEST = 00:30 UTC) ends them.
  const auto to_half_past_two = quiet("22:00", "02:30");
  expect_hold(decide(utc(2026_y / 10 / 24, 21h), "Europe/Berlin", to_half_past_two), utc(2026_y / 10 / 25, 0h + 30min),
              "quiet_hours");
  expect_send_now(decide(utc(2026_y / 10 / 25, 0h + 40min), "Europe/Berlin", to_half_past_two),  // 02:40 CEST
                  utc(2026_y / 10 / 25, 0h + 40min));
  // When the clock reads 02:10 again (CET, 01:10 UTC) it is inside the quiet
  // hours once more, until it reads 02:30 again (01:30 UTC).
  expect_hold(decide(utc(2026_y / 10 / 25, 1h + 10min), "Europe/Berlin", to_half_past_two),
              utc(2026_y / 10 / 25, 1h + 30min), "quiet_hours");
}

TEST(PushRulesCaps, DailyCapCountsTheLocalDay) {
  // Tokyo (JST, UTC+9). Now: 2026-01-15 10:00 JST = 01:00 UTC. Two pushes
  // earlier that local day, at 00:30 and 08:00 JST, both on the 14th in UTC.
  const auto now = utc(2026_y / 1 / 15, 1h);
  const std::vector<std::int64_t> today = {utc(2026_y / 1 / 14, 23h), utc(2026_y / 1 / 14, 15h + 30min)};
  const PushLimits two_a_day{2, PushLimits::kNoLimit};
  // Held until the next local midnight, 2026-01-16 00:00 JST = 15:00 UTC on the 15th.
  expect_hold(decide(now, "Asia/Tokyo", std::nullopt, two_a_day, today), utc(2026_y / 1 / 15, 15h), "daily_cap");
  // The same instants in UTC count as yesterday's: no cap.
  expect_send_now(decide(now, "UTC", std::nullopt, two_a_day, today), now);
  // A push at 23:30 JST on the 14th (14:30 UTC, the same UTC day as 00:30
  // JST) was the day before locally: only one today.
  const std::vector<std::int64_t> across = {utc(2026_y / 1 / 14, 14h + 30min), utc(2026_y / 1 / 14, 23h)};
  expect_send_now(decide(now, "Asia/Tokyo", std::nullopt, two_a_day, across), now);
  EXPECT_EQ(local_day_start(now, "Asia/Tokyo"), utc(2026_y / 1 / 14, 15h));
  EXPECT_EQ(local_day_start(now, "UTC"), utc(2026_y / 1 / 15));
}

TEST(PushRulesCaps, WeeklyCapAcrossSundayToMonday) {
  // Berlin (CET). Now: Sunday 2026-01-11 23:30 CET = 22:30 UTC. Three pushes
  // this ISO week (Monday the 5th 09:00, Wednesday the 7th 12:00, Sunday the
  // 11th 12:00 CET).
  const auto now = utc(2026_y / 1 / 11, 22h + 30min);
  const std::vector<std::int64_t> week = {utc(2026_y / 1 / 11, 11h), utc(2026_y / 1 / 5, 8h), utc(2026_y / 1 / 7, 11h)};
  const PushLimits three_a_week{PushLimits::kNoLimit, 3};
  // Held until Monday the 12th 00:00 CET = 23:00 UTC on the 11th.
  const auto monday = utc(2026_y / 1 / 11, 23h);
  expect_hold(decide(now, "Europe/Berlin", std::nullopt, three_a_week, week), monday, "weekly_cap");
  // Half an hour into Monday the same pushes are last week's.
  expect_send_now(decide(monday + 30 * 60, "Europe/Berlin", std::nullopt, three_a_week, week), monday + 30 * 60);
  // A push on Sunday the 4th at 23:30 CET (22:30 UTC) was the week before:
  // it does not count.
  const std::vector<std::int64_t> two_this_week = {utc(2026_y / 1 / 4, 22h + 30min), utc(2026_y / 1 / 7, 11h),
                                                   utc(2026_y / 1 / 11, 11h)};
  expect_send_now(decide(now, "Europe/Berlin", std::nullopt, three_a_week, two_this_week), now);
  // The week began Monday the 5th 00:00 CET = 23:00 UTC on the 4th.
  EXPECT_EQ(week_window_start(now, "Europe/Berlin"), utc(2026_y / 1 / 4, 23h));
  // In New York Sunday 22:00 EST is already Monday 03:00 UTC, yet still
  // the week that began Monday the 5th 00:00 EST = 05:00 UTC.
  EXPECT_EQ(week_window_start(utc(2026_y / 1 / 12, 3h), "America/New_York"), utc(2026_y / 1 / 5, 5h));
}

TEST(PushRulesCaps, CapThenQuietHoldsUntilTheLater) {
  // Berlin (CET). Now: 2026-01-15 20:00 CET = 19:00 UTC; one push today at
  // 09:00 CET, one a day allowed. Tomorrow starts at 00:00 CET, inside quiet
  // hours, so it waits until 07:00 CET = 06:00 UTC on the 16th.
  const auto now = utc(2026_y / 1 / 15, 19h);
  const std::vector<std::int64_t> sent = {utc(2026_y / 1 / 15, 8h)};
  expect_hold(decide(now, "Europe/Berlin", kNight, {1, PushLimits::kNoLimit}, sent), utc(2026_y / 1 / 16, 6h),
              "daily_cap");
  // The weekly cap on Sunday the 11th 20:00 CET: held until Monday 07:00 CET.
  const std::vector<std::int64_t> week = {utc(2026_y / 1 / 5, 8h), utc(2026_y / 1 / 7, 11h)};
  expect_hold(decide(utc(2026_y / 1 / 11, 19h), "Europe/Berlin", kNight, {5, 2}, week), utc(2026_y / 1 / 12, 6h),
              "weekly_cap");
}

TEST(PushRulesCaps, QuietThenCapHoldsUntilTheLater) {
  // Quiet 01:00-07:00 in Berlin, one a day, one push today at 00:30 CET. At
  // 03:00 CET on the 16th (02:00 UTC) quiet hours hold it until 07:00, when
  // the daily cap holds it until midnight, which is not quiet: 2026-01-17
  // 00:00 CET = 23:00 UTC on the 16th.
  const std::vector<std::int64_t> sent = {utc(2026_y / 1 / 15, 23h + 30min)};
  expect_hold(decide(utc(2026_y / 1 / 16, 2h), "Europe/Berlin", quiet("01:00", "07:00"), {1, 10}, sent),
              utc(2026_y / 1 / 16, 23h), "quiet_hours");
}

TEST(PushRulesExpiry, HoldEndingAtOrAfterExpiryExpires) {
  // 23:00 CET on 2026-01-15 (22:00 UTC): quiet until 06:00 UTC on the 16th.
  const auto now = utc(2026_y / 1 / 15, 22h);
  const auto end = utc(2026_y / 1 / 16, 6h);
  auto before = decide(now, "Europe/Berlin", kNight, {}, {}, end - 3600);
  EXPECT_EQ(before.kind, Kind::kExpire);
  EXPECT_EQ(before.why, "quiet_hours");
  EXPECT_EQ(decide(now, "Europe/Berlin", kNight, {}, {}, end).kind, Kind::kExpire);
  expect_hold(decide(now, "Europe/Berlin", kNight, {}, {}, end + 1), end, "quiet_hours");
  // Sent now if it can go now and has not expired.
  expect_send_now(decide(utc(2026_y / 1 / 15, 12h), "Europe/Berlin", kNight, {}, {}, end), utc(2026_y / 1 / 15, 12h));
  // Already expired.
  auto late = decide(end, "Europe/Berlin", kNight, {}, {}, end);
  EXPECT_EQ(late.kind, Kind::kExpire);
  EXPECT_EQ(late.why, "expired");
  // A daily cap held past expiry expires with the cap as the reason.
  auto capped = decide(utc(2026_y / 1 / 15, 12h), "Europe/Berlin", std::nullopt, {1, 10}, {utc(2026_y / 1 / 15, 8h)},
                       utc(2026_y / 1 / 15, 20h));
  EXPECT_EQ(capped.kind, Kind::kExpire);
  EXPECT_EQ(capped.why, "daily_cap");
}

TEST(PushRulesCaps, ZeroMeansNone) {
  const auto now = utc(2026_y / 1 / 15, 12h);
  auto none_a_day = decide(now, "Europe/Berlin", std::nullopt, {0, 10});
  EXPECT_EQ(none_a_day.kind, Kind::kExpire);
  EXPECT_EQ(none_a_day.why, "daily_cap");
  auto none_a_week = decide(now, "Europe/Berlin", std::nullopt, {3, 0});
  EXPECT_EQ(none_a_week.kind, Kind::kExpire);
  EXPECT_EQ(none_a_week.why, "weekly_cap");
  // No limit: any number already sent.
  std::vector<std::int64_t> many(100, now - 60);
  expect_send_now(decide(now, "Europe/Berlin", std::nullopt, {}, many), now);
}

TEST(PushRulesTimeZone, UnknownZoneIsReadAsUtc) {
  // decide_push never throws: a zone that slipped past check_time_zone is UTC.
  expect_hold(decide(utc(2026_y / 1 / 15, 22h + 30min), "Mars/Olympus", kNight), utc(2026_y / 1 / 16, 7h),
              "quiet_hours");
  EXPECT_EQ(week_window_start(utc(2026_y / 1 / 11, 22h), ""), utc(2026_y / 1 / 5));
}

}  // namespace
}  // namespace mc::store::rules
