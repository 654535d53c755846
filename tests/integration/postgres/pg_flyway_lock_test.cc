// Mixed fleets on PostgreSQL: with the history in Flyway's format, flyrun takes
// Flyway's advisory lock as well as its own, so that a Flyway process and a
// flyrun process migrating one database exclude each other. The other side is
// a plain libpq session doing what Flyway does.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"
#include "driver/common/flyway_lock.h"
#include "driver/factory.h"
#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int64_t kFlywayKey = 77433833903597;  // "public"."flyway_schema_history"

/// A session of another client (Flyway, as far as the server can tell).
class ForeignSession {
 public:
  explicit ForeignSession(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) ADD_FAILURE() << PQerrorMessage(conn_);
  }
  ~ForeignSession() { PQfinish(conn_); }
  ForeignSession(const ForeignSession&) = delete;
  ForeignSession& operator=(const ForeignSession&) = delete;

  /// The first column of the first row ("" without rows); fails the test on error.
  std::string Query(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    std::string out;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
      ADD_FAILURE() << sql << ": " << PQerrorMessage(conn_);
    PQclear(r);
    return out;
  }
  int pid() const { return PQbackendPID(conn_); }

 private:
  PGconn* conn_;
};

class PgFlywayLock : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
    db_ = std::make_unique<PgScratchDatabase>();
  }
  ConnectionOptions Options(HistoryFormat format, const std::string& app = {}) const {
    ConnectionOptions o;
    o.url = db_->url();
    if (!app.empty()) o.url += "?application_name=" + app;
    o.table = "flyway_schema_history";
    o.history_format = format;
    o.connect_timeout = milliseconds(5000);
    return o;
  }
  /// Advisory locks the backend of `app` holds.
  std::string HeldBy(const std::string& app) const {
    return db_->Query(
        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = '" +
        app + "'");
  }
  bool HoldsFlywayKey(const std::string& app) const {
    return db_->Query(
               "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON "
               "a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND "
               "l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = " +
               std::to_string(kFlywayKey) + " AND a.application_name = '" + app + "')") == "t";
  }
  /// Runs Lock() in a thread until the foreign session lets go (`release`),
  /// checking on the way that flyrun waits (holding its own lock only, polling
  /// pg_try_advisory_lock) and then holds Flyway's key.
  void ExpectWaitsUntilReleased(const std::function<void()>& release) {
    std::string app = UniqueName("flyrun_waiter");
    std::atomic<bool> locked{false};
    std::atomic<bool> done{false};
    std::string failure;
    std::thread waiter([&] {
      try {
        auto d = OpenDriver(Options(HistoryFormat::kFlyway, app));
        auto guard = d->Lock(milliseconds(30000));
        locked = true;
        PollUntil([&] { return done.load(); }, milliseconds(30000));
      } catch (const Error& e) {
        failure = e.what();
        locked = true;
      }
    });
    bool waiting = PollUntil([&] {
      return HeldBy(app) == "1" &&
             db_->Query("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = '" +
                        app + "' AND query LIKE '%pg_try_advisory_lock%')") == "t";
    });
    EXPECT_TRUE(waiting) << "flyrun was never seen waiting for Flyway's lock";
    EXPECT_FALSE(locked) << "flyrun took the lock while Flyway held it " << failure;
    EXPECT_FALSE(HoldsFlywayKey(app));
    release();
    EXPECT_TRUE(PollUntil([&] { return locked.load(); })) << "flyrun never took the lock";
    EXPECT_EQ("", failure);
    EXPECT_TRUE(HoldsFlywayKey(app));
    EXPECT_EQ("2", HeldBy(app)) << "flyrun's own lock and Flyway's";
    done = true;
    waiter.join();
  }

  std::unique_ptr<PgScratchDatabase> db_;
};

TEST_F(PgFlywayLock, KeyIsFlywaysForTheDefaultTable) {
  EXPECT_EQ(kFlywayKey, FlywayPostgresLockKey("public", "flyway_schema_history"));
}

TEST_F(PgFlywayLock, WaitsWhileFlywayHoldsTheSessionLock) {
  ForeignSession flyway(db_->url());
  ASSERT_EQ("", flyway.Query("SELECT pg_advisory_lock(" + std::to_string(kFlywayKey) + ")::text"));
  ExpectWaitsUntilReleased([&] {
    EXPECT_EQ("t", flyway.Query("SELECT pg_advisory_unlock(" + std::to_string(kFlywayKey) + ")"));
  });
}

TEST_F(PgFlywayLock, WaitsWhileFlywaysTransactionHoldsTheXactLock) {
  ForeignSession flyway(db_->url());
  flyway.Query("BEGIN");
  ASSERT_EQ("t",
            flyway.Query("SELECT pg_try_advisory_xact_lock(" + std::to_string(kFlywayKey) + ")"));
  ExpectWaitsUntilReleased([&] { flyway.Query("COMMIT"); });
}

TEST_F(PgFlywayLock, FlywayCannotTakeItsLockWhileFlyrunHoldsIt) {
  auto d = OpenDriver(Options(HistoryFormat::kFlyway));
  auto guard = d->Lock(milliseconds(1000));
  ForeignSession flyway(db_->url());
  flyway.Query("BEGIN");
  EXPECT_EQ("f",
            flyway.Query("SELECT pg_try_advisory_xact_lock(" + std::to_string(kFlywayKey) + ")"));
  flyway.Query("ROLLBACK");
  guard.reset();
  flyway.Query("BEGIN");
  EXPECT_EQ("t",
            flyway.Query("SELECT pg_try_advisory_xact_lock(" + std::to_string(kFlywayKey) + ")"));
  flyway.Query("COMMIT");
}

TEST_F(PgFlywayLock, TimeoutNamesFlywaysLockAndItsHolderAndLetsGoOfItsOwn) {
  ForeignSession flyway(db_->url());
  flyway.Query("SELECT pg_advisory_lock(" + std::to_string(kFlywayKey) + ")");
  std::string app = UniqueName("flyrun_timeout");
  auto d = OpenDriver(Options(HistoryFormat::kFlyway, app));
  auto start = steady_clock::now();
  Error e(ExitCode::kSuccess, "");
  try {
    d->Lock(milliseconds(400));
    ADD_FAILURE() << "took the lock";
  } catch (const Error& caught) {
    e = caught;
  }
  auto waited = steady_clock::now() - start;
  EXPECT_EQ(ExitCode::kLock, e.code());
  std::string what = e.what();
  EXPECT_NE(std::string::npos, what.find("Flyway's lock")) << what;
  EXPECT_NE(std::string::npos, what.find(std::to_string(kFlywayKey))) << what;
  EXPECT_NE(std::string::npos, what.find("held by pid " + std::to_string(flyway.pid()))) << what;
  EXPECT_NE(std::string::npos, std::string(e.hint()).find("Flyway")) << e.hint();
  EXPECT_GE(waited, milliseconds(380));
  EXPECT_LT(waited, milliseconds(3000));
  // Its own lock, taken first, was given back: another flyrun may go on.
  EXPECT_EQ("0", HeldBy(app));
}

TEST_F(PgFlywayLock, FlyrunsOwnFormatIgnoresFlywaysLock) {
  ForeignSession flyway(db_->url());
  flyway.Query("SELECT pg_advisory_lock(" + std::to_string(kFlywayKey) + ")");
  auto d = OpenDriver(Options(HistoryFormat::kFlyrun));
  EXPECT_TRUE(d->Lock(milliseconds(0)));
}

TEST_F(PgFlywayLock, TwoFlyrunsOnAFlywayHistoryExcludeEachOther) {
  auto a = OpenDriver(Options(HistoryFormat::kFlyway));
  auto b = OpenDriver(Options(HistoryFormat::kFlyway));
  auto guard = a->Lock(milliseconds(1000));
  try {
    b->Lock(milliseconds(200));
    ADD_FAILURE() << "both took the lock";
  } catch (const Error& e) {
    EXPECT_EQ(ExitCode::kLock, e.code());
    // The first lock in the fixed order is flyrun's own.
    EXPECT_NE(std::string::npos, std::string(e.what()).find("the migration lock")) << e.what();
  }
  guard.reset();
  EXPECT_TRUE(b->Lock(milliseconds(1000)));
}

// The binary as users run it: a history table that Flyway created makes
// flyrun take Flyway's lock; it waits while Flyway holds it and goes on once
// released, or gives up with exit 5 naming the lock.
TEST_F(PgFlywayLock, FlyrunProcessWaitsForFlywayOnAFlywayHistoryTable) {
  PgQuery(
      db_->url(),
      "CREATE TABLE public.flyway_schema_history (installed_rank INT NOT NULL, version "
      "VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script "
      "VARCHAR(1000) NOT NULL, checksum INTEGER, installed_by VARCHAR(100) NOT NULL, installed_on "
      "TIMESTAMP NOT NULL DEFAULT now(), execution_time INTEGER NOT NULL, success BOOLEAN NOT "
      "NULL)");
  TempDir dir;
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  std::vector<std::string> args{"--url", db_->url(), "--locations",
                                "sql",   "--table",  "flyway_schema_history"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> all = args;
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  };
  auto rows = [&] { return db_->Query("SELECT count(*) FROM public.flyway_schema_history"); };

  ForeignSession flyway(db_->url());
  flyway.Query("SELECT pg_advisory_lock(" + std::to_string(kFlywayKey) + ")");
  RunResult timed_out = RunFlyrun(with({"--lock-timeout", "1", "migrate"}), dir.path());
  EXPECT_EQ(5, timed_out.exit_code) << timed_out.out << timed_out.err;
  EXPECT_NE(std::string::npos, timed_out.err.find("Flyway's lock")) << timed_out.err;
  EXPECT_NE(std::string::npos, timed_out.err.find("held by pid " + std::to_string(flyway.pid())))
      << timed_out.err;
  EXPECT_EQ("0", rows());

  FlyrunProcess waiting(with({"migrate"}), dir.path());
  // Seen polling for Flyway's key while holding its own lock, with no row written.
  EXPECT_TRUE(PollUntil([&] {
    return db_->Query(
               "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
               "WHERE l.locktype = 'advisory' AND l.granted AND a.pid <> " +
               std::to_string(flyway.pid()) +
               " AND a.datname = current_database() AND "
               "a.query LIKE '%pg_try_advisory_lock%'") == "1";
  })) << waiting.err();
  EXPECT_EQ("0", rows());
  flyway.Query("SELECT pg_advisory_unlock(" + std::to_string(kFlywayKey) + ")");
  EXPECT_EQ(0, waiting.Wait()) << waiting.err();
  EXPECT_EQ("1", rows());
}

}  // namespace
}  // namespace flyrun::test
