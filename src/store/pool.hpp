#pragma once
// A bounded pool of connections shared by the backends. Connections are created lazily up to
// `max`; a borrower waits when all are in use. Thread-safe.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace sdelka::store {

// Hash and equality that let a statement cache keyed by std::string be searched with a
// std::string_view, without building a string for every lookup.
struct SqlHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
struct SqlEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

template <class Conn>
class Pool {
 public:
  using Factory = std::function<std::unique_ptr<Conn>()>;
  Pool(int max, Factory make) : max_(max < 1 ? 1 : max), make_(std::move(make)) {}

  // A borrowed connection, returned to the pool on destruction. A connection that saw a
  // connection-level failure is dropped instead (call discard()).
  class Lease {
   public:
    Lease(Pool* p, std::unique_ptr<Conn> c) : pool_(p), conn_(std::move(c)) {}
    // A moved-from lease gives nothing back (a defaulted move would release the slot twice).
    Lease(Lease&& o) noexcept : pool_(std::exchange(o.pool_, nullptr)), conn_(std::move(o.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() { if (pool_) pool_->give_back(std::move(conn_)); }
    Conn& operator*() { return *conn_; }
    Conn* operator->() { return conn_.get(); }
    void discard() { conn_.reset(); }
   private:
    Pool* pool_;
    std::unique_ptr<Conn> conn_;
  };

  Lease acquire() {
    std::unique_lock lk(mu_);
    if (free_.empty() && size_ >= max_) {
      ++waits_;
      cv_.wait(lk, [&] { return !free_.empty() || size_ < max_; });
    }
    if (!free_.empty()) {
      auto c = std::move(free_.back());
      free_.pop_back();
      ++in_use_;
      return Lease(this, std::move(c));
    }
    ++size_;
    ++in_use_;
    lk.unlock();
    try {
      return Lease(this, make_());
    } catch (...) {
      std::lock_guard g(mu_);
      --size_;
      --in_use_;
      cv_.notify_one();
      throw;
    }
  }

  PoolStats stats() const {
    std::lock_guard g(mu_);
    return PoolStats{size_, in_use_, max_, waits_};
  }

 private:
  void give_back(std::unique_ptr<Conn> c) {
    std::lock_guard g(mu_);
    --in_use_;
    if (c) free_.push_back(std::move(c));
    else --size_;
    cv_.notify_one();
  }

  const int max_;
  Factory make_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> free_;
  int size_ = 0;
  int in_use_ = 0;
  std::uint64_t waits_ = 0;
};

}  // namespace sdelka::store
