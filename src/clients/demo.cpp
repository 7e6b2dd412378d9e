#include "clients/demo.hpp"

#include <random>

#include "audit/audit.hpp"
#include "clients/repo.hpp"
#include "core/ru/names.hpp"
#include "core/ru/requisites.hpp"
#include "store/database.hpp"

namespace sdelka::clients {
namespace {

// Word pairs: the Russian word and the Latin spelling used for web sites and e-mails.
struct Word {
  const char* ru;
  const char* lat;
};
const Word kNameWords[] = {
    {"Ромашка", "romashka"}, {"Вектор", "vektor"},     {"Альфа", "alfa"},       {"Гранит", "granit"},
    {"Северсталь", "seversteel"}, {"Техносфера", "tehnosfera"}, {"Стройинвест", "stroyinvest"}, {"Агропром", "agroprom"},
    {"Меридиан", "meridian"}, {"Орион", "orion"},       {"Пульсар", "pulsar"},   {"Горизонт", "gorizont"},
    {"Сибирь", "sibir"},     {"Волга", "volga"},       {"Урал", "ural"},        {"Балтика", "baltika"},
    {"Енисей", "enisey"},    {"Ладога", "ladoga"},     {"Клиентская служба", "clientservice"}, {"Технологии", "tech"},
    {"Логистик", "logistic"}, {"Промснаб", "promsnab"}, {"Энергосбыт", "energosbyt"}, {"Медтехника", "medtech"},
    {"Ёлочка", "elochka"},   {"Созвездие", "sozvezdie"}, {"Фаворит", "favorit"}, {"Капитал", "kapital"},
    {"Инвест", "invest"},    {"Торговый дом", "td"},    {"Консалт", "consult"},  {"Сервис", "service"},
};
const char* kForms[] = {"ООО", "ООО", "ООО", "АО", "ПАО", "ИП"};
const char* kRegions[] = {"Москва", "Санкт-Петербург", "Московская область", "Новосибирская область",
                          "Свердловская область", "Республика Татарстан", "Краснодарский край", "Нижегородская область",
                          "Самарская область", "Ростовская область", "Челябинская область", "Республика Башкортостан",
                          "Пермский край", "Воронежская область", "Красноярский край", "Волгоградская область",
                          "Омская область", "Тюменская область", "Иркутская область", "Приморский край",
                          "Хабаровский край", "Калининградская область", "Ленинградская область", "Ярославская область"};
const char* kIndustries[] = {"Торговля", "Строительство", "Производство", "IT", "Логистика", "Сельское хозяйство",
                             "Медицина", "Финансы", "Образование", "Энергетика", "Общественное питание", "Недвижимость"};
const char* kSurnamesM[] = {"Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов",
                            "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
                            "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин"};
const char* kFirstM[] = {"Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Иван", "Михаил",
                         "Артём", "Николай", "Владимир", "Евгений", "Павел", "Игорь", "Пётр", "Олег"};
const char* kFirstF[] = {"Елена", "Ольга", "Наталья", "Анна", "Мария", "Татьяна", "Ирина", "Светлана",
                         "Екатерина", "Юлия", "Анастасия", "Дарья", "Ксения", "Алёна", "Галина", "Вера"};
const char* kPatronymicM[] = {"Александрович", "Сергеевич", "Дмитриевич", "Андреевич", "Алексеевич", "Иванович",
                              "Михайлович", "Николаевич", "Владимирович", "Петрович"};
const char* kPatronymicF[] = {"Александровна", "Сергеевна", "Дмитриевна", "Андреевна", "Алексеевна", "Ивановна",
                              "Михайловна", "Николаевна", "Владимировна", "Петровна"};
const char* kPositions[] = {"Генеральный директор", "Финансовый директор", "Главный бухгалтер", "Менеджер по закупкам",
                            "Коммерческий директор", "Юрист", "Руководитель отдела", "Специалист"};

template <class T, std::size_t N>
const T& pick(std::mt19937_64& rng, const T (&arr)[N]) {
  return arr[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

std::string mobile(std::mt19937_64& rng) {
  static const char* codes[] = {"900", "901", "903", "905", "909", "910", "915", "916", "917", "925", "926", "929",
                                "950", "952", "960", "962", "977", "985", "999"};
  std::string n = "+7" + std::string(pick(rng, codes));
  for (int i = 0; i < 7; ++i) n += static_cast<char>('0' + std::uniform_int_distribution<int>(0, 9)(rng));
  return n;
}

std::string iso_days_ago(int days, int seconds) {
  auto tp = std::chrono::system_clock::now() - std::chrono::hours(24 * days) - std::chrono::seconds(seconds);
  auto t = std::chrono::system_clock::to_time_t(tp);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

DemoCounts load_demo(store::Database& db, const auth::Principal& p, std::int64_t companies, std::int64_t persons,
                     std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  // Owners: the managers of the base, with their departments.
  std::vector<std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>>> owners;
  db.read([&](store::Tx& tx) {
    for (auto& r : tx.query("SELECT DISTINCT u.id, u.department_id FROM users u JOIN user_roles r ON r.user_id = u.id "
                            "WHERE r.role IN ('sales_manager', 'client_manager', 'credit_manager') AND u.disabled = 0 "
                            "ORDER BY u.id"))
      owners.emplace_back(r.i64(0), r.opt_i64(1));
  });
  if (owners.empty())  // no managers yet: the acting user, or nobody for the command line
    owners.emplace_back(p.user_id > 0 ? std::optional<std::int64_t>(p.user_id) : std::nullopt, p.department_id);
  const std::int64_t kBatch = 5000;
  std::int64_t first_company_id = 0;
  DemoCounts done;
  const std::string segments[] = {"prospect", "prospect", "client", "client", "regular", "vip", "lost"};
  const std::string sources[] = {"incoming_call", "web_form", "referral", "directory", "competitor_client", "exhibition", "cold_call"};
  for (std::int64_t start = 0; start < companies; start += kBatch) {
    db.write([&](store::Tx& tx) {
      std::int64_t batch_first = 0, batch_last = -1;
      for (std::int64_t i = start; i < std::min(companies, start + kBatch); ++i) {
        const auto& w = pick(rng, kNameWords);
        const auto& w2 = pick(rng, kNameWords);
        std::string form = pick(rng, kForms);
        Company c;
        const bool ip = form == "ИП";
        std::string suffix = i < 1000 ? "" : " " + std::to_string(i / 1000);
        if (ip) {
          c.name = "ИП " + std::string(pick(rng, kSurnamesM)) + " " + std::string(pick(rng, kFirstM)).substr(0, 2) + ". " +
                   std::string(w.ru) + suffix;
          c.inn = core::ru::make_inn12(rng);
          c.ogrn = core::ru::make_ogrnip(rng);
        } else {
          // Two words make about a thousand distinct names before the numbered suffixes start.
          c.name = form + " «" + std::string(w.ru) + (&w2 == &w ? "" : "-" + std::string(w2.ru)) + suffix + "»";
          c.inn = core::ru::make_inn10(rng);
          c.kpp = core::ru::make_kpp(*c.inn, rng);
          c.ogrn = core::ru::make_ogrn(rng);
        }
        c.segment = segments[std::uniform_int_distribution<int>(0, 6)(rng)];
        c.source = sources[std::uniform_int_distribution<int>(0, 6)(rng)];
        c.region = pick(rng, kRegions);
        c.industry = pick(rng, kIndustries);
        c.size = std::string(kSizes[std::uniform_int_distribution<std::size_t>(0, 3)(rng)]);
        const std::string host = std::string(w.lat) + "-" + std::string(w2.lat) + std::to_string(i) + ".ru";
        c.website = "https://" + host;
        c.phones = {{mobile(rng), "work"}};
        c.emails = {{"info@" + host, "work"}};
        auto& owner = owners[static_cast<std::size_t>(i) % owners.size()];
        c.owner_id = owner.first;
        c.department_id = owner.second;
        c.created_at = c.updated_at = iso_days_ago(static_cast<int>((companies - i) * 1000 / std::max<std::int64_t>(companies, 1)),
                                                   static_cast<int>(i % 86400));
        auto id = repo::insert_company(tx, c, core::ru::company_name_key(c.name), /*index=*/false);
        if (first_company_id == 0) first_company_id = id;
        if (batch_first == 0) batch_first = id;
        batch_last = id;
        ++done.companies;
      }
      repo::index_companies(tx, batch_first, batch_last);  // one statement per batch (see insert_company)
    });
  }
  for (std::int64_t start = 0; start < persons; start += kBatch) {
    db.write([&](store::Tx& tx) {
      std::int64_t batch_first = 0, batch_last = -1;
      for (std::int64_t i = start; i < std::min(persons, start + kBatch); ++i) {
        Person pr;
        const bool female = std::uniform_int_distribution<int>(0, 1)(rng) == 1;
        std::string surname = pick(rng, kSurnamesM);
        if (female) surname += "а";
        pr.last_name = surname;
        pr.first_name = female ? pick(rng, kFirstF) : pick(rng, kFirstM);
        pr.middle_name = female ? pick(rng, kPatronymicF) : pick(rng, kPatronymicM);
        pr.region = pick(rng, kRegions);
        pr.segment = segments[std::uniform_int_distribution<int>(0, 6)(rng)];
        pr.source = sources[std::uniform_int_distribution<int>(0, 6)(rng)];
        char bday[16];
        std::snprintf(bday, sizeof bday, "%04d-%02d-%02d", std::uniform_int_distribution<int>(1955, 2003)(rng),
                      std::uniform_int_distribution<int>(1, 12)(rng), std::uniform_int_distribution<int>(1, 28)(rng));
        pr.birthday = bday;
        pr.phones = {{mobile(rng), "mobile"}};
        pr.emails = {{"person" + std::to_string(i) + "@example.ru", "work"}};
        auto& owner = owners[static_cast<std::size_t>(i) % owners.size()];
        pr.owner_id = owner.first;
        pr.department_id = owner.second;
        if (companies > 0 && first_company_id > 0) {
          CompanyLink l;
          l.company_id = first_company_id + std::uniform_int_distribution<std::int64_t>(0, companies - 1)(rng);
          l.position = pick(rng, kPositions);
          l.decision_maker = l.position.find("директор") != std::string::npos;
          pr.companies = {l};
        }
        pr.created_at = pr.updated_at = iso_days_ago(static_cast<int>((persons - i) * 1000 / std::max<std::int64_t>(persons, 1)),
                                                     static_cast<int>(i % 86400));
        auto id = repo::insert_person(tx, pr, core::ru::person_name_key(pr.full_name()), /*index=*/false);
        if (batch_first == 0) batch_first = id;
        batch_last = id;
        ++done.persons;
      }
      repo::index_persons(tx, batch_first, batch_last);
    });
  }
  db.write([&](store::Tx& tx) { repo::optimize_search_index(tx); });
  db.write([&](store::Tx& tx) {
    audit::record(tx, &p, "demo", "company", "",
                  {{"companies", done.companies}, {"persons", done.persons}, {"seed", seed}});
  });
  return done;
}

}  // namespace sdelka::clients
