#include "clients/module.hpp"

#include <memory>

#include "clients/jobs.hpp"
#include "clients/routes.hpp"
#include "clients/service.hpp"
#include "web/host.hpp"

namespace sdelka::clients {

const std::vector<auth::Rule>& policy_rows() {
  using R = auth::Role;
  using A = auth::Action;
  using S = auth::Scope;
  // Managers keep their own portfolio; a head sees and edits the department's; risk and security
  // read everything; nobody but admin deletes (archive only).
  static const std::vector<auth::Rule> rows = [] {
    std::vector<auth::Rule> t;
    for (const char* type : {"company", "person"}) {
      for (R r : {R::operator_, R::sales_manager, R::client_manager, R::credit_manager})
        for (A a : {A::read, A::create, A::update, A::archive}) t.push_back({r, type, a, S::own});
      for (A a : {A::read, A::create, A::update, A::archive}) t.push_back({R::head, type, a, S::department});
      t.push_back({R::risk_officer, type, A::read, S::all});
      t.push_back({R::security_officer, type, A::read, S::all});
    }
    return t;
  }();
  return rows;
}

void register_clients(web::Host& host) {
  host.add_policy(policy_rows());
  auto& svc = host.keep(std::make_unique<ClientsService>(host.db()));
  auto& jobs = host.keep(std::make_unique<ImportJobs>(host.db(), svc, host.jobs(), host.options().files_dir));
  register_transfer_routes(host, svc, jobs);  // before the {id} routes: /api/v1/companies/export
  register_clients_api(host, svc);
  register_clients_pages(host, svc);
  using auth::Action;
  using auth::Scope;
  host.add_nav({"/companies", "nav.companies", Action::read, "company", Scope::own, 10});
  host.add_nav({"/persons", "nav.persons", Action::read, "person", Scope::own, 20});
}

}  // namespace sdelka::clients
