#include "core/recommend/models.hpp"

#include <array>

namespace mc::recommend {

namespace {

constexpr std::array<std::string_view, 4> kNames = {"random", "most-popular", "item-knn", "ease"};

}  // namespace

std::span<const std::string_view> model_names() { return kNames; }

Result<std::unique_ptr<Model>> make_model(std::string_view name, const ModelOptions& options) {
  if (name == "random") return std::unique_ptr<Model>(new RandomModel(options.seed));
  if (name == "most-popular") return std::unique_ptr<Model>(new MostPopularModel());
  if (name == "item-knn") return std::unique_ptr<Model>(new ItemKnnModel(options.knn_neighbours));
  if (name == "ease") return std::unique_ptr<Model>(new EaseModel(options.ease));
  return Error::invalid_argument("unknown_model", "unknown model \"" + std::string(name) +
                                                      "\" (known: random, most-popular, item-knn, ease)");
}

}  // namespace mc::recommend
