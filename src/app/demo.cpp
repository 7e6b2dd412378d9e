// Demo data for a new database: departments and one user per role, so that a fresh
// `make run` shows every part of the interface. Business contexts add their own demo data.
#include <iostream>

#include "app/demo.hpp"
#include "auth/model.hpp"
#include "staff/service.hpp"

namespace sdelka::app {

void load_platform_demo(staff::StaffService& staff, const std::string& password) {
  auto sys = staff::StaffService::system_principal();
  for (const char* d : {"Продажи", "Кредитный отдел", "Контакт-центр", "Служба безопасности"}) staff.create_department(sys, d);
  struct U {
    const char* login;
    const char* name;
    const char* role;
    const char* dept;
  };
  const U users[] = {
      {"operator", "Ольга Смирнова", "operator", "Контакт-центр"},
      {"sales", "Иван Петров", "sales_manager", "Продажи"},
      {"client", "Мария Кузнецова", "client_manager", "Продажи"},
      {"credit", "Алексей Соколов", "credit_manager", "Кредитный отдел"},
      {"risk", "Елена Попова", "risk_officer", "Кредитный отдел"},
      {"security", "Дмитрий Волков", "security_officer", "Служба безопасности"},
      {"head", "Наталья Морозова", "head", "Продажи"},
  };
  for (const auto& u : users) {
    if (staff.find_user_id(u.login)) continue;
    staff::UserInput in;
    in.login = u.login;
    in.full_name = u.name;
    in.password = password;
    in.department = u.dept;
    in.roles = std::vector<std::string>{u.role};
    staff.create_user(sys, in);
  }
  staff::JobInput job;
  job.title = "Должностная инструкция менеджера по продажам";
  job.role = "sales_manager";
  job.body =
      "1. Поиск потенциальных клиентов и работа с воронкой продаж до подписания договора.\n"
      "2. Подготовка коммерческих предложений и презентаций, работа с возражениями.\n"
      "3. Каждый контакт с клиентом заканчивается конкретной договорённостью о следующем шаге.";
  staff.create_job(sys, job);
  std::cout << "Demo users (password as for admin): operator, sales, client, credit, risk, security, head\n";
}

}  // namespace sdelka::app
