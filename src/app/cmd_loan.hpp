#pragma once
// `sdelka loan schedule|psk|aprc` and `sdelka words`: take the options as the user typed them,
// validate, call the lending engines, print. The CLI11 wiring is in cli_loan.inc.
//
// Every run_* function prints its result to `out` and returns 0; on a bad argument or input file it
// prints exactly one line "sdelka: <what is wrong>" to `err`, prints nothing to `out`, and returns 2.
#include <iosfwd>
#include <string>
#include <vector>

namespace sdelka::app {

struct LoanScheduleArgs {
  std::string principal;                // "100000.00"
  std::string rate;                     // percent a year, "12"
  std::string months;                   // "12"
  std::string method = "annuity";       // annuity | differentiated
  std::string issue_date;               // YYYY-MM-DD; empty: today (local time)
  std::string first_payment;            // YYYY-MM-DD; empty: one month after issue
  std::string day_count = "30-360";     // 30-360 | actual-365 | actual-actual
  std::string rounding = "half-up";     // half-up | half-even
  std::string business_days = "none";   // none | following | modified-following | preceding
  std::string fee_at_issue = "0";
  std::string monthly_fee = "0";
  std::string grace_months = "0";
  std::vector<std::string> early;       // "DATE,AMOUNT[,reduce-term|reduce-payment]"
  std::string payoff_date;              // YYYY-MM-DD: also print the payoff amount on that date
  std::string calendar_file;            // production calendar JSON replacing the built-in one
  std::string psk_rounding = "half-up"; // half-up | truncate (third decimal of ПСК)
  std::string format = "json";          // json | csv | table
};

struct LoanFlowsArgs {
  std::string flows_file;               // CSV lines "date,amount"; the issue negative
  std::string psk_rounding = "half-up"; // psk: half-up | truncate
  std::string basis = "calendar";       // aprc: calendar | standard-year
  std::string decimals = "1";           // aprc: 1–6 decimals of aprc_percent
};

struct WordsArgs {
  std::string amount;                   // "1234.56"
};

int run_loan_schedule(const LoanScheduleArgs& args, std::ostream& out, std::ostream& err);
int run_loan_psk(const LoanFlowsArgs& args, std::ostream& out, std::ostream& err);
int run_loan_aprc(const LoanFlowsArgs& args, std::ostream& out, std::ostream& err);
int run_words(const WordsArgs& args, std::ostream& out, std::ostream& err);

}  // namespace sdelka::app
