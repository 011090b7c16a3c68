// Debian's libdate-tz is built to read the system's /usr/share/zoneinfo
// (USE_OS_TZDB=1, which CMake's date::date-tz target also defines). The
// header must agree with the library, or tzdb's layout differs from the one
// the library fills in.
#ifndef USE_OS_TZDB
#define USE_OS_TZDB 1
#endif

#include "store/rules/push_rules.hpp"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <exception>

namespace mc::store::rules {
namespace {

using Seconds = std::chrono::seconds;
using SysSeconds = date::sys_seconds;
using LocalSeconds = date::local_seconds;

constexpr int kMinutesPerDay = 24 * 60;

// A zone's name is a path below /usr/share/zoneinfo; the library only ever
// matches it against the names it found there, but a name that is plainly
// not IANA's is refused before it gets that far.
bool plausible_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name == "localtime") return false;
  if (name.find("..") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
           c == '-' || c == '+';
  });
}

// The zone, or nullptr if the name is unknown or the database cannot be
// read. locate_zone throws for both; no exception leaves this file.
const date::time_zone* find_zone(std::string_view name) {
  if (!plausible_zone_name(name)) return nullptr;
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::exception&) {
    return nullptr;
  }
}

// A user's clock: a zone, or UTC when there is none (an unknown name, or no
// tz database at all), so that the rules degrade instead of failing.
class LocalClock {
 public:
  explicit LocalClock(std::string_view name) : zone_(find_zone(name)) {}

  LocalSeconds to_local(SysSeconds t) const {
    if (zone_ == nullptr) return LocalSeconds{t.time_since_epoch()};
    return zone_->to_local(t);
  }

  // The first instant after `after` at which the local clock reads `target`
  // (the earlier of two when it reads it twice); if the clock skips
  // `target`, the instant it jumps. nullopt if that instant is not after
  // `after` (the caller then tries a later target).
  std::optional<SysSeconds> first_after(LocalSeconds target, SysSeconds after) const {
    if (zone_ == nullptr) return later(SysSeconds{target.time_since_epoch()}, after);
    date::local_info info = zone_->get_info(target);
    switch (info.result) {
      case date::local_info::unique:
        return later(SysSeconds{target.time_since_epoch()} - info.first.offset, after);
      case date::local_info::nonexistent:
        return later(info.first.end, after);
      case date::local_info::ambiguous: {
        if (auto t = later(SysSeconds{target.time_since_epoch()} - info.first.offset, after)) return t;
        return later(SysSeconds{target.time_since_epoch()} - info.second.offset, after);
      }
    }
    return std::nullopt;
  }

  // The first instant the local clock reads `target`, whenever that is.
  SysSeconds first_at(LocalSeconds target) const { return *first_after(target, SysSeconds::min()); }

  // The first instant after t at which the local clock reads `minute` (a
  // minute of the day).
  SysSeconds next_time_of_day(SysSeconds t, int minute) const {
    date::local_days day = date::floor<date::days>(to_local(t));
    // Today's, tomorrow's, or (after a clock that read it twice) the next.
    for (int i = 0; i < 3; ++i) {
      if (auto at = first_after(day + date::days{i} + std::chrono::minutes{minute}, t)) return *at;
    }
    return t + date::days{1};  // unreachable with any real zone
  }

  SysSeconds day_start(SysSeconds t) const { return first_at(date::floor<date::days>(to_local(t))); }
  SysSeconds next_day_start(SysSeconds t) const {
    return first_at(date::floor<date::days>(to_local(t)) + date::days{1});
  }

  SysSeconds week_start(SysSeconds t) const { return first_at(local_monday(t)); }
  SysSeconds next_week_start(SysSeconds t) const { return first_at(local_monday(t) + date::weeks{1}); }

  int minute_of_day(SysSeconds t) const {
    LocalSeconds local = to_local(t);
    return static_cast<int>(date::floor<std::chrono::minutes>(local - date::floor<date::days>(local)).count());
  }

 private:
  static std::optional<SysSeconds> later(SysSeconds t, SysSeconds after) {
    if (t > after) return t;
    return std::nullopt;
  }

  date::local_days local_monday(SysSeconds t) const {
    date::local_days day = date::floor<date::days>(to_local(t));
    return day - (date::weekday{day} - date::Monday);
  }

  const date::time_zone* zone_;
};

bool in_quiet_hours(const QuietHours& q, int minute) {
  if (q.start_minute < q.end_minute) return minute >= q.start_minute && minute < q.end_minute;
  return minute >= q.start_minute || minute < q.end_minute;  // spans midnight
}

// "HH:MM" -> minutes since midnight.
std::optional<int> parse_time_of_day(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  int hour = (text[0] - '0') * 10 + (text[1] - '0');
  int minute = (text[3] - '0') * 10 + (text[4] - '0');
  if (hour > 23 || minute > 59) return std::nullopt;
  return hour * 60 + minute;
}

std::int64_t count_in(std::span<const std::int64_t> times, SysSeconds from, SysSeconds to) {
  return std::count_if(times.begin(), times.end(), [&](std::int64_t t) {
    return t >= from.time_since_epoch().count() && t < to.time_since_epoch().count();
  });
}

SysSeconds from_unix(std::int64_t seconds) { return SysSeconds{Seconds{seconds}}; }
std::int64_t to_unix(SysSeconds t) { return t.time_since_epoch().count(); }

PushDecision expire(std::int64_t not_before, std::string why) {
  return {PushDecision::Kind::kExpire, not_before, std::move(why)};
}

}  // namespace

Result<QuietHours> parse_quiet_hours(std::string_view start, std::string_view end) {
  auto s = parse_time_of_day(start);
  auto e = parse_time_of_day(end);
  if (!s || !e) {
    std::string_view bad = s ? end : start;
    return Error::invalid_argument("invalid_quiet_hours",
                                   "quiet hours take times as \"HH:MM\" (00:00 to 23:59), not \"" + std::string(bad) +
                                       "\"");
  }
  if (*s == *e) {
    return Error::invalid_argument("invalid_quiet_hours",
                                   "quiet hours cannot start and end at the same time (" + std::string(start) + ")");
  }
  return QuietHours{*s, *e};
}

std::string format_time_of_day(int minute_of_day) {
  int m = ((minute_of_day % kMinutesPerDay) + kMinutesPerDay) % kMinutesPerDay;
  std::string out = "00:00";
  out[0] = static_cast<char>('0' + m / 600);
  out[1] = static_cast<char>('0' + m / 60 % 10);
  out[3] = static_cast<char>('0' + m % 60 / 10);
  out[4] = static_cast<char>('0' + m % 10);
  return out;
}

Status check_time_zone(std::string_view iana_name) {
  if (find_zone(iana_name) == nullptr) {
    return Error::invalid_argument("unknown_time_zone",
                                   "no time zone \"" + std::string(iana_name) +
                                       "\" in the tz database; use an IANA name such as \"Europe/Berlin\"");
  }
  return {};
}

PushDecision decide_push(std::int64_t now_unix, std::string_view time_zone, std::optional<QuietHours> quiet,
                         PushLimits limits, std::span<const std::int64_t> sent_at,
                         std::optional<std::int64_t> expires_at) {
  if (expires_at && now_unix >= *expires_at) return expire(now_unix, "expired");
  // A user who takes no pushes: holding them until some later day would
  // only pile them up, so they expire now.
  if (limits.per_day <= 0) return expire(now_unix, "daily_cap");
  if (limits.per_week <= 0) return expire(now_unix, "weekly_cap");

  LocalClock clock(time_zone);
  SysSeconds t = from_unix(now_unix);
  std::string why;
  // Each rule that forbids t moves it to the first instant that rule allows;
  // then all are asked again. Every move is forward, and after a cap moves t
  // to a new day or week no push counts against it (sent_at is the past),
  // so this settles within a few rounds; the bound only guards against
  // sent_at in the future.
  for (int round = 0; round < 32; ++round) {
    std::string_view blocked;
    if (quiet && in_quiet_hours(*quiet, clock.minute_of_day(t))) {
      blocked = "quiet_hours";
      t = clock.next_time_of_day(t, quiet->end_minute);
    } else if (count_in(sent_at, clock.day_start(t), clock.next_day_start(t)) >= limits.per_day) {
      blocked = "daily_cap";
      t = clock.next_day_start(t);
    } else if (count_in(sent_at, clock.week_start(t), clock.next_week_start(t)) >= limits.per_week) {
      blocked = "weekly_cap";
      t = clock.next_week_start(t);
    } else {
      break;
    }
    if (why.empty()) why = blocked;
  }

  if (why.empty()) return {PushDecision::Kind::kSendNow, now_unix, ""};
  if (expires_at && to_unix(t) >= *expires_at) return expire(to_unix(t), std::move(why));
  return {PushDecision::Kind::kHold, to_unix(t), std::move(why)};
}

std::int64_t local_day_start(std::int64_t now_unix, std::string_view time_zone) {
  return to_unix(LocalClock(time_zone).day_start(from_unix(now_unix)));
}

std::int64_t week_window_start(std::int64_t now_unix, std::string_view time_zone) {
  return to_unix(LocalClock(time_zone).week_start(from_unix(now_unix)));
}

}  // namespace mc::store::rules
