#include "app/metrics.hpp"

#include <sstream>

#include "store/database.hpp"

namespace sdelka::web {

Metrics::Metrics(std::size_t routes) : series_(new Series[routes + 1]), n_(routes + 1) {}

void Metrics::observe(std::size_t route, int status, double seconds) {
  auto& s = series_[route < n_ ? route : n_ - 1];
  int cls = status / 100 - 1;
  if (cls >= 0 && cls < 5) s.by_class[static_cast<std::size_t>(cls)].fetch_add(1, std::memory_order_relaxed);
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.sum_us.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::render(const http::Router& router, const store::Database& db) const {
  std::ostringstream o;
  auto label = [&](std::size_t i) {
    return i < router.routes().size() ? router.routes()[i].method + " " + router.routes()[i].pattern : std::string("unmatched");
  };
  o << "# HELP sdelka_http_requests_total HTTP requests by route and status class.\n"
       "# TYPE sdelka_http_requests_total counter\n";
  for (std::size_t i = 0; i < n_; ++i)
    for (int c = 0; c < 5; ++c)
      if (auto v = series_[i].by_class[static_cast<std::size_t>(c)].load())
        o << "sdelka_http_requests_total{route=\"" << label(i) << "\",code=\"" << c + 1 << "xx\"} " << v << "\n";
  o << "# HELP sdelka_http_errors_total HTTP responses with status 5xx by route.\n"
       "# TYPE sdelka_http_errors_total counter\n";
  for (std::size_t i = 0; i < n_; ++i)
    if (auto v = series_[i].by_class[4].load()) o << "sdelka_http_errors_total{route=\"" << label(i) << "\"} " << v << "\n";
  o << "# HELP sdelka_http_request_duration_seconds Time from request to response, by route.\n"
       "# TYPE sdelka_http_request_duration_seconds histogram\n";
  for (std::size_t i = 0; i < n_; ++i) {
    std::uint64_t total = 0;
    for (auto& b : series_[i].buckets) total += b.load();
    if (!total) continue;
    std::uint64_t cum = 0;
    for (std::size_t b = 0; b < kBuckets.size(); ++b) {
      cum += series_[i].buckets[b].load();
      o << "sdelka_http_request_duration_seconds_bucket{route=\"" << label(i) << "\",le=\"" << kBuckets[b] << "\"} " << cum << "\n";
    }
    o << "sdelka_http_request_duration_seconds_bucket{route=\"" << label(i) << "\",le=\"+Inf\"} " << total << "\n";
    o << "sdelka_http_request_duration_seconds_sum{route=\"" << label(i) << "\"} " << series_[i].sum_us.load() / 1e6 << "\n";
    o << "sdelka_http_request_duration_seconds_count{route=\"" << label(i) << "\"} " << total << "\n";
  }
  auto st = db.stats();
  o << "# HELP sdelka_db_pool_connections Database connections by state.\n"
       "# TYPE sdelka_db_pool_connections gauge\n"
    << "sdelka_db_pool_connections{state=\"open\"} " << st.size << "\n"
    << "sdelka_db_pool_connections{state=\"in_use\"} " << st.in_use << "\n"
    << "sdelka_db_pool_connections{state=\"max\"} " << st.max << "\n"
    << "# HELP sdelka_db_pool_waits_total Times a request waited for a free database connection.\n"
       "# TYPE sdelka_db_pool_waits_total counter\n"
    << "sdelka_db_pool_waits_total " << st.waits << "\n";
  return o.str();
}

}  // namespace sdelka::web
