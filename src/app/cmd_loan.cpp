#include "app/cmd_loan.hpp"

#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/date.hpp"
#include "core/money.hpp"
#include "core/text.hpp"
#include "core/words.hpp"
#include "lending/aprc.hpp"
#include "lending/calendar.hpp"
#include "lending/psk.hpp"
#include "lending/schedule.hpp"

namespace sdelka::app {
namespace {

using core::Date;
using core::Money;
using nlohmann::ordered_json;

// A bad argument: its one-line message for stderr.
struct BadArgument {
  std::string message;
};

int bad(std::ostream& err, const std::string& message) {
  err << "sdelka: " << message << '\n';
  return 2;
}

template <class T>
T need(core::Result<T> r, std::string_view option) {
  if (!r) throw BadArgument{std::string(option) + ": " + r.error().message};
  return std::move(r).value();
}

template <class T>
T need(std::optional<T> v, std::string_view option, std::string_view text, std::string_view choices) {
  if (!v) throw BadArgument{std::string(option) + ": '" + std::string(text) + "' is not one of " + std::string(choices)};
  return *v;
}

Money parse_amount(const std::string& text, std::string_view option, bool allow_zero) {
  const Money m = need(core::parse_money(text), option);
  if (m.kopecks < 0 || (!allow_zero && m.kopecks == 0)) {
    throw BadArgument{std::string(option) + ": must be " + (allow_zero ? "zero or more" : "more than zero") + ", got " + text};
  }
  return m;
}

int parse_int(const std::string& text, std::string_view option, int lo, int hi) {
  long long v = 0;
  bool ok = !text.empty() && text.size() <= 9;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
    else v = v * 10 + (c - '0');
  }
  if (!ok) throw BadArgument{std::string(option) + ": '" + text + "' is not a whole number"};
  if (v < lo || v > hi) {
    throw BadArgument{std::string(option) + ": must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + text};
  }
  return static_cast<int>(v);
}

Date today_local() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  return core::make_date(tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday));
}

std::string read_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw BadArgument{"cannot read " + std::string(what) + " '" + path + "'"};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "date,amount" lines; blank lines and a "date,amount" header are skipped; dates must not go back.
std::vector<lending::CashFlow> read_flows(const std::string& path) {
  std::string text = read_file(path, "flows file");
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte-order mark (Excel's CSV)
  std::vector<lending::CashFlow> flows;
  std::istringstream lines(text);
  std::string line;
  int line_no = 0;
  while (std::getline(lines, line)) {
    ++line_no;
    const std::string_view l = core::trim(line);
    if (l.empty() || (flows.empty() && l == "date,amount")) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    const auto comma = l.find(',');
    if (comma == std::string_view::npos || l.find(',', comma + 1) != std::string_view::npos) {
      throw BadArgument{where + ": expected date,amount"};
    }
    auto date = core::parse_date(core::trim(l.substr(0, comma)));
    if (!date) throw BadArgument{where + ": " + date.error().message};
    auto amount = core::parse_money(core::trim(l.substr(comma + 1)));
    if (!amount) throw BadArgument{where + ": " + amount.error().message};
    if (!flows.empty() && *date < flows.back().date) throw BadArgument{where + ": dates are not in ascending order"};
    flows.push_back({*date, *amount});
  }
  if (flows.empty()) throw BadArgument{"flows file '" + path + "' has no flows"};
  return flows;
}

// Number of UTF-8 code points (for aligning table columns).
std::size_t width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
std::string pad_left(const std::string& s, std::size_t w) {
  const std::size_t have = width(s);
  return have >= w ? s : std::string(w - have, ' ') + s;
}
std::string pad_right(const std::string& s, std::size_t w) {
  const std::size_t have = width(s);
  return have >= w ? s : s + std::string(w - have, ' ');
}
// "1 234,56" without the rouble sign.
std::string ru_number(Money m) {
  std::string s = core::format_money_ru(m);
  return s.substr(0, s.size() - std::string_view("\xC2\xA0\xE2\x82\xBD").size());
}
std::string ru_date(Date d) {
  const std::string iso = core::format_date(d);
  return iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4);
}

int schedule_impl(const LoanScheduleArgs& a, std::ostream& out) {
  lending::LoanTerms t;
  t.principal = parse_amount(a.principal, "--principal", false);
  t.annual_rate = need(lending::parse_rate(a.rate), "--rate");
  t.months = parse_int(a.months, "--months", 1, lending::kMaxMonths);
  t.method = need(lending::parse_method(a.method), "--method", a.method, "annuity, differentiated");
  t.issue_date = a.issue_date.empty() ? today_local() : need(core::parse_date(a.issue_date), "--issue-date");
  if (!a.first_payment.empty()) t.first_payment = need(core::parse_date(a.first_payment), "--first-payment");
  t.day_count = need(lending::parse_day_count(a.day_count), "--day-count", a.day_count, "30-360, actual-365, actual-actual");
  t.rounding = need(core::parse_rounding(a.rounding), "--rounding", a.rounding, "half-up, half-even");
  t.business_days = need(lending::parse_business_day(a.business_days), "--business-days", a.business_days,
                         "none, following, modified-following, preceding");
  t.fee_at_issue = parse_amount(a.fee_at_issue, "--fee-at-issue", true);
  t.monthly_fee = parse_amount(a.monthly_fee, "--monthly-fee", true);
  t.grace_months = parse_int(a.grace_months, "--grace-months", 0, lending::kMaxMonths);
  for (const auto& e : a.early) {
    const auto c1 = e.find(',');
    const auto c2 = c1 == std::string::npos ? std::string::npos : e.find(',', c1 + 1);
    if (c1 == std::string::npos) throw BadArgument{"--early: '" + e + "' is not DATE,AMOUNT[,reduce-term|reduce-payment]"};
    lending::EarlyRepayment er;
    er.date = need(core::parse_date(e.substr(0, c1)), "--early");
    er.amount = parse_amount(e.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1), "--early", false);
    if (c2 != std::string::npos) {
      const std::string mode = e.substr(c2 + 1);
      er.mode = need(lending::parse_early_mode(mode), "--early", mode, "reduce-term, reduce-payment");
    }
    t.early.push_back(er);
  }
  std::optional<Date> payoff_date;
  if (!a.payoff_date.empty()) payoff_date = need(core::parse_date(a.payoff_date), "--payoff-date");
  const auto psk_mode = need(lending::parse_psk_rounding(a.psk_rounding), "--psk-rounding", a.psk_rounding, "half-up, truncate");
  if (a.format != "json" && a.format != "csv" && a.format != "table") {
    throw BadArgument{"--format: '" + a.format + "' is not one of json, csv, table"};
  }
  std::optional<lending::Calendar> own_calendar;
  if (!a.calendar_file.empty()) {
    own_calendar = need(lending::Calendar::from_json(read_file(a.calendar_file, "calendar file")), "--calendar");
  }
  const lending::Calendar& cal = own_calendar ? *own_calendar : lending::Calendar::russia();

  const auto schedule = need(lending::build_schedule(t, cal), "schedule");
  const auto psk = need(lending::compute_psk(lending::cash_flows(t, schedule), psk_mode), "ПСК");
  std::optional<Money> payoff;
  if (payoff_date) payoff = need(lending::payoff_amount(t, cal, *payoff_date), "--payoff-date");

  if (a.format == "json") {
    ordered_json j;
    j["payment"] = core::format_money(schedule.payment);
    j["payments"] = ordered_json::array();
    for (const auto& r : schedule.rows) {
      ordered_json row;
      row["n"] = r.n;
      row["date"] = core::format_date(r.date);
      row["payment"] = core::format_money(r.payment);
      row["interest"] = core::format_money(r.interest);
      row["principal"] = core::format_money(r.principal);
      if (r.fee.kopecks != 0) row["fee"] = core::format_money(r.fee);
      row["balance"] = core::format_money(r.balance);
      if (r.kind == lending::RowKind::early) row["kind"] = "early";
      j["payments"].push_back(std::move(row));
    }
    j["total_interest"] = core::format_money(schedule.total_interest);
    if (schedule.total_fees.kopecks != 0) j["total_fees"] = core::format_money(schedule.total_fees);
    j["total_paid"] = core::format_money(schedule.total_paid);
    j["psk_percent"] = lending::format_thousandths(psk.psk_thousandths);
    j["psk_money"] = core::format_money(psk.psk_money);
    if (payoff) j["payoff"] = {{"date", core::format_date(*payoff_date)}, {"amount", core::format_money(*payoff)}};
    if (schedule.provisional_calendar) j["provisional_calendar"] = true;
    out << j.dump() << '\n';
    return 0;
  }
  if (a.format == "csv") {
    out << "n,date,kind,payment,interest,principal,fee,balance\n";
    for (const auto& r : schedule.rows) {
      out << r.n << ',' << core::format_date(r.date) << ',' << (r.kind == lending::RowKind::early ? "early" : "regular") << ','
          << core::format_money(r.payment) << ',' << core::format_money(r.interest) << ','
          << core::format_money(r.principal) << ',' << core::format_money(r.fee) << ',' << core::format_money(r.balance) << '\n';
    }
    return 0;
  }
  const bool fees = schedule.total_fees.kopecks != 0;
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"№", "Дата", "Платёж", "Проценты", "Основной долг"});
  if (fees) cells.back().push_back("Комиссия");
  cells.back().push_back("Остаток");
  for (const auto& r : schedule.rows) {
    cells.push_back({std::to_string(r.n) + (r.kind == lending::RowKind::early ? "*" : ""), ru_date(r.date),
                     ru_number(r.payment), ru_number(r.interest), ru_number(r.principal)});
    if (fees) cells.back().push_back(ru_number(r.fee));
    cells.back().push_back(ru_number(r.balance));
  }
  std::vector<std::size_t> w(cells.front().size(), 0);
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c) w[c] = std::max(w[c], width(row[c]));
  }
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c != 0) line += "  ";
      line += c == 1 ? pad_right(row[c], w[c]) : pad_left(row[c], w[c]);
    }
    out << line << '\n';
  }
  out << "Платёж: " << core::format_money_ru(schedule.payment) << '\n'
      << "Проценты: " << core::format_money_ru(schedule.total_interest) << '\n';
  if (fees) out << "Комиссии: " << core::format_money_ru(schedule.total_fees) << '\n';
  std::string psk_text = lending::format_thousandths(psk.psk_thousandths);
  psk_text[psk_text.find('.')] = ',';
  out << "Всего выплат: " << core::format_money_ru(schedule.total_paid) << '\n'
      << "ПСК: " << psk_text << " % годовых, " << core::format_money_ru(psk.psk_money) << '\n';
  if (payoff) out << "Полное погашение " << ru_date(*payoff_date) << ": " << core::format_money_ru(*payoff) << '\n';
  if (t.early.size() != 0) out << "* досрочное погашение\n";
  if (schedule.provisional_calendar) out << "Даты перенесены по предварительному календарю (год без официального календаря)\n";
  return 0;
}

int psk_impl(const LoanFlowsArgs& a, std::ostream& out) {
  const auto mode = need(lending::parse_psk_rounding(a.psk_rounding), "--psk-rounding", a.psk_rounding, "half-up, truncate");
  const auto flows = read_flows(a.flows_file);
  const auto r = need(lending::compute_psk(flows, mode), "--flows");
  ordered_json j;
  j["psk_percent"] = lending::format_thousandths(r.psk_thousandths);
  j["psk_exact"] = lending::format_fixed(r.psk_exact, 8);
  j["base_period"] = std::string(r.base_period.name());
  j["chbp"] = lending::format_ratio(r.chbp_num, r.chbp_den, 10);
  out << j.dump() << '\n';
  return 0;
}

int aprc_impl(const LoanFlowsArgs& a, std::ostream& out) {
  const auto basis = need(lending::parse_aprc_basis(a.basis), "--basis", a.basis, "calendar, standard-year");
  const int decimals = parse_int(a.decimals, "--decimals", 1, 6);
  const auto flows = read_flows(a.flows_file);
  const auto r = need(lending::compute_aprc(flows, basis, decimals), "--flows");
  ordered_json j;
  j["aprc_percent"] = lending::format_scaled(r.percent_scaled, r.decimals);
  j["aprc_exact"] = lending::format_fixed(r.percent_exact, 6);
  out << j.dump() << '\n';
  return 0;
}

template <class Fn>
int guarded(std::ostream& err, Fn&& fn) {
  try {
    return fn();
  } catch (const BadArgument& e) {
    return bad(err, e.message);
  }
}

}  // namespace

int run_loan_schedule(const LoanScheduleArgs& args, std::ostream& out, std::ostream& err) {
  std::ostringstream buf;  // nothing reaches `out` unless the whole run succeeds
  const int rc = guarded(err, [&] { return schedule_impl(args, buf); });
  if (rc == 0) out << buf.str();
  return rc;
}

int run_loan_psk(const LoanFlowsArgs& args, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] { return psk_impl(args, out); });
}

int run_loan_aprc(const LoanFlowsArgs& args, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] { return aprc_impl(args, out); });
}

int run_words(const WordsArgs& args, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    const Money m = need(core::parse_money(args.amount), "amount");
    const auto text = core::amount_in_words(m);
    if (!text) throw BadArgument{"amount: " + text.error().message};
    out << *text << '\n';
    return 0;
  });
}

}  // namespace sdelka::app
