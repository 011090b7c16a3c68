// GCC 12 warns inside its own AVX-512 intrinsics (_mm512_undefined_ps is
// "uninitialised" by design) once Eigen's GEMM kernels are inlined here with
// -march=native; the warning is issued at instantiation, past any include,
// so it is silenced for this file (GCC bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>

#include "core/recommend/models.hpp"

namespace mc::recommend {

namespace {

using Index = Eigen::Index;

// Only with weights so large that float overflows: lambda > 0 makes G
// positive definite in exact arithmetic.
Error not_positive_definite(const std::string& what) {
  return Error{ErrorKind::kInternal, "ease_not_positive_definite", "ease: " + what};
}

// The lower triangle of X^T X, accumulated straight from the rows: cheaper
// than a sparse product and no intermediate copies. Threads own disjoint
// column ranges, cut so that each holds about the same number of updates
// (popular items have far longer columns), so they never write the same
// entry; each thread walks every row but binary-searches to its range.
void add_lower_gram(const Interactions& data, Eigen::MatrixXf& g) {
  const Index n = g.rows();
  std::vector<double> work(static_cast<std::size_t>(n) + 1, 0.0);
  for (std::uint32_t u = 0; u < data.num_users(); ++u) {
    UserRow r = data.row(u);
    for (std::size_t k = 0; k < r.size(); ++k) work[r.items[k] + 1] += static_cast<double>(r.size() - k);
  }
  for (Index i = 0; i < n; ++i) work[i + 1] += work[i];
  constexpr int kChunks = 64;
  std::vector<std::uint32_t> cut(kChunks + 1, static_cast<std::uint32_t>(n));
  cut[0] = 0;
  for (int c = 1; c < kChunks; ++c) {
    double target = work[n] * c / kChunks;
    cut[c] = static_cast<std::uint32_t>(std::lower_bound(work.begin(), work.end(), target) - work.begin());
  }

  float* gd = g.data();
  const auto num_users = static_cast<std::uint32_t>(data.num_users());
#pragma omp parallel for schedule(dynamic, 1)
  for (int c = 0; c < kChunks; ++c) {
    const std::uint32_t c0 = cut[c], c1 = std::max(cut[c], cut[c + 1]);
    if (c0 >= c1) continue;
    for (std::uint32_t u = 0; u < num_users; ++u) {
      UserRow r = data.row(u);
      auto first = std::lower_bound(r.items.begin(), r.items.end(), c0) - r.items.begin();
      for (auto k = static_cast<std::size_t>(first); k < r.size() && r.items[k] < c1; ++k) {
        float* col = gd + static_cast<std::size_t>(r.items[k]) * static_cast<std::size_t>(n);
        const float wk = r.weights[k];
        for (std::size_t a = k; a < r.size(); ++a) col[r.items[a]] += wk * r.weights[a];
      }
    }
  }
}

}  // namespace

Status EaseModel::train(const Interactions& data) {
  if (!(options_.lambda > 0) || !std::isfinite(options_.lambda)) {
    return Error::invalid_argument("invalid_lambda", "ease: lambda must be a positive number");
  }
  const auto n = static_cast<Index>(data.num_items());
  if (data.num_items() > options_.max_items) {
    return Error::too_large("too_many_items",
                            "ease: " + std::to_string(n) + " items, at most " + std::to_string(options_.max_items));
  }
  bt_.resize(0, 0);

  Eigen::MatrixXf g = Eigen::MatrixXf::Zero(n, n);
  add_lower_gram(data, g);
  g.diagonal().array() += options_.lambda;

  // P = G^-1 from the Cholesky factor G = L L^T as P = L^-T L^-1, in three
  // steps of about n^3/3 multiply-adds each, the last two split into
  // independent column blocks across threads. Solving L L^T P = I directly
  // (llt.solve(Identity)) costs 2n^3 on one core: ~40 s at n = 10,000 on
  // this project's 2-core machine, where the whole train() here takes 26 s.
  Eigen::LLT<Eigen::Ref<Eigen::MatrixXf>, Eigen::Lower> llt(g);  // L overwrites g's lower triangle
  if (llt.info() != Eigen::Success) {
    return not_positive_definite("the Gram matrix is not positive definite");
  }

  // Column block J of L^-1 is zero above the block (L^-1 is lower
  // triangular), so each block solves only the trailing part of L.
  constexpr Index kBlock = 256;
  const Index blocks = (n + kBlock - 1) / kBlock;
  Eigen::MatrixXf inv_l = Eigen::MatrixXf::Zero(n, n);
#pragma omp parallel for schedule(dynamic, 1)
  for (Index b = 0; b < blocks; ++b) {
    const Index c0 = b * kBlock, w = std::min(kBlock, n - c0);
    auto block = inv_l.block(c0, c0, n - c0, w);
    block.topRows(w).setIdentity();
    g.block(c0, c0, n - c0, n - c0).triangularView<Eigen::Lower>().solveInPlace(block);
  }

  // P's lower triangle, block column J: P(J:, J) = L^-1(J:, J:)^T L^-1(J:, J).
  // g's factor is no longer needed: P takes its place.
#pragma omp parallel for schedule(dynamic, 1)
  for (Index b = 0; b < blocks; ++b) {
    const Index c0 = b * kBlock, w = std::min(kBlock, n - c0);
    g.block(c0, c0, n - c0, w).noalias() =
        inv_l.block(c0, c0, n - c0, n - c0).transpose() * inv_l.block(c0, c0, n - c0, w);
  }
  inv_l.resize(0, 0);
  g.triangularView<Eigen::StrictlyUpper>() = g.transpose();

  // B^T(i, j) = B(j, i) = -P(j, i) / P(i, i) = -P(i, j) / P(i, i): row i of
  // the symmetric P scaled by -1 / P(i, i), in place.
  Eigen::VectorXf scale = -g.diagonal().cwiseInverse();
#pragma omp parallel for schedule(static)
  for (Index j = 0; j < n; ++j) g.col(j).array() *= scale.array();
  g.diagonal().setZero();
  if (!g.allFinite()) {
    return not_positive_definite("the inverse has non-finite entries");
  }
  bt_ = std::move(g);
  return {};
}

void EaseModel::score(UserRow history, std::span<float> out) const {
  // Raw pointers: Eigen's operator() checks bounds unless NDEBUG, and this
  // loop is the whole cost of scoring.
  const std::size_t n = out.size();
  float* o = out.data();
  std::fill(o, o + n, 0.0f);
  const float* b = bt_.data();
  for (std::size_t k = 0; k < history.size(); ++k) {
    const float w = history.weights[k];
    const float* col = b + static_cast<std::size_t>(history.items[k]) * n;
    for (std::size_t i = 0; i < n; ++i) o[i] += w * col[i];
  }
}

std::optional<std::uint32_t> EaseModel::explain(UserRow history, std::uint32_t item) const {
  std::optional<std::uint32_t> best;
  float best_contribution = 0;
  for (std::size_t k = 0; k < history.size(); ++k) {
    float c = history.weights[k] * weight(history.items[k], item);
    if (c > best_contribution) {
      best_contribution = c;
      best = history.items[k];
    }
  }
  return best;
}

}  // namespace mc::recommend
