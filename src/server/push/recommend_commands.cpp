#include "server/push/recommend_commands.hpp"

#include <boost/json.hpp>
#include <iostream>

#include "core/clock.hpp"
#include "core/recommend/evaluation.hpp"
#include "server/push/recommend_job.hpp"

namespace mc::push {

int recommend_now(store::Backend& stores) {
  auto report = run_recommender(stores.push(), stores.catalog(), now_ms());
  if (!report) {
    std::cerr << "error: " << report.error().message << "\n";
    return 1;
  }
  std::cout << "recommended for " << report->users << " users from " << report->signals << " signals over "
            << report->resources << " resources (training and ranking " << report->train_seconds << " s)\n";
  return 0;
}

int recommend_eval(const std::string& events_file, bool json) {
  recommend::EvaluationOptions options;
  auto report = recommend::evaluate_events_file(events_file, options);
  if (!report) {
    std::cerr << "error: " << events_file << ": " << report.error().message << " (" << report.error().code << ")\n";
    return report.error().is(ErrorKind::kInternal) ? 1 : 2;
  }
  if (json) {
    std::cout << boost::json::serialize(recommend::to_json(*report)) << "\n";
  } else {
    std::cout << recommend::format_table(*report);
  }
  return 0;
}

}  // namespace mc::push
