#pragma once
// The background-job runner every context uses (imports now; mail, reminders, the daily loan job
// and campaigns later). A job is a row of `jobs` (kind, the id of the context's record it works
// on, a JSON payload), enqueued in the caller's own transaction, so that it exists exactly when
// the write that asked for it committed.
//
// Several server processes may share one database. A runner claims the oldest due job with a
// lease (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's write lock), a heartbeat renews the lease
// while the handler runs, and a job whose lease ran out (its process died) is claimed again by any
// runner. A job of a process of this machine that no longer runs is queued again at start.
//
// Outcomes: the handler returns done, or stopped (the runner is stopping: queued again, no attempt
// lost); a core::DomainError fails the job at once with its message (a caller's error does not
// mend itself); any other exception is retried with exponential back-off (backoff · 2^(n-1), at
// most backoff_max) until max_attempts, then fails. A job claimed max_attempts times whose worker
// died each time (a crash loop) fails instead of running again. Each kind's `failed` and
// `requeued` hooks run in the same transaction as the runner's own change, so that the
// context's record never disagrees with the job.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sdelka::store { class Database; class Tx; }

namespace sdelka::jobs {

struct Job {
  std::int64_t id = 0;
  std::string kind;
  std::int64_t ref_id = 0;
  std::string payload;  // JSON text
  int attempts = 0;     // including this one
  int max_attempts = 0;
};

// The job is no longer this runner's (another process took it over): the handler's transaction
// rolls back and the handler stops.
struct LeaseLost : std::runtime_error {
  LeaseLost() : std::runtime_error("job lease lost") {}
};

class Context {
 public:
  Context(const Job& job, const std::string& owner, std::int64_t lease_seconds, const std::atomic<bool>& stopping)
      : job_(job), owner_(owner), lease_seconds_(lease_seconds), stopping_(stopping) {}
  const Job& job() const { return job_; }
  // Inside the handler's own write transaction: records progress (0..100) and renews the lease;
  // throws LeaseLost when the job is no longer this runner's.
  void checkpoint(store::Tx& tx, int progress) const;
  // The runner is stopping: the handler should return Outcome::stopped soon.
  bool stopping() const { return stopping_.load(); }

 private:
  const Job& job_;
  const std::string& owner_;
  std::int64_t lease_seconds_;
  const std::atomic<bool>& stopping_;
};

enum class Outcome { done, stopped };

struct Kind {
  std::function<Outcome(Context&)> run;
  // Called in the transaction that marks the job failed, with the reason.
  std::function<void(store::Tx&, const Job&, const std::string& reason)> failed = nullptr;
  // Called in the transaction that queues the job again (back-off, stop, a dead worker).
  std::function<void(store::Tx&, const Job&)> requeued = nullptr;
};

struct RunnerOptions {
  std::int64_t lease_seconds = 120;
  std::chrono::milliseconds idle_poll{2000};  // how often an idle runner looks for due jobs
  std::int64_t backoff_seconds = 5;
  std::int64_t backoff_max_seconds = 3600;
};

class Runner {
 public:
  explicit Runner(store::Database& db, RunnerOptions opts = {});
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Before start().
  void handle(const std::string& kind, Kind k);
  // A task each process runs every `interval` on the runner's thread (sweeps of old files).
  void every(std::chrono::seconds interval, std::function<void()> task);

  // Adds a job in the caller's transaction; returns its id. Call wake() after the commit.
  static std::int64_t enqueue(store::Tx& tx, const std::string& kind, std::int64_t ref_id,
                              const std::string& payload = "{}", int max_attempts = 5);
  // Looks for due jobs now (in this process; the others poll).
  void wake();

  void start();
  // Stops after the handler running now returns (it sees stopping()).
  void stop();
  // This runner's name in jobs.lease_owner ("host:pid:random").
  const std::string& owner() const { return owner_; }

 private:
  void loop();
  bool run_one();
  void requeue_dead_local();
  std::int64_t backoff(int attempts) const;

  store::Database& db_;
  RunnerOptions opts_;
  std::string owner_;
  std::map<std::string, Kind> kinds_;
  struct Periodic {
    std::chrono::seconds interval;
    std::function<void()> task;
    std::chrono::steady_clock::time_point last{};
  };
  std::vector<Periodic> periodic_;
  std::thread worker_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::atomic<bool> stop_{false};
};

}  // namespace sdelka::jobs
