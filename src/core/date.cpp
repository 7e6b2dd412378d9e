#include "core/date.hpp"

#include <algorithm>

namespace sdelka::core {

using namespace std::chrono;

Result<Date> parse_date(std::string_view text) {
  const auto bad = [&](const char* why) {
    return fail("malformed date '" + std::string(text) + "': " + why);
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad("expected YYYY-MM-DD");
  const auto num = [&](std::size_t pos, std::size_t len, int& out) {
    out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  int y, m, d;
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return bad("expected YYYY-MM-DD");
  if (y < 1900 || y > 2999) return bad("year outside 1900-2999");
  const Date date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return bad("no such day");
  return date;
}

std::string format_date(Date d) {
  const int y = static_cast<int>(d.year());
  const unsigned m = static_cast<unsigned>(d.month());
  const unsigned dd = static_cast<unsigned>(d.day());
  std::string out(10, '0');
  out[0] = static_cast<char>('0' + y / 1000 % 10);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[4] = '-';
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + dd / 10);
  out[9] = static_cast<char>('0' + dd % 10);
  return out;
}

bool is_weekend(Date d) noexcept {
  const weekday w{sys_days{d}};
  return w == Saturday || w == Sunday;
}

int days360(Date from, Date to) noexcept {
  const int d1 = std::min(static_cast<int>(static_cast<unsigned>(from.day())), 30);
  const int d2 = std::min(static_cast<int>(static_cast<unsigned>(to.day())), 30);
  return 360 * (static_cast<int>(to.year()) - static_cast<int>(from.year())) +
         30 * (static_cast<int>(static_cast<unsigned>(to.month())) - static_cast<int>(static_cast<unsigned>(from.month()))) +
         (d2 - d1);
}


}  // namespace sdelka::core
