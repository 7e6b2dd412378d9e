#pragma once
// Binomial logistic regression by Newton's method (iteratively reweighted least squares) with an
// optional ridge (L2) penalty, on aggregated rows: each row of the design stands for `trials` cases of
// which `events` are events. Linear algebra by Eigen. No I/O.
#include <Eigen/Dense>

namespace sdelka::lending::scoring {

struct LogitOptions {
  double l2 = 0.0;             // ridge penalty: minimises -loglik + l2/2 * |beta|^2 (intercept not penalised)
  int max_iterations = 100;    // Newton steps at most
  double tolerance = 1e-10;    // stop when the largest coefficient change is below this
};

struct LogitFit {
  Eigen::VectorXd coefficients;  // [intercept, beta_1 .. beta_p]
  int iterations = 0;            // Newton steps taken
  bool converged = false;        // false: max_iterations reached (coefficients are the last iterate)
  double deviance = 0.0;         // -2 * log-likelihood at the coefficients
};

// Fits logit(P(event | x_i)) = intercept + x_i . beta. `x` is rows x p (no intercept column); `trials`
// and `events` have one entry per row with 0 <= events <= trials; rows with zero trials are ignored.
// Returns the fit; throws std::invalid_argument when the sizes disagree, a count is negative or
// events exceed trials, or l2 < 0. Deterministic: the same input gives bit-identical coefficients.
// Without a penalty, perfectly separable data make the coefficients diverge: converged is then false.
LogitFit fit_logit(const Eigen::MatrixXd& x, const Eigen::VectorXd& trials, const Eigen::VectorXd& events,
                   const LogitOptions& options = {});

}  // namespace sdelka::lending::scoring
