#pragma once
// Request metrics by route (counts by status class, a latency histogram) and the database pool,
// as Prometheus text for /metrics.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "http/router.hpp"

namespace sdelka::store { class Database; }

namespace sdelka::web {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  explicit Metrics(std::size_t routes);
  // Route index routes() means "no route matched".
  void observe(std::size_t route, int status, double seconds);
  std::string render(const http::Router& router, const store::Database& db) const;

 private:
  struct Series {
    std::array<std::atomic<std::uint64_t>, 5> by_class{};  // 1xx..5xx
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<std::uint64_t> sum_us{0};
  };
  std::unique_ptr<Series[]> series_;
  std::size_t n_;
};

}  // namespace sdelka::web
