// Pure rules of campaigns that every store applies the same way: what an
// audience names, when the next occurrence is due, which signals count.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "store/push_store.hpp"

namespace mc::store::rules {

struct Audience {
  enum class Kind { kEveryone, kTag, kKind, kConsumed, kUsers, kRecommended } kind = Kind::kEveryone;
  std::string value;                     // kTag, kKind, kConsumed: the tag, kind or resource id
  std::vector<std::string> network_ids;  // kUsers, in the order given, without repeats
};

// "everyone" | "tag:T" | "kind:K" | "consumed:ID" | "users:a,b" | "recommended".
// Errors: kInvalidArgument "invalid_audience".
Result<Audience> parse_audience(std::string_view text);

// When the occurrence after the one due at `scheduled_at` is due: a day or a
// week later (calendar-free: 24-hour steps, so 09:00 UTC stays 09:00 UTC),
// or none for a campaign that fires once or whose next time is past its expiry.
// Occurrences missed meanwhile (a long pause, a server down for days) are
// skipped: the next is the first after `now`.
std::optional<std::int64_t> next_occurrence(const Campaign& c, std::int64_t scheduled_at, std::int64_t now);

// Signal kinds that show a user wants a resource (audiences by tag and
// kind), and those that show they have it (never pushed it again).
inline constexpr std::string_view kInterestSignals =
    "('viewed', 'downloaded', 'opened', 'shared', 'forwarded', 'push_opened')";
inline constexpr std::string_view kConsumedSignals =
    "('downloaded', 'opened', 'shared', 'forwarded', 'push_opened', 'not_interested')";

bool is_signal_kind(std::string_view kind);

// How a push's state is stored: "delivered", "held", "expired", "skipped".
std::string_view push_state_name(PushWrite::State s);

std::optional<CampaignState> parse_campaign_state(std::string_view name);

}  // namespace mc::store::rules
