#include "jobs/runner.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <random>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "store/database.hpp"

namespace sdelka::jobs {
namespace {

using nlohmann::json;

std::string host_name() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = 0;
  return host;
}

// Finished jobs are kept this long (for the record), then deleted.
constexpr std::int64_t kKeepDays = 30;

}  // namespace

void Context::checkpoint(store::Tx& tx, int progress) const {
  const auto n = tx.exec("UPDATE jobs SET progress = ?, lease_until = ?, updated_at = ? WHERE id = ? AND lease_owner = ? AND "
                         "status = 'running'",
                         {static_cast<std::int64_t>(std::clamp(progress, 0, 100)), store::iso_after(lease_seconds_),
                          store::now_iso(), job_.id, owner_});
  if (n == 0) throw LeaseLost();
}

Runner::Runner(store::Database& db, RunnerOptions opts) : db_(db), opts_(opts) {
  owner_ = host_name() + ":" + std::to_string(::getpid()) + ":" + std::to_string(std::random_device{}());
  every(std::chrono::hours(6), [this] {
    db_.write([&](store::Tx& tx) {
      tx.exec("DELETE FROM jobs WHERE status IN ('done', 'failed') AND updated_at < ?", {store::iso_after(-kKeepDays * 24 * 3600)});
    });
  });
}

Runner::~Runner() { stop(); }

void Runner::handle(const std::string& kind, Kind k) { kinds_[kind] = std::move(k); }

void Runner::every(std::chrono::seconds interval, std::function<void()> task) {
  periodic_.push_back({interval, std::move(task), {}});
}

std::int64_t Runner::enqueue(store::Tx& tx, const std::string& kind, std::int64_t ref_id, const std::string& payload,
                             int max_attempts) {
  const auto now = store::now_iso();
  auto r = tx.one("INSERT INTO jobs (kind, ref_id, payload, status, max_attempts, run_after, created_at, updated_at) "
                  "VALUES (?, ?, ?, 'queued', ?, ?, ?, ?) RETURNING id",
                  {kind, ref_id, payload, static_cast<std::int64_t>(std::max(1, max_attempts)), now, now, now});
  return r->i64(0);
}

void Runner::wake() {
  {
    std::lock_guard g(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

std::int64_t Runner::backoff(int attempts) const {
  std::int64_t s = opts_.backoff_seconds;
  for (int i = 1; i < attempts && s < opts_.backoff_max_seconds; ++i) s *= 2;
  return std::min(s, opts_.backoff_max_seconds);
}

void Runner::requeue_dead_local() {
  const std::string host = host_name();
  db_.write([&](store::Tx& tx) {
    for (auto& r : tx.query("SELECT id, lease_owner, kind, ref_id, payload, attempts, max_attempts FROM jobs WHERE status = 'running'")) {
      const std::string owner = r.str(1);
      const auto c1 = owner.find(':'), c2 = owner.find(':', c1 == std::string::npos ? 0 : c1 + 1);
      if (c1 == std::string::npos || c2 == std::string::npos || owner.substr(0, c1) != host) continue;
      const pid_t pid = static_cast<pid_t>(std::atoll(owner.substr(c1 + 1, c2 - c1 - 1).c_str()));
      if (pid > 0 && !(::kill(pid, 0) == -1 && errno == ESRCH)) continue;  // that process still runs
      // Due now; the claim counts the attempt (and gives up on a crash loop).
      if (tx.exec("UPDATE jobs SET status = 'queued', lease_owner = '', lease_until = '', run_after = ?, updated_at = ? "
                  "WHERE id = ? AND lease_owner = ?",
                  {store::now_iso(), store::now_iso(), r.i64(0), owner}) == 1) {
        auto k = kinds_.find(r.str(2));
        if (k != kinds_.end() && k->second.requeued)
          k->second.requeued(tx, Job{r.i64(0), r.str(2), r.i64(3), r.str(4), static_cast<int>(r.i64(5)), static_cast<int>(r.i64(6))});
      }
    }
  });
}

void Runner::start() {
  if (worker_.joinable()) return;
  stop_.store(false);
  try {
    requeue_dead_local();
  } catch (const std::exception& e) {
    spdlog::error(json{{"event", "jobs_requeue_failed"}, {"error", e.what()}}.dump());
  }
  worker_ = std::thread([this] { loop(); });
}

void Runner::stop() {
  stop_.store(true);
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Runner::loop() {
  while (!stop_.load()) {
    for (auto& p : periodic_) {
      if (std::chrono::steady_clock::now() - p.last < p.interval && p.last != std::chrono::steady_clock::time_point{}) continue;
      p.last = std::chrono::steady_clock::now();
      try {
        p.task();
      } catch (const std::exception& e) {
        spdlog::error(json{{"event", "jobs_periodic_error"}, {"error", e.what()}}.dump());
      }
    }
    bool worked = false;
    // Nothing escapes the loop: an error here would end the process, and on restart the job
    // would be claimed again and end it again.
    try {
      worked = run_one();
    } catch (const std::exception& e) {
      spdlog::error(json{{"event", "jobs_error"}, {"error", e.what()}}.dump());
    } catch (...) {
      spdlog::error(json{{"event", "jobs_error"}, {"error", "unknown exception"}}.dump());
    }
    if (worked) continue;
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, opts_.idle_poll, [&] { return stop_.load() || woken_; });
    woken_ = false;
  }
}

bool Runner::run_one() {
  if (kinds_.empty()) return false;
  // Claim the oldest due job of a kind this runner handles, or a running one whose lease ran out.
  std::optional<Job> claimed;
  bool gave_up = false;
  db_.write([&](store::Tx& tx) {
    const auto now = store::now_iso();
    store::Params params{owner_, store::iso_after(opts_.lease_seconds), now, now, now};
    std::string in;
    for (const auto& [kind, _] : kinds_) {
      in += in.empty() ? "?" : ", ?";
      params.emplace_back(kind);
    }
    std::string pick = "SELECT id FROM jobs WHERE ((status = 'queued' AND run_after <= ?) OR (status = 'running' AND lease_until < ?)) "
                       "AND kind IN (" + in + ") ORDER BY id LIMIT 1";
    if (db_.backend() == store::Backend::postgres) pick += " FOR UPDATE SKIP LOCKED";
    auto r = tx.one("UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = ?, lease_until = ?, updated_at = ? "
                    "WHERE id = (" + pick + ") RETURNING id, kind, ref_id, payload, attempts, max_attempts",
                    params);
    if (!r) return;
    claimed = Job{r->i64(0), r->str(1), r->i64(2), r->str(3), static_cast<int>(r->i64(4)), static_cast<int>(r->i64(5))};
    if (claimed->attempts > claimed->max_attempts) {
      // Claimed max_attempts times already and its worker never finished: a crash loop. Fail it
      // rather than take the process down once more.
      gave_up = true;
      const std::string reason = "gave up after " + std::to_string(claimed->max_attempts) + " attempts: the worker stopped each time";
      tx.exec("UPDATE jobs SET status = 'failed', error = ?, lease_owner = '', lease_until = '', updated_at = ? WHERE id = ?",
              {reason, now, claimed->id});
      if (auto& f = kinds_.at(claimed->kind).failed) f(tx, *claimed, reason);
    }
  });
  if (!claimed) return false;
  const Job job = *claimed;
  if (gave_up) {
    spdlog::error(json{{"event", "job_gave_up"}, {"job", job.id}, {"kind", job.kind}}.dump());
    return true;
  }
  const Kind& kind = kinds_.at(job.kind);

  // The heartbeat renews the lease every lease / 4 while the handler runs.
  struct Heartbeat {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::thread t;
    ~Heartbeat() {
      {
        std::lock_guard g(mu);
        done = true;
      }
      cv.notify_all();
      if (t.joinable()) t.join();
    }
  } beat;
  beat.t = std::thread([&] {
    std::unique_lock lk(beat.mu);
    const auto period = std::chrono::milliseconds(std::max<std::int64_t>(opts_.lease_seconds * 1000 / 4, 50));
    while (!beat.cv.wait_for(lk, period, [&] { return beat.done; })) {
      try {
        db_.write([&](store::Tx& tx) {
          tx.exec("UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ? AND status = 'running'",
                  {store::iso_after(opts_.lease_seconds), job.id, owner_});
        });
      } catch (const std::exception& e) {
        spdlog::warn(json{{"event", "job_heartbeat_failed"}, {"job", job.id}, {"error", e.what()}}.dump());
      }
    }
  });

  // Each end is written only while the job is still this runner's (WHERE lease_owner = ?).
  auto finish = [&](const char* status, const std::string& error, std::int64_t after, bool count_attempt) {
    db_.write([&](store::Tx& tx) {
      const bool queued = std::string(status) == "queued";
      const auto n = tx.exec(std::string("UPDATE jobs SET status = ?, error = ?, lease_owner = '', lease_until = '', run_after = ?, ") +
                                 (queued && !count_attempt ? "attempts = attempts - 1, " : "") +
                                 (std::string(status) == "done" ? "progress = 100, " : "") +
                                 "updated_at = ? WHERE id = ? AND lease_owner = ?",
                             {std::string(status), error, store::iso_after(after), store::now_iso(), job.id, owner_});
      if (n == 0) return;
      if (queued && kind.requeued) kind.requeued(tx, job);
      if (std::string(status) == "failed" && kind.failed) kind.failed(tx, job, error);
    });
  };
  Context ctx(job, owner_, opts_.lease_seconds, stop_);
  try {
    const Outcome out = kind.run(ctx);
    if (out == Outcome::stopped) finish("queued", "", 0, false);
    else finish("done", "", 0, true);
  } catch (const LeaseLost&) {
    spdlog::warn(json{{"event", "job_lease_lost"}, {"job", job.id}, {"kind", job.kind}}.dump());
  } catch (const core::DomainError& e) {
    finish("failed", e.what(), 0, true);
  } catch (const std::exception& e) {
    if (job.attempts < job.max_attempts) {
      const auto wait = backoff(job.attempts);
      spdlog::warn(json{{"event", "job_retry"}, {"job", job.id}, {"kind", job.kind}, {"attempt", job.attempts},
                        {"in_seconds", wait}, {"error", e.what()}}.dump());
      finish("queued", e.what(), wait, true);
    } else {
      finish("failed", e.what(), 0, true);
    }
  } catch (...) {
    finish(job.attempts < job.max_attempts ? "queued" : "failed", "unknown exception", backoff(job.attempts), true);
  }
  return true;
}

}  // namespace sdelka::jobs
