#pragma once
// Method + path routing with "{name}" segments. Routes carry the options the middleware needs.
#include <functional>
#include <string>
#include <vector>

#include "http/http.hpp"

namespace sdelka::http {

using Handler = std::function<Response(Request&)>;

enum class Access {
  public_,   // no login needed (login page, health, assets)
  user,      // a logged-in user (session cookie or Bearer token)
  metrics,   // the scraper's Bearer token ([server] metrics_token) or a signed-in administrator
};

struct RouteOptions {
  Access access = Access::user;
  bool api = true;                   // JSON errors (problem+json) instead of HTML pages
  std::size_t body_limit = 1 << 20;  // bytes; larger bodies → 413
  bool csrf = true;                  // state-changing cookie requests need the CSRF token
  std::string summary;               // one line for the route list / docs
};

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/users/{id}"
  Handler handler;
  RouteOptions options;
  std::vector<std::string> segments;  // pattern split on '/'
};

class Router {
 public:
  void add(std::string method, std::string pattern, Handler h, RouteOptions o = {});
  // The route that matches, with req.params filled, or nullptr. `method_mismatch` is set when
  // the path matches some route but not with this method (→ 405).
  const Route* match(Request& req, bool& method_mismatch) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace sdelka::http
