// The background-job runner (jobs/runner.hpp) on real databases: SQLite on a temporary file, and
// PostgreSQL when SDELKA_TEST_PG_URL names a server (ctest -R unit_jobs_pg starts a throwaway
// one); each PostgreSQL test works in its own schema.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "jobs/runner.hpp"
#include "store/database.hpp"

namespace sdelka::store {
void PrintTo(Backend b, std::ostream* os) { *os << (b == Backend::sqlite ? "SQLite" : "PostgreSQL"); }
}  // namespace sdelka::store

namespace fs = std::filesystem;
using namespace sdelka;
using namespace std::chrono_literals;

namespace {

class JobsTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    static std::atomic<int> seq{0};
    const std::string tag = std::to_string(::getpid()) + "_" + std::to_string(seq++);
    if (GetParam() == store::Backend::sqlite) {
      dir_ = fs::temp_directory_path() / ("sdelka_jobs_test_" + tag);
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "test.db").string();
    } else {
      const char* base = std::getenv("SDELKA_TEST_PG_URL");
      if (!base || !*base) GTEST_SKIP() << "SDELKA_TEST_PG_URL is not set (ctest -R unit_jobs_pg runs these)";
      schema_ = "sdelka_jobs_" + tag;
      admin_ = store::open_database(base, store::DbOptions{.pool_size = 1});
      admin_->write([&](store::Tx& tx) {
        tx.exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
        tx.exec("CREATE SCHEMA " + schema_);
      });
      url_ = std::string(base) + (std::string(base).find('?') == std::string::npos ? "?" : "&") +
             "options=-csearch_path%3D" + schema_;
    }
    db_ = store::open_database(url_);
    store::migrate(*db_);
    db_->write([](store::Tx& tx) { tx.exec("CREATE TABLE job_log (ref_id INTEGER NOT NULL, what TEXT NOT NULL)"); });
  }

  void TearDown() override {
    db_.reset();
    if (admin_) admin_->write([&](store::Tx& tx) { tx.exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE"); });
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::int64_t enqueue(std::int64_t ref, int max_attempts = 5) {
    std::int64_t id = 0;
    db_->write([&](store::Tx& tx) { id = jobs::Runner::enqueue(tx, "test.kind", ref, "{}", max_attempts); });
    return id;
  }

  struct State {
    std::string status, error, lease_owner;
    std::int64_t attempts = 0, progress = 0;
  };
  State state(std::int64_t id) {
    State s;
    db_->read([&](store::Tx& tx) {
      auto r = tx.one("SELECT status, error, lease_owner, attempts, progress FROM jobs WHERE id = ?", {id});
      s = {r->str(0), r->str(1), r->str(2), r->i64(3), r->i64(4)};
    });
    return s;
  }
  std::vector<std::string> log(std::int64_t ref) {
    std::vector<std::string> out;
    db_->read([&](store::Tx& tx) {
      for (auto& r : tx.query("SELECT what FROM job_log WHERE ref_id = ? ORDER BY what", {ref})) out.push_back(r.str(0));
    });
    return out;
  }
  // Waits up to `limit` for the job to reach `status`.
  bool wait_for(std::int64_t id, const std::string& status, std::chrono::milliseconds limit = 10s) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (state(id).status == status) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  // A kind whose hooks write to job_log in the runner's own transaction.
  static jobs::Kind kind(std::function<jobs::Outcome(jobs::Context&)> run) {
    jobs::Kind k;
    k.run = std::move(run);
    k.failed = [](store::Tx& tx, const jobs::Job& j, const std::string& reason) {
      tx.exec("INSERT INTO job_log (ref_id, what) VALUES (?, ?)", {j.ref_id, "failed: " + reason});
    };
    k.requeued = [](store::Tx& tx, const jobs::Job& j) {
      tx.exec("INSERT INTO job_log (ref_id, what) VALUES (?, ?)", {j.ref_id, "requeued"});
    };
    return k;
  }
  static jobs::RunnerOptions quick() {
    jobs::RunnerOptions o;
    o.lease_seconds = 2;
    o.idle_poll = 50ms;
    o.backoff_seconds = 1;
    o.backoff_max_seconds = 1;
    return o;
  }

  fs::path dir_;
  std::string url_, schema_;
  std::unique_ptr<store::Database> admin_, db_;
};

TEST_P(JobsTest, RunsAJobToDoneWithItsProgress) {
  jobs::Runner runner(*db_, quick());
  std::atomic<int> seen_progress{-1};
  runner.handle("test.kind", kind([&](jobs::Context& ctx) {
    db_->write([&](store::Tx& tx) { ctx.checkpoint(tx, 40); });
    seen_progress = static_cast<int>(state(ctx.job().id).progress);
    return jobs::Outcome::done;
  }));
  const auto id = enqueue(7);
  runner.start();
  runner.wake();
  ASSERT_TRUE(wait_for(id, "done"));
  runner.stop();
  const auto s = state(id);
  EXPECT_EQ(seen_progress.load(), 40);
  EXPECT_EQ(s.progress, 100);
  EXPECT_EQ(s.attempts, 1);
  EXPECT_EQ(s.lease_owner, "");
  EXPECT_TRUE(log(7).empty());
}

TEST_P(JobsTest, AFailingJobIsRetriedWithBackOffThenFailsWithItsReason) {
  jobs::Runner runner(*db_, quick());
  std::mutex mu;
  std::vector<std::chrono::steady_clock::time_point> calls;
  runner.handle("test.kind", kind([&](jobs::Context&) -> jobs::Outcome {
    std::lock_guard g(mu);
    calls.push_back(std::chrono::steady_clock::now());
    throw std::runtime_error("the disk is full");
  }));
  const auto id = enqueue(8, 3);
  runner.start();
  ASSERT_TRUE(wait_for(id, "failed"));
  runner.stop();
  const auto s = state(id);
  EXPECT_EQ(s.attempts, 3);
  EXPECT_EQ(s.error, "the disk is full");
  ASSERT_EQ(calls.size(), 3u);
  for (std::size_t i = 1; i < calls.size(); ++i) EXPECT_GE(calls[i] - calls[i - 1], 900ms) << "retry " << i << " waited its back-off";
  // Two retries, then the failure: each hook in the runner's transaction.
  EXPECT_EQ(log(8), (std::vector<std::string>{"failed: the disk is full", "requeued", "requeued"}));
}

TEST_P(JobsTest, ADomainErrorFailsAtOnce) {
  jobs::Runner runner(*db_, quick());
  std::atomic<int> runs{0};
  runner.handle("test.kind", kind([&](jobs::Context&) -> jobs::Outcome {
    ++runs;
    throw core::DomainError{core::ErrorKind::forbidden, "Нет прав на создание компаний"};
  }));
  const auto id = enqueue(9);
  runner.start();
  ASSERT_TRUE(wait_for(id, "failed"));
  std::this_thread::sleep_for(300ms);
  runner.stop();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(state(id).error, "Нет прав на создание компаний");
  EXPECT_EQ(log(9), (std::vector<std::string>{"failed: Нет прав на создание компаний"}));
}

TEST_P(JobsTest, ALostLeaseRollsTheCheckpointBackAndLeavesTheJobToItsNewOwner) {
  jobs::Runner runner(*db_, quick());
  std::atomic<bool> lost{false};
  runner.handle("test.kind", kind([&](jobs::Context& ctx) {
    // Another process takes the job over (this one was presumed dead) …
    db_->write([&](store::Tx& tx) { tx.exec("UPDATE jobs SET lease_owner = 'elsewhere:1:1' WHERE id = ?", {ctx.job().id}); });
    try {
      db_->write([&](store::Tx& tx) {
        tx.exec("INSERT INTO job_log (ref_id, what) VALUES (?, 'batch')", {ctx.job().ref_id});
        ctx.checkpoint(tx, 50);
      });
    } catch (const jobs::LeaseLost&) {
      lost = true;
      throw;
    }
    return jobs::Outcome::done;
  }));
  const auto id = enqueue(10);
  runner.start();
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (!lost && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(20ms);
  std::this_thread::sleep_for(200ms);
  runner.stop();
  ASSERT_TRUE(lost.load());
  const auto s = state(id);
  EXPECT_EQ(s.status, "running");            // not marked by the runner that lost it
  EXPECT_EQ(s.lease_owner, "elsewhere:1:1");
  EXPECT_TRUE(log(10).empty());              // the batch rolled back with the checkpoint
}

TEST_P(JobsTest, AJobOfADeadWorkerIsTakenOverWhenItsLeaseRunsOutNotBefore) {
  const auto expired = enqueue(11), live = enqueue(12);
  db_->write([&](store::Tx& tx) {
    tx.exec("UPDATE jobs SET status = 'running', attempts = 1, lease_owner = 'otherhost:1:1', lease_until = ? WHERE id = ?",
            {store::iso_after(-5), expired});
    tx.exec("UPDATE jobs SET status = 'running', attempts = 1, lease_owner = 'otherhost:1:1', lease_until = ? WHERE id = ?",
            {store::iso_after(60), live});
  });
  jobs::Runner runner(*db_, quick());
  runner.handle("test.kind", kind([](jobs::Context&) { return jobs::Outcome::done; }));
  runner.start();
  ASSERT_TRUE(wait_for(expired, "done"));
  std::this_thread::sleep_for(500ms);
  runner.stop();
  EXPECT_EQ(state(expired).attempts, 2);
  EXPECT_EQ(state(live).status, "running");
  EXPECT_EQ(state(live).lease_owner, "otherhost:1:1");
}

TEST_P(JobsTest, AJobWhoseWorkerDiedOnEveryAttemptFailsInsteadOfRunningAgain) {
  const auto id = enqueue(13, 3);
  db_->write([&](store::Tx& tx) {
    tx.exec("UPDATE jobs SET status = 'running', attempts = 3, lease_owner = 'otherhost:1:1', lease_until = ? WHERE id = ?",
            {store::iso_after(-5), id});
  });
  jobs::Runner runner(*db_, quick());
  std::atomic<int> runs{0};
  runner.handle("test.kind", kind([&](jobs::Context&) {
    ++runs;
    return jobs::Outcome::done;
  }));
  runner.start();
  ASSERT_TRUE(wait_for(id, "failed"));
  runner.stop();
  EXPECT_EQ(runs.load(), 0);
  EXPECT_NE(state(id).error.find("gave up after 3 attempts"), std::string::npos);
  ASSERT_EQ(log(13).size(), 1u);
  EXPECT_EQ(log(13)[0].rfind("failed: gave up", 0), 0u);
}

TEST_P(JobsTest, StoppingQueuesTheRunningJobAgainWithoutCountingAnAttempt) {
  jobs::Runner runner(*db_, quick());
  std::atomic<bool> running{false};
  runner.handle("test.kind", kind([&](jobs::Context& ctx) {
    running = true;
    while (!ctx.stopping()) std::this_thread::sleep_for(10ms);
    return jobs::Outcome::stopped;
  }));
  const auto id = enqueue(14);
  runner.start();
  ASSERT_TRUE(wait_for(id, "running"));
  while (!running) std::this_thread::sleep_for(10ms);
  runner.stop();
  const auto s = state(id);
  EXPECT_EQ(s.status, "queued");
  EXPECT_EQ(s.attempts, 0);
  EXPECT_EQ(log(14), (std::vector<std::string>{"requeued"}));
}

TEST_P(JobsTest, TwoRunnersOnOneDatabaseRunEachJobOnce) {
  auto other = store::open_database(url_);
  std::mutex mu;
  std::multiset<std::int64_t> ran;
  auto body = [&](jobs::Context& ctx) {
    {
      std::lock_guard g(mu);
      ran.insert(ctx.job().ref_id);
    }
    std::this_thread::sleep_for(5ms);
    return jobs::Outcome::done;
  };
  jobs::Runner a(*db_, quick()), b(*other, quick());
  a.handle("test.kind", kind(body));
  b.handle("test.kind", kind(body));
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(enqueue(100 + i));
  a.start();
  b.start();
  for (auto id : ids) ASSERT_TRUE(wait_for(id, "done"));
  a.stop();
  b.stop();
  ASSERT_EQ(ran.size(), 40u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(ran.count(100 + i), 1u) << "job " << 100 + i;
}

TEST_P(JobsTest, KindsThisRunnerDoesNotKnowAreLeftForOthers) {
  std::int64_t id = 0;
  db_->write([&](store::Tx& tx) { id = jobs::Runner::enqueue(tx, "mail.send", 1); });
  jobs::Runner runner(*db_, quick());
  runner.handle("test.kind", kind([](jobs::Context&) { return jobs::Outcome::done; }));
  runner.start();
  std::this_thread::sleep_for(300ms);
  runner.stop();
  EXPECT_EQ(state(id).status, "queued");
  EXPECT_EQ(state(id).attempts, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, JobsTest, ::testing::Values(store::Backend::sqlite, store::Backend::postgres),
                         [](const auto& p) { return p.param == store::Backend::sqlite ? "SQLite" : "PostgreSQL"; });

}  // namespace
