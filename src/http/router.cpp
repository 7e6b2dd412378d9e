#include "http/router.hpp"

namespace sdelka::http {

static std::vector<std::string> split_path(std::string_view p) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < p.size()) {
    if (p[i] == '/') { ++i; continue; }
    auto j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    out.emplace_back(p.substr(i, j - i));
    i = j;
  }
  return out;
}

void Router::add(std::string method, std::string pattern, Handler h, RouteOptions o) {
  Route r{std::move(method), std::move(pattern), std::move(h), std::move(o), {}};
  r.segments = split_path(r.pattern);
  routes_.push_back(std::move(r));
}

const Route* Router::match(Request& req, bool& method_mismatch) const {
  method_mismatch = false;
  auto segs = split_path(req.path);
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& s = r.segments[i];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}') params[s.substr(1, s.size() - 2)] = segs[i];
      else ok = s == segs[i];
    }
    if (!ok) continue;
    bool head_as_get = req.method == "HEAD" && r.method == "GET";
    if (r.method != req.method && !head_as_get) {
      method_mismatch = true;
      continue;
    }
    req.params = std::move(params);
    req.route = r.method + " " + r.pattern;
    return &r;
  }
  return nullptr;
}

}  // namespace sdelka::http
