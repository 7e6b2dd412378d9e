#pragma once
// EU APRC — the annual percentage rate of charge of the Consumer Credit Directive (2008/48/EC
// Annex I; the same equation as 98/7/EC): the X that makes the present values of what the borrower
// receives and what the borrower pays equal, Σ A_k (1 + X)^(−t_k) = 0, t_k in years from the first
// flow. No I/O.
//
// The root is found in long double on the rate only (amounts enter as exact integers of kopecks /
// cents); a result within 1e-9 of a rounding boundary is decided exactly in 50-digit decimal.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/result.hpp"
#include "lending/psk.hpp"

namespace sdelka::lending {

// How time between flows is expressed in years.
//   calendar      — actual days / 365;
//   standard_year — whole calendar months / 12 plus the remaining days / 365 (the Directive's
//                   "12 equal months" year).
enum class AprcBasis { calendar, standard_year };
// "calendar" / "standard-year" → the basis; anything else → std::nullopt.
std::optional<AprcBasis> parse_aprc_basis(std::string_view text) noexcept;

struct AprcResult {
  long double rate = 0;            // X as a fraction (0.1296 = 12.96 %)
  long double percent_exact = 0;   // X × 100
  std::int64_t percent_scaled = 0; // X × 100 rounded half-up to `decimals` places, times 10^decimals
  int decimals = 1;
};

// APRC of the flows (same sign convention and order rules as compute_psk), rounded half-up to
// `decimals` places (1–6; the Directive asks for at least one). Returns the result, or an Error when
// there are fewer than two flows, dates go backwards, there is no sign change, `decimals` is out of
// range, or no rate above −100 % balances the flows.
core::Result<AprcResult> compute_aprc(std::span<const CashFlow> flows, AprcBasis basis = AprcBasis::calendar,
                                      int decimals = 1);

// percent_scaled with its decimals: (130, 1) → "13.0", (1296, 2) → "12.96".
std::string format_scaled(std::int64_t scaled, int decimals);

}  // namespace sdelka::lending
