#pragma once
// Result<T>: a value or an Error, returned by every fallible function of core and lending.
// Errors are values: nothing in these libraries throws for bad input.
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace sdelka::core {

// What went wrong, in one line fit for a person (no trailing period, no newline).
struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  // True when a value is held.
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  // The value. Calling these on an error is a programming error: throws std::logic_error.
  const T& value() const& { check(); return std::get<0>(v_); }
  T& value() & { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  // The error. Calling this on a value is a programming error: throws std::logic_error.
  const Error& error() const {
    if (ok()) throw std::logic_error("Result::error() on a value");
    return std::get<1>(v_);
  }

 private:
  void check() const {
    if (!ok()) throw std::logic_error("Result::value() on an error: " + std::get<1>(v_).message);
  }
  std::variant<T, Error> v_;
};

// Shorthand: `return fail("…");` in a function returning Result<T>.
inline Error fail(std::string message) { return Error{std::move(message)}; }

}  // namespace sdelka::core
