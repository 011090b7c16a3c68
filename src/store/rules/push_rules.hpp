// When a personal push may reach a user (docs/pushes.md "Respect"): quiet
// hours and the daily and weekly caps, in the user's own time zone. Pure:
// the stores load the user's settings and the times of the pushes they
// already received, this decides send now, hold until T, or expire.
//
// Days and weeks are the user's local calendar day and ISO week (Monday
// 00:00 to Monday 00:00), read from the system's tz database, so that a cap
// resets at the user's midnight, not UTC's, and DST nights are right.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace mc::store::rules {

// The part of each local day when a user takes no pushes: from start_minute
// (inclusive) to end_minute (exclusive), in minutes since local midnight,
// 0..1439. start > end spans midnight (22:00 to 07:00, the usual case).
// start == end is refused by the parser: it would mean "never" or
// "always", and neither is what a user typing two times meant.
struct QuietHours {
  int start_minute = 0;
  int end_minute = 0;
};

// "HH:MM" (two digits each, 00:00..23:59) for the start and the end. Refused
// with kInvalidArgument "invalid_quiet_hours": a malformed time ("25:00",
// "7", "07:60", "") or a zero-length period (start == end).
Result<QuietHours> parse_quiet_hours(std::string_view start, std::string_view end);

// A minute of the day (0..1439) as "HH:MM", the form parse_quiet_hours reads.
std::string format_time_of_day(int minute_of_day);

// Ok for an IANA zone name the system's tz database knows ("Europe/Berlin",
// "UTC", "Asia/Kolkata"); kInvalidArgument "unknown_time_zone" otherwise
// (including "", paths, and "localtime", which names the server's zone).
Status check_time_zone(std::string_view iana_name);

// The most pushes a user takes per local day and per local ISO week. A limit
// of 0 (or below) means the user takes none: decide_push expires every push
// rather than holding it forever. kNoLimit for no cap.
struct PushLimits {
  static constexpr int kNoLimit = std::numeric_limits<int>::max();
  int per_day = kNoLimit;
  int per_week = kNoLimit;
};

struct PushDecision {
  enum class Kind { kSendNow, kHold, kExpire };
  Kind kind = Kind::kSendNow;
  // kSendNow: now. kHold: the earliest unix second at which every rule
  // allows the push (send it then, after checking the rules again).
  // kExpire: when it would have been allowed (now for a push already past
  // its expiry, or for a limit of 0).
  std::int64_t not_before = 0;
  // Why the push cannot go now: "quiet_hours", "daily_cap", "weekly_cap",
  // "expired" (now is at or past expires_at), or "" for kSendNow. It names
  // the rule that forbids it *now*, even when another rule then pushes
  // not_before further (capped at 20:00, then quiet until 07:00: "daily_cap").
  std::string why;
};

// Decides a push to one user at now_unix.
//   time_zone: the user's IANA zone; REQUIRES: it passed check_time_zone
//     (an unknown one is read as UTC, never throws).
//   quiet: the user's quiet hours, if any.
//   sent_at: unix seconds of the pushes the user already received, any
//     order; only those in the local ISO week of now_unix count, so the
//     caller may load just those since week_window_start.
//   expires_at: the push expires if it cannot go before this instant.
// The hold is the earliest instant >= now_unix at which no rule forbids it:
// the end of quiet hours (the next instant the local clock reads their end;
// the first such instant if the clock reads it twice, the instant the clock
// jumps if it skips it), the next local midnight for the daily cap, the next
// local Monday 00:00 for the weekly cap, each re-checked against the others.
// A hold that would end at or after expires_at expires instead.
PushDecision decide_push(std::int64_t now_unix, std::string_view time_zone, std::optional<QuietHours> quiet,
                         PushLimits limits, std::span<const std::int64_t> sent_at,
                         std::optional<std::int64_t> expires_at);

// The unix second at which the local calendar day holding now_unix began in
// time_zone (the first instant of that day if its midnight was skipped).
// An unknown zone is read as UTC.
std::int64_t local_day_start(std::int64_t now_unix, std::string_view time_zone);

// The unix second at which the local ISO week (Monday 00:00) holding
// now_unix began in time_zone: the pushes sent since then are all
// decide_push needs. An unknown zone is read as UTC.
std::int64_t week_window_start(std::int64_t now_unix, std::string_view time_zone);

}  // namespace mc::store::rules
