// msgc's push commands: campaign (providers), push settings, why, dismiss,
// recommendations. Each runs an operation of libmsgcenter's table.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "client/view/render_text.hpp"
#include "core/wire/codec.hpp"

namespace mc::cli {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return "";
  if (v->is_string()) return client::terminal_safe(v->as_string());
  return json::serialize(*v);
}

std::optional<std::int64_t> opt_ms(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

// An ISO-8601 time: 2026-12-24T18:00:00Z, 2026-12-24T18:00+01:00,
// 2026-12-24 (midnight). Without an offset it is UTC. Unix milliseconds.
std::optional<std::int64_t> parse_time(const std::string& text) {
  using namespace std::chrono;
  std::size_t i = 0;
  // Exactly `width` digits at i.
  auto digits = [&](int width) -> std::optional<int> {
    if (i + static_cast<std::size_t>(width) > text.size()) return std::nullopt;
    int v = 0;
    for (int k = 0; k < width; ++k, ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto expect = [&](char ch) {
    if (i < text.size() && text[i] == ch) return ++i, true;
    return false;
  };
  auto y = digits(4);
  if (!y || !expect('-')) return std::nullopt;
  auto mo = digits(2);
  if (!mo || !expect('-')) return std::nullopt;
  auto d = digits(2);
  if (!d) return std::nullopt;
  year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return std::nullopt;
  int hh = 0, mm = 0, ss = 0, offset_min = 0;
  if (expect('T')) {
    auto h = digits(2);
    if (!h || !expect(':')) return std::nullopt;
    auto m = digits(2);
    if (!m) return std::nullopt;
    hh = *h;
    mm = *m;
    if (expect(':')) {
      auto sec = digits(2);
      if (!sec) return std::nullopt;
      ss = *sec;
    }
    if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
    if (!expect('Z') && i < text.size()) {
      int sign = text[i] == '+' ? 1 : text[i] == '-' ? -1 : 0;
      if (sign == 0) return std::nullopt;
      ++i;
      auto oh = digits(2);
      if (!oh || !expect(':')) return std::nullopt;
      auto om = digits(2);
      if (!om || *oh > 14 || *om > 59) return std::nullopt;
      offset_min = sign * (*oh * 60 + *om);
    }
  }
  if (i != text.size()) return std::nullopt;
  auto t = sys_days{date} + hours{hh} + minutes{mm - offset_min} + seconds{ss};
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// A rate as people read it: "50.0%".
std::string percent(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v->to_number<double>() * 100);
  return buf;
}

std::string campaign_line(const json::object& c) {
  std::string line = str(c, "id") + "  " + str(c, "state") + "  " + str(c, "audience") + "  \"" + str(c, "message") +
                     "\"  starts " + time_or_dash(opt_ms(c, "starts_at"));
  if (!str(c, "every").empty()) line += ", every " + str(c, "every");
  line += ", expires " + time_or_dash(opt_ms(c, "expires_at")) + ", occurrences: " + str(c, "occurrences");
  return line;
}

Command campaign_command() {
  struct Args {
    std::string action, id, message, audience, at = "now", every, expires;
    std::vector<std::string> resources;
  };
  auto a = std::make_shared<Args>();
  return {
      "campaign",
      "push campaigns (provider accounts): create --resource ID --message TEXT --audience A [--at now|TIME] "
      "[--every day|week] [--expires TIME], list, pause|resume|cancel|stats ID",
      [a](CLI::App& c) {
        c.add_option("ACTION", a->action, "create, list, show, pause, resume, cancel or stats")
            ->required()
            ->check(CLI::IsMember({"create", "list", "show", "pause", "resume", "cancel", "stats"}));
        c.add_option("ID", a->id, "the campaign (all but create and list)");
        c.add_option("--resource", a->resources, "create: a resource to push (repeat for more)");
        c.add_option("--message", a->message, "create: the message users see");
        c.add_option("--audience", a->audience,
                     "create: everyone, tag:T, kind:K, consumed:ID, users:a,b or recommended");
        c.add_option("--at", a->at,
                     "create: now, or an ISO-8601 time such as 2026-12-24T18:00+01:00 (read as UTC when it "
                     "has no offset)");
        c.add_option("--every", a->every, "create: day or week (default: once)")->check(CLI::IsMember({"day", "week"}));
        c.add_option("--expires", a->expires, "create: an ISO-8601 time, as --at (default: 7 days after the start)");
      },
      [a](Session& s) {
        json::object req{{"action", a->action}};
        if (a->action == "create") {
          if (a->resources.empty()) return usage_error("campaign create: give at least one --resource ID");
          if (a->message.empty()) return usage_error("campaign create: give a --message");
          if (a->audience.empty()) return usage_error("campaign create: give an --audience");
          json::array ids;
          for (const auto& id : a->resources) ids.emplace_back(id);
          req["resource_ids"] = std::move(ids);
          req["message"] = a->message;
          req["audience"] = a->audience;
          if (a->at != "now") {
            auto at = parse_time(a->at);
            if (!at) return usage_error("campaign create: --at '" + a->at + "' is neither now nor an ISO-8601 time");
            req["starts_at"] = *at;
          }
          if (!a->every.empty()) req["every"] = a->every;
          if (!a->expires.empty()) {
            auto until = parse_time(a->expires);
            if (!until) return usage_error("campaign create: --expires '" + a->expires + "' is no ISO-8601 time");
            req["expires_at"] = *until;
          }
        } else if (a->action != "list") {
          if (a->id.empty()) return usage_error("campaign " + a->action + ": name the campaign");
          req["campaign_id"] = a->id;
        }
        MC_CLI_CALL(answer, s, "campaign", req);
        if (s.globals().json) {
          print_json_line(answer);
          return 0;
        }
        if (a->action == "list") {
          for (const auto& c : answer.at("campaigns").as_array()) std::cout << campaign_line(c.as_object()) << "\n";
        } else if (a->action == "stats") {
          std::cout << "campaign " << str(answer, "campaign_id") << " (" << str(answer, "state")
                    << ", occurrences: " << str(answer, "occurrences") << ")\n"
                    << "targeted " << str(answer, "targeted") << ", delivered " << str(answer, "delivered") << ", held "
                    << str(answer, "held") << ", expired " << str(answer, "expired") << ", skipped "
                    << str(answer, "skipped") << "\nopened " << str(answer, "opened") << ", dismissed "
                    << str(answer, "dismissed") << ", open rate " << percent(answer, "open_rate") << "\n";
          for (const auto& h : answer.at("hours").as_array()) {
            const auto& o = h.as_object();
            std::cout << "  " << time_or_dash(opt_ms(o, "hour")) << "  delivered " << str(o, "delivered") << ", opened "
                      << str(o, "opened") << ", open rate so far " << percent(o, "open_rate") << "\n";
          }
        } else {
          const auto& c = answer.at("campaign").as_object();
          std::cout << campaign_line(c) << "\n";
          if (a->action == "create") std::cout << "users in the audience now: " << str(c, "audience_size") << "\n";
        }
        return 0;
      }};
}

void print_push_settings(const json::object& answer) {
  const auto& s = answer.at("settings").as_object();
  std::cout << "per day: " << str(s, "per_day") << " (at most " << str(s, "max_per_day") << ")\n"
            << "per week: " << str(s, "per_week") << " (at most " << str(s, "max_per_week") << ")\n"
            << "time zone: " << str(s, "time_zone") << "\n";
  const auto& q = s.at("quiet_hours");
  std::cout << "quiet hours: "
            << (q.is_object() ? str(q.as_object(), "start") + " to " + str(q.as_object(), "end") : std::string("none"))
            << "\n";
  const auto& o = s.at("opt_out").as_object();
  std::cout << "opted out: "
            << (o.at("all").as_bool() ? "of all pushes" : "kinds " + str(o, "kinds") + ", tags " + str(o, "tags"))
            << "\n";
}

Command push_command() {
  struct Args {
    std::string action;
    std::optional<int> per_day, per_week;
    std::string time_zone, quiet;
    bool no_quiet = false, opt_out_all = false, opt_in_all = false;
    std::vector<std::string> kinds, tags;
    bool clear_kinds = false, clear_tags = false;
  };
  auto a = std::make_shared<Args>();
  return {
      "push",
      "your push settings: push settings [--per-day N] [--per-week N] [--time-zone ZONE] [--quiet-hours "
      "22:00-07:00 | --no-quiet-hours] [--opt-out-all | --opt-in-all] [--opt-out-kind K] [--opt-out-tag T]",
      [a](CLI::App& c) {
        c.add_option("ACTION", a->action, "settings")->required()->check(CLI::IsMember({"settings"}));
        c.add_option("--per-day", a->per_day, "at most this many pushes a day (0: none)");
        c.add_option("--per-week", a->per_week, "at most this many pushes a week (0: none)");
        c.add_option("--time-zone", a->time_zone, "your IANA time zone, such as Europe/Berlin");
        c.add_option("--quiet-hours", a->quiet, "no pushes from START to END, local time: 22:00-07:00");
        c.add_flag("--no-quiet-hours", a->no_quiet, "no quiet hours");
        c.add_flag("--opt-out-all", a->opt_out_all, "no pushes at all");
        c.add_flag("--opt-in-all", a->opt_in_all, "pushes again (undoes --opt-out-all)");
        c.add_option("--opt-out-kind", a->kinds, "no pushes of this kind (repeat; replaces the list)");
        c.add_option("--opt-out-tag", a->tags, "no pushes with this tag (repeat; replaces the list)");
        c.add_flag("--clear-kinds", a->clear_kinds, "no kind opted out");
        c.add_flag("--clear-tags", a->clear_tags, "no tag opted out");
      },
      [a](Session& s) {
        json::object req;
        if (a->per_day) req["per_day"] = *a->per_day;
        if (a->per_week) req["per_week"] = *a->per_week;
        if (!a->time_zone.empty()) req["time_zone"] = a->time_zone;
        if (!a->quiet.empty()) {
          auto dash = a->quiet.find('-');
          if (dash == std::string::npos)
            return usage_error("push settings: --quiet-hours takes START-END, such as 22:00-07:00");
          req["quiet_hours"] = json::object{{"start", a->quiet.substr(0, dash)}, {"end", a->quiet.substr(dash + 1)}};
        } else if (a->no_quiet) {
          req["quiet_hours"] = nullptr;
        }
        json::object opt;
        if (a->opt_out_all) opt["all"] = true;
        if (a->opt_in_all) opt["all"] = false;
        auto list = [](const std::vector<std::string>& v) {
          json::array arr;
          for (const auto& x : v) arr.emplace_back(x);
          return arr;
        };
        if (!a->kinds.empty() || a->clear_kinds) opt["kinds"] = list(a->kinds);
        if (!a->tags.empty() || a->clear_tags) opt["tags"] = list(a->tags);
        if (!opt.empty()) req["opt_out"] = std::move(opt);
        MC_CLI_CALL(answer, s, "push_settings", req);
        if (s.globals().json) {
          print_json_line(answer);
          return 0;
        }
        print_push_settings(answer);
        return 0;
      }};
}

Command why_command() {
  auto id = std::make_shared<std::string>();
  return {"why", "why a push reached you: its campaign and reason",
          [id](CLI::App& c) { c.add_option("ITEM_ID", *id, "the push's inbox item")->required(); },
          [id](Session& s) {
            MC_CLI_CALL(answer, s, "why", json::object{{"item_id", *id}});
            if (s.globals().json) {
              print_json_line(answer);
              return 0;
            }
            const auto& p = answer.at("push").as_object();
            std::cout << str(p, "reason") << "\n"
                      << "campaign " << str(p, "campaign_id") << ", resource " << str(p, "resource_id") << ", "
                      << str(p, "state") << " " << time_or_dash(opt_ms(p, "delivered_at"));
            if (opt_ms(p, "opened_at")) std::cout << ", opened " << time_or_dash(opt_ms(p, "opened_at"));
            if (opt_ms(p, "dismissed_at")) std::cout << ", dismissed " << time_or_dash(opt_ms(p, "dismissed_at"));
            std::cout << "\n";
            return 0;
          }};
}

Command dismiss_command() {
  struct Args {
    std::string id;
    bool not_interested = false;
  };
  auto a = std::make_shared<Args>();
  return {"dismiss", "dismiss a push; --not-interested: and nothing like it",
          [a](CLI::App& c) {
            c.add_option("ITEM_ID", a->id, "the push's inbox item")->required();
            c.add_flag("--not-interested", a->not_interested,
                       "you do not want this resource: it leaves your recommendations, and its like ranks lower");
          },
          [a](Session& s) {
            MC_CLI_CALL(answer, s, "dismiss", json::object{{"item_id", a->id}, {"not_interested", a->not_interested}});
            if (s.globals().json) {
              print_json_line(answer);
              return 0;
            }
            std::cout << "dismissed " << a->id << (a->not_interested ? " (not interested)" : "") << "\n";
            return 0;
          }};
}

Command recommendations_command() {
  return {"recommendations", "what the provider recommends to you, and why", [](CLI::App&) {},
          [](Session& s) {
            MC_CLI_CALL(answer, s, "recommendations", json::object{});
            if (s.globals().json) {
              print_json_line(answer);
              return 0;
            }
            for (const auto& v : answer.at("items").as_array()) {
              const auto& o = v.as_object();
              auto r = wire::from_json<wire::Resource>(o.at("resource"));
              if (!r) continue;
              std::cout << resource_line(*r) << "\n    " << str(o, "reason") << "\n";
            }
            return 0;
          }};
}

}  // namespace

std::vector<Command> push_commands() {
  std::vector<Command> t;
  t.push_back(campaign_command());
  t.push_back(push_command());
  t.push_back(why_command());
  t.push_back(dismiss_command());
  t.push_back(recommendations_command());
  return t;
}

}  // namespace mc::cli
