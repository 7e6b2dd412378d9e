// libFuzzer harness: the query string, form and cookie parsers of src/http/http.hpp: url_decode,
// parse_form, Request::query / query_all / form / cookie, with url_encode and html_escape, and
// the invariants that tie them together; and the checks on what goes back out of a form:
// safe_local_path (`next`, `back`) and header_value_ok.
//
// The input is used as the query string, as the form body and as a Cookie header alike.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.hpp"
#include "http/http.hpp"

using namespace sdelka::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);

  // Decoding never makes text longer; encoding then decoding gives the text back.
  const std::string plain = url_decode(s, false);
  const std::string form = url_decode(s, true);
  FUZZ_CHECK(plain.size() <= s.size());
  FUZZ_CHECK(form.size() == plain.size());
  const std::string encoded = url_encode(s);
  FUZZ_CHECK(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%") ==
             std::string::npos);
  FUZZ_CHECK(url_decode(encoded, false) == s);
  FUZZ_CHECK(url_decode(encoded, true) == s);
  const std::string escaped = html_escape(s);
  FUZZ_CHECK(escaped.find_first_of("<>\"'") == std::string::npos);

  const auto pairs = parse_form(s);
  std::size_t amps = 0;
  for (char c : s) amps += c == '&';
  FUZZ_CHECK(pairs.size() <= amps + 1);
  for (const auto& [k, v] : pairs) FUZZ_CHECK(k.size() + v.size() <= s.size());

  Request req;
  req.method = "POST";
  req.query_string = std::string(s);
  req.body = std::string(s);
  req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  req.headers.emplace_back("cookie", std::string(s));
  FUZZ_CHECK(req.query_all() == pairs);
  const auto f = req.form();
  FUZZ_CHECK(f.size() <= pairs.size());
  std::size_t checked = 0;
  for (const auto& [k, v] : pairs) {
    // form() keeps the first value of each name, query() finds the first too (each query() parses
    // the whole string again: the first few names are enough).
    auto it = f.find(k);
    FUZZ_CHECK(it != f.end());
    if (++checked > 4) continue;
    const auto q = req.query(k);
    FUZZ_CHECK(q.has_value());
    FUZZ_CHECK(*q == it->second);
  }
  if (!pairs.empty()) FUZZ_CHECK(req.query(pairs.front().first) == pairs.front().second);
  for (const char* name : {"q", "next", "back", "limit", "after", "sdelka_session", "csrf"}) {
    const auto q = req.query(name);
    if (q) FUZZ_CHECK(f.count(name) == 1);
    const auto c = req.cookie(name);
    if (c) {
      FUZZ_CHECK(c->size() < s.size());
      FUZZ_CHECK(s.find(std::string(name) + "=" + *c) != std::string_view::npos);
    }
  }
  // The first cookie's name, whatever it is, is found.
  std::string_view first = s.substr(0, s.find(';'));
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  if (const auto eq = first.find('='); eq != std::string_view::npos) {
    const auto c = req.cookie(first.substr(0, eq));
    FUZZ_CHECK(c.has_value());
    FUZZ_CHECK(*c == first.substr(eq + 1));
  }
  // A redirect target from a form is a same-origin path, as sent and once decoded.
  for (const auto& target : {std::string(s), form, req.query("next").value_or("/")}) {
    const auto local = safe_local_path(target);
    if (!local) continue;
    FUZZ_CHECK(*local == target);
    FUZZ_CHECK(!local->empty() && (*local)[0] == '/');
    for (const std::string& t : {*local, url_decode(*local, false)}) {
      FUZZ_CHECK(t.size() == 1 || (t[1] != '/' && t[1] != '\\'));
      for (unsigned char c : t) FUZZ_CHECK(c >= 0x20 && c != 0x7f && c != '\\');
    }
    FUZZ_CHECK(header_value_ok(*local));
    const Response r = Response::redirect(req, *local);
    FUZZ_CHECK(r.status == 303 && r.header("location") == std::optional<std::string_view>(*local));
  }
  if (header_value_ok(s)) {
    FUZZ_CHECK(s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos);
  }
  return 0;
}
