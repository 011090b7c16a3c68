#include "store/rules/campaign_rules.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace mc::store {

std::string_view campaign_state_name(CampaignState s) {
  switch (s) {
    case CampaignState::kActive:
      return "active";
    case CampaignState::kPaused:
      return "paused";
    case CampaignState::kCancelled:
      return "cancelled";
    case CampaignState::kFinished:
      return "finished";
  }
  return "active";
}

}  // namespace mc::store

namespace mc::store::rules {

namespace {

Error bad(const std::string& message) { return Error::invalid_argument("invalid_audience", message); }

}  // namespace

Result<Audience> parse_audience(std::string_view text) {
  Audience a;
  if (text == "everyone") return a;
  if (text == "recommended") {
    a.kind = Audience::Kind::kRecommended;
    return a;
  }
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return bad("audience '" + std::string(text) +
               "' is none of everyone, tag:T, kind:K, consumed:ID, users:a,b, recommended");
  }
  auto head = text.substr(0, colon);
  auto rest = text.substr(colon + 1);
  if (rest.empty()) return bad("audience '" + std::string(text) + "' names nothing after ':'");
  if (rest.size() > 10000) return bad("audience is longer than 10,000 characters");
  if (head == "tag") a.kind = Audience::Kind::kTag;
  else if (head == "kind") a.kind = Audience::Kind::kKind;
  else if (head == "consumed") a.kind = Audience::Kind::kConsumed;
  else if (head == "users") a.kind = Audience::Kind::kUsers;
  else return bad("audience kind '" + std::string(head) + "' is none of tag, kind, consumed, users");
  if (a.kind != Audience::Kind::kUsers) {
    a.value = std::string(rest);
    return a;
  }
  std::set<std::string_view> seen;
  std::size_t start = 0;
  while (start <= rest.size()) {
    auto end = rest.find(',', start);
    if (end == std::string_view::npos) end = rest.size();
    auto id = rest.substr(start, end - start);
    if (id.empty()) return bad("audience users:... has an empty network ID");
    if (seen.insert(id).second) a.network_ids.emplace_back(id);
    start = end + 1;
  }
  return a;
}

std::optional<std::int64_t> next_occurrence(const Campaign& c, std::int64_t scheduled_at, std::int64_t now) {
  if (!c.every) return std::nullopt;
  const std::int64_t step = (*c.every == "week" ? 7 : 1) * std::int64_t{86400000};
  std::int64_t next = scheduled_at + step;
  if (next <= now) next += ((now - next) / step + 1) * step;
  if (next >= c.expires_at) return std::nullopt;
  return next;
}

std::string_view push_state_name(PushWrite::State s) {
  switch (s) {
    case PushWrite::State::kDeliver:
      return "delivered";
    case PushWrite::State::kHold:
      return "held";
    case PushWrite::State::kExpire:
      return "expired";
    case PushWrite::State::kSkip:
      return "skipped";
  }
  return "skipped";
}

bool is_signal_kind(std::string_view kind) {
  static constexpr std::array<std::string_view, 8> kKinds = {"viewed",         "downloaded",    "opened",
                                                             "shared",         "forwarded",     "push_opened",
                                                             "push_dismissed", "not_interested"};
  return std::find(kKinds.begin(), kKinds.end(), kind) != kKinds.end();
}

std::optional<CampaignState> parse_campaign_state(std::string_view name) {
  for (auto s : {CampaignState::kActive, CampaignState::kPaused, CampaignState::kCancelled, CampaignState::kFinished}) {
    if (campaign_state_name(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace mc::store::rules
