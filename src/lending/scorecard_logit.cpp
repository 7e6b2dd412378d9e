#include "lending/scorecard_logit.hpp"

#include <cmath>
#include <stdexcept>

namespace sdelka::lending::scoring {
namespace {

// -2 log-likelihood plus the penalty, for linear predictor eta.
double objective(const Eigen::VectorXd& eta, const Eigen::VectorXd& trials, const Eigen::VectorXd& events,
                 const Eigen::VectorXd& beta, double l2) {
  double dev = 0.0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) {
    // log(1 + e^eta) computed without overflow.
    const double e = eta[i];
    const double log1pexp = e > 0 ? e + std::log1p(std::exp(-e)) : std::log1p(std::exp(e));
    dev += 2.0 * (trials[i] * log1pexp - events[i] * e);
  }
  return dev + l2 * beta.tail(beta.size() - 1).squaredNorm();
}

}  // namespace

LogitFit fit_logit(const Eigen::MatrixXd& x, const Eigen::VectorXd& trials, const Eigen::VectorXd& events,
                   const LogitOptions& options) {
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  if (trials.size() != n || events.size() != n) throw std::invalid_argument("fit_logit: sizes disagree");
  if (options.l2 < 0) throw std::invalid_argument("fit_logit: l2 must not be negative");
  for (Eigen::Index i = 0; i < n; ++i) {
    if (trials[i] < 0 || events[i] < 0 || events[i] > trials[i]) {
      throw std::invalid_argument("fit_logit: counts must satisfy 0 <= events <= trials");
    }
  }

  Eigen::MatrixXd z(n, p + 1);
  z.col(0).setOnes();
  z.rightCols(p) = x;

  // Start from the intercept of the overall event rate: Newton then converges without step control
  // for all but pathological data; step halving guards the rest.
  LogitFit fit;
  fit.coefficients = Eigen::VectorXd::Zero(p + 1);
  const double t = trials.sum();
  const double ev = events.sum();
  if (t > 0 && ev > 0 && ev < t) fit.coefficients[0] = std::log(ev / (t - ev));

  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(p + 1, options.l2);
  penalty[0] = 0.0;

  Eigen::VectorXd eta = z * fit.coefficients;
  double obj = objective(eta, trials, events, fit.coefficients, options.l2);
  for (int it = 0; it < options.max_iterations; ++it) {
    Eigen::VectorXd mu(n);
    Eigen::VectorXd w(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double pr = 1.0 / (1.0 + std::exp(-eta[i]));
      mu[i] = trials[i] * pr;
      w[i] = trials[i] * pr * (1.0 - pr);
    }
    const Eigen::VectorXd gradient = z.transpose() * (events - mu) - penalty.cwiseProduct(fit.coefficients);
    Eigen::MatrixXd hessian = z.transpose() * w.asDiagonal() * z;
    hessian.diagonal() += penalty;
    const Eigen::VectorXd step = hessian.ldlt().solve(gradient);
    if (!step.allFinite()) break;

    double scale = 1.0;
    Eigen::VectorXd next = fit.coefficients + step;
    Eigen::VectorXd next_eta = z * next;
    double next_obj = objective(next_eta, trials, events, next, options.l2);
    for (int halving = 0; halving < 30 && !(next_obj <= obj); ++halving) {
      scale *= 0.5;
      next = fit.coefficients + scale * step;
      next_eta = z * next;
      next_obj = objective(next_eta, trials, events, next, options.l2);
    }
    fit.coefficients = next;
    eta = next_eta;
    obj = next_obj;
    fit.iterations = it + 1;
    if ((scale * step).cwiseAbs().maxCoeff() < options.tolerance) {
      fit.converged = true;
      break;
    }
  }
  fit.deviance = obj - options.l2 * fit.coefficients.tail(p).squaredNorm();
  return fit;
}

}  // namespace sdelka::lending::scoring
