#include "conformance.h"

#include <atomic>
#include <chrono>
#include <regex>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/interrupt.h"
#include "driver/factory.h"
#include "support/test_support.h"

namespace flyrun::test {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

namespace {

/// Counts the lease waiter's announcement ("waiting up to ... for the
/// migration lock"), the one sign of a waiting lease lock.
class WaitAnnouncements final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static std::atomic<int>& count() {
    static std::atomic<int> n{0};
    return n;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string_view text(msg.payload.data(), msg.payload.size());
    if (text.find("waiting up to") != std::string_view::npos) ++count();
  }
  void flush_() override {}
};

}  // namespace

void PrintTo(const ConformanceTarget& target, std::ostream* os) { *os << target.name; }

ConformanceTarget LeaseVariant(ConformanceTarget target) {
  target.name += "Lease";
  target.lock = LockMode::kTable;
  return target;
}

bool DriverConformance::SomeoneWaitsForTheLock() const {
  if (lease()) return WaitAnnouncements::count() > 0;
  return db_->SomeoneWaitsForTheLock();
}

std::string ConformanceTargetName(const ::testing::TestParamInfo<ConformanceTarget>& info) {
  return info.param.name;
}

void DriverConformance::SetUp() {
  const ConformanceTarget& target = GetParam();
  if (!target.server_env.empty() && EnvOr(target.server_env.c_str()).empty()) {
    if (EnvOr("FLYRUN_REQUIRE_SERVERS") == "1")
      FAIL() << target.server_env << " is not set but FLYRUN_REQUIRE_SERVERS=1";
    GTEST_SKIP() << "set " << target.server_env << " (scripts/test.sh does) to run this test";
  }
  db_ = target.create();
  ASSERT_TRUE(db_);
  options_ = db_->options();
  options_.lock = target.lock;
  options_.lock_lease = milliseconds(1000);
  if (lease()) {
    static bool installed = [] {
      spdlog::default_logger()->sinks().push_back(std::make_shared<WaitAnnouncements>());
      return true;
    }();
    (void)installed;
    if (spdlog::default_logger()->level() > spdlog::level::info)
      spdlog::default_logger()->set_level(spdlog::level::info);
    WaitAnnouncements::count() = 0;
  }
}

void DriverConformance::TearDown() { db_.reset(); }

std::unique_ptr<Driver> DriverConformance::Open() const { return OpenDriver(options_); }

namespace {

Statement Sql(const std::string& sql, int index = 1) {
  Statement st;
  st.sql = sql;
  st.index = index;
  return st;
}

AppliedMigration Row(std::optional<std::string> version, const std::string& description,
                     std::optional<std::string> checksum = std::string(64, 'a')) {
  AppliedMigration row;
  row.version = std::move(version);
  row.description = description;
  row.type = "SQL";
  row.script = (row.version ? "V" + *row.version : std::string("R")) + "__" + description + ".sql";
  row.checksum = std::move(checksum);
  row.execution_time = 12;
  row.success = true;
  return row;
}

}  // namespace

TEST_P(DriverConformance, DescribesItself) {
  auto d = Open();
  EXPECT_EQ(DialectOfUrl(options().url), d->dialect());
  EXPECT_EQ(d->dialect() != Dialect::kMysql, d->transactional_ddl());
  EXPECT_NE(std::string::npos, d->history_table_sql().find(options().table))
      << d->history_table_sql();
  EXPECT_FALSE(d->in_transaction());
  EXPECT_FALSE(d->DatabaseName().empty());
}

TEST_P(DriverConformance, CurrentUser) {
  auto d = Open();
  std::string user = d->CurrentUser();
  EXPECT_FALSE(user.empty());
  if (!GetParam().expected_user.empty()) {
    EXPECT_EQ(GetParam().expected_user, user);
  }
}

TEST_P(DriverConformance, HistoryTableIsCreatedOnceAndStartsEmpty) {
  auto d = Open();
  EXPECT_FALSE(d->HistoryTableExists());
  EXPECT_TRUE(d->ReadHistory().empty());
  d->EnsureHistoryTable();
  EXPECT_TRUE(d->HistoryTableExists());
  d->EnsureHistoryTable();  // idempotent
  EXPECT_TRUE(d->ReadHistory().empty());
  EXPECT_TRUE(Open()->HistoryTableExists());  // committed, seen by another connection
}

TEST_P(DriverConformance, HistoryRowsRoundTrip) {
  auto d = Open();
  d->EnsureHistoryTable();
  d->InsertHistory(Row("1", "first"));
  d->InsertHistory(Row("1.1", "second", std::nullopt));
  AppliedMigration failed = Row("2", "third");
  failed.success = false;
  failed.execution_time = 0;
  d->InsertHistory(failed);
  AppliedMigration repeatable = Row(std::nullopt, "views");
  repeatable.type = "SQL";
  d->InsertHistory(repeatable);

  auto rows = Open()->ReadHistory();
  ASSERT_EQ(4u, rows.size());
  const std::regex timestamp(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(i + 1, rows[i].installed_rank);
    EXPECT_EQ(d->CurrentUser(), rows[i].installed_by);
    EXPECT_TRUE(std::regex_match(rows[i].installed_on, timestamp)) << rows[i].installed_on;
  }
  EXPECT_EQ("1", rows[0].version.value_or("?"));
  EXPECT_EQ("first", rows[0].description);
  EXPECT_EQ("SQL", rows[0].type);
  EXPECT_EQ("V1__first.sql", rows[0].script);
  EXPECT_EQ(std::string(64, 'a'), rows[0].checksum.value_or("?"));
  EXPECT_EQ(12, rows[0].execution_time);
  EXPECT_TRUE(rows[0].success);
  EXPECT_FALSE(rows[1].checksum.has_value());
  EXPECT_FALSE(rows[2].success);
  EXPECT_EQ(0, rows[2].execution_time);
  EXPECT_FALSE(rows[3].version.has_value());
  EXPECT_EQ("R__views.sql", rows[3].script);
}

TEST_P(DriverConformance, HistoryUpdateAndDelete) {
  auto d = Open();
  d->EnsureHistoryTable();
  d->InsertHistory(Row("1", "first"));
  d->InsertHistory(Row("2", "second"));
  d->InsertHistory(Row("3", "third"));

  d->UpdateHistory(2, std::string(64, 'b'), "second renamed", false);
  d->UpdateHistory(1, std::nullopt, "first", true);
  d->DeleteHistory(3);
  auto rows = d->ReadHistory();
  ASSERT_EQ(2u, rows.size());
  EXPECT_FALSE(rows[0].checksum.has_value());
  EXPECT_EQ(std::string(64, 'b'), rows[1].checksum.value_or("?"));
  EXPECT_EQ("second renamed", rows[1].description);
  EXPECT_FALSE(rows[1].success);
  EXPECT_EQ("2", rows[1].version.value_or("?"));

  d->InsertHistory(Row("4", "fourth"));  // rank = max + 1
  rows = d->ReadHistory();
  ASSERT_EQ(3u, rows.size());
  EXPECT_EQ(3, rows[2].installed_rank);
  EXPECT_EQ("4", rows[2].version.value_or("?"));
}

TEST_P(DriverConformance, CommitKeepsStatementsAndHistoryRow) {
  auto d = Open();
  d->EnsureHistoryTable();
  d->Begin();
  EXPECT_TRUE(d->in_transaction());
  d->Execute(Sql("CREATE TABLE conf_commit (id INT PRIMARY KEY)"));
  d->Execute(Sql("INSERT INTO conf_commit (id) VALUES (1)", 2));
  d->InsertHistory(Row("1", "commit"));
  d->Commit();
  EXPECT_FALSE(d->in_transaction());

  auto other = Open();
  ASSERT_EQ(1u, other->ReadHistory().size());
  EXPECT_FALSE(other->SchemaIsEmpty());
  // The row is there: inserting it again violates the primary key.
  Error e = Catch([&] { other->Execute(Sql("INSERT INTO conf_commit (id) VALUES (1)")); });
  EXPECT_EQ(ExitCode::kMigrationFailed, e.code());
}

TEST_P(DriverConformance, RollbackDiscardsStatementsAndHistoryRow) {
  auto d = Open();
  d->EnsureHistoryTable();
  d->Begin();
  d->Execute(Sql("CREATE TABLE conf_rollback (id INT)"));
  d->InsertHistory(Row("1", "rollback"));
  d->Rollback();
  EXPECT_FALSE(d->in_transaction());
  EXPECT_TRUE(d->ReadHistory().empty());
  // DDL goes with the transaction where the database can do that.
  EXPECT_EQ(d->transactional_ddl(), d->SchemaIsEmpty());
  d->Rollback();  // harmless outside a transaction
}

TEST_P(DriverConformance, TransactionGuardRollsBackUnlessCommitted) {
  auto d = Open();
  d->EnsureHistoryTable();
  {
    Transaction tx(*d);
    d->InsertHistory(Row("1", "dropped"));
  }
  EXPECT_FALSE(d->in_transaction());
  EXPECT_TRUE(d->ReadHistory().empty());
  {
    Transaction tx(*d);
    d->InsertHistory(Row("1", "kept"));
    tx.Commit();
  }
  ASSERT_EQ(1u, d->ReadHistory().size());
  EXPECT_EQ("kept", d->ReadHistory()[0].description);
}

TEST_P(DriverConformance, NestedBeginIsRefused) {
  auto d = Open();
  d->EnsureHistoryTable();
  d->Begin();
  Error e = Catch([&] { d->Begin(); });
  EXPECT_EQ(ExitCode::kUsage, e.code()) << e.what();
  EXPECT_TRUE(d->in_transaction());
  d->InsertHistory(Row("1", "still one transaction"));
  d->Rollback();
  EXPECT_TRUE(d->ReadHistory().empty());
}

TEST_P(DriverConformance, AStatementThatEndsTheTransactionIsSeen) {
  auto d = Open();
  d->EnsureHistoryTable();
  d->Begin();
  d->InsertHistory(Row("1", "rolled back by the script"));
  Statement rollback = Sql("ROLLBACK", 2);
  rollback.transaction_control = "ROLLBACK";
  d->Execute(rollback);
  EXPECT_FALSE(d->in_transaction()) << "the script's ROLLBACK ended it";
  d->Rollback();

  d->Begin();
  d->InsertHistory(Row("2", "committed by the script"));
  Statement commit = Sql("COMMIT", 2);
  commit.transaction_control = "COMMIT";
  d->Execute(commit);
  EXPECT_FALSE(d->in_transaction()) << "the script's COMMIT ended it";
  d->Rollback();  // too late: committed

  auto rows = Open()->ReadHistory();
  ASSERT_EQ(1u, rows.size());
  EXPECT_EQ("2", rows[0].version.value_or("?"));
}

// A signal cancels the running statement on the server: Execute ends in
// kInterrupted within about a second instead of running for 30 s. The flag is
// set before the statement starts, the hardest case for a cancel that must
// not arrive before the statement does.
TEST_P(DriverConformance, ASignalCancelsTheRunningStatement) {
  auto d = Open();
  std::string long_statement;
  switch (d->dialect()) {
    case Dialect::kPostgres:
      long_statement = "SELECT pg_sleep(30)";
      break;
    case Dialect::kMysql:
      long_statement = "SELECT SLEEP(30)";
      break;
    case Dialect::kSqlite:
      long_statement =
          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1000000000) "
          "SELECT count(*) FROM c";
      break;
  }
  InstallInterruptHandlers();
  std::raise(SIGTERM);
  for (bool in_transaction : {false, true}) {
    if (in_transaction) d->Begin();
    auto start = steady_clock::now();
    Error e = Catch([&] { d->Execute(Sql(long_statement)); });
    auto took = steady_clock::now() - start;
    EXPECT_EQ(ExitCode::kInterrupted, e.code()) << e.what();
    EXPECT_LT(took, milliseconds(5000)) << (in_transaction ? "in" : "outside") << " a transaction";
    if (in_transaction) d->Rollback();
  }
  ResetInterrupted();
  // The connection stays usable.
  d->Execute(Sql("CREATE TABLE conf_after_cancel (id INT)"));
  EXPECT_FALSE(d->SchemaIsEmpty());
}

TEST_P(DriverConformance, ExecutesSeveralStatementsOutsideATransaction) {
  auto d = Open();
  d->Execute(Sql("CREATE TABLE conf_many (id INT PRIMARY KEY, name VARCHAR(20))", 1));
  d->Execute(Sql("INSERT INTO conf_many (id, name) VALUES (1, 'one')", 2));
  d->Execute(Sql("INSERT INTO conf_many (id, name) VALUES (2, 'two;\n two')", 3));
  d->Execute(Sql("UPDATE conf_many SET name = 'uno' WHERE id = 1", 4));
  d->Execute(Sql("CREATE VIEW conf_many_v AS SELECT id FROM conf_many", 5));
  d->Execute(Sql("SELECT COUNT(*) FROM conf_many_v", 6));  // results are ignored
  EXPECT_FALSE(d->in_transaction());
  // Each was committed on its own: another connection sees the rows.
  Error e = Catch([&] { Open()->Execute(Sql("INSERT INTO conf_many (id) VALUES (2)")); });
  EXPECT_EQ(ExitCode::kMigrationFailed, e.code());
}

TEST_P(DriverConformance, SqlErrorsCarryCodeAndMessage) {
  auto d = Open();
  Error e = Catch([&] { d->Execute(Sql("SELECT * FROM conf_no_such_table")); });
  EXPECT_EQ(ExitCode::kMigrationFailed, e.code());
  EXPECT_NE(std::string::npos, std::string(e.what()).find("conf_no_such_table")) << e.what();
  EXPECT_TRUE(!e.sqlstate.empty() || e.vendor_code != 0) << "no SQLSTATE or vendor code";
  if (!e.sqlstate.empty()) {
    EXPECT_EQ(5u, e.sqlstate.size()) << e.sqlstate;
  }

  e = Catch([&] { d->Execute(Sql("THIS IS NOT SQL")); });
  EXPECT_EQ(ExitCode::kMigrationFailed, e.code());
  EXPECT_TRUE(!e.sqlstate.empty() || e.vendor_code != 0);

  // The connection stays usable.
  d->Execute(Sql("CREATE TABLE conf_after_error (id INT)"));
  EXPECT_FALSE(d->SchemaIsEmpty());
}

TEST_P(DriverConformance, ErrorPositionIsRelativeToTheStatement) {
  auto d = Open();
  d->Execute(Sql("CREATE TABLE conf_pos (id INT)"));
  Error e =
      Catch([&] { d->Execute(Sql("SELECT id,\n       conf_no_such_column\n  FROM conf_pos")); });
  EXPECT_EQ(ExitCode::kMigrationFailed, e.code());
  // Drivers whose database reports a position must make it statement-relative.
  if (e.line > 0) {
    EXPECT_EQ(2, e.line) << e.what();
  }
}

TEST_P(DriverConformance, FailedStatementInATransactionThenRollback) {
  auto d = Open();
  d->EnsureHistoryTable();
  d->Begin();
  d->Execute(Sql("CREATE TABLE conf_tx_fail (id INT)"));
  Error e = Catch([&] { d->Execute(Sql("INSERT INTO conf_no_such_table VALUES (1)", 2)); });
  EXPECT_EQ(ExitCode::kMigrationFailed, e.code());
  d->Rollback();
  EXPECT_FALSE(d->in_transaction());
  EXPECT_EQ(d->transactional_ddl(), d->SchemaIsEmpty());
  d->InsertHistory(Row("1", "after"));  // usable again
  EXPECT_EQ(1u, d->ReadHistory().size());
}

TEST_P(DriverConformance, LockExcludesASecondDriver) {
  auto a = Open();
  auto b = Open();
  auto guard = a->Lock(milliseconds(5000));
  ASSERT_TRUE(guard);
  EXPECT_FALSE(a->in_transaction()) << "the lock must not hold a transaction open";

  auto start = steady_clock::now();
  Error e = Catch([&] { b->Lock(milliseconds(300)); });
  auto waited = steady_clock::now() - start;
  EXPECT_EQ(ExitCode::kLock, e.code()) << e.what();
  EXPECT_GE(waited, milliseconds(250));
  EXPECT_LT(waited, milliseconds(5000));

  // The holder can still work, in and out of transactions.
  a->EnsureHistoryTable();
  a->Begin();
  a->InsertHistory(Row("1", "locked"));
  a->Commit();

  guard.reset();
  start = steady_clock::now();
  auto guard_b = b->Lock(milliseconds(5000));
  EXPECT_TRUE(guard_b);
  EXPECT_LT(steady_clock::now() - start, milliseconds(2000));
  EXPECT_EQ(ExitCode::kLock, Catch([&] { a->Lock(milliseconds(0)); }).code());
}

TEST_P(DriverConformance, LockIsReleasedWhenTheHolderGoesAway) {
  auto b = Open();
  {
    auto a = Open();
    auto guard = a->Lock(milliseconds(5000));
    EXPECT_EQ(ExitCode::kLock, Catch([&] { b->Lock(milliseconds(0)); }).code());
  }
  auto guard = b->Lock(milliseconds(5000));
  EXPECT_TRUE(guard);
}

TEST_P(DriverConformance, LockWaitsForARelease) {
  auto a = Open();
  auto b = Open();
  auto guard = a->Lock(milliseconds(5000));
  std::atomic<bool> seen{false}, released{false};
  std::thread release([&] {
    seen = PollUntil([&] { return SomeoneWaitsForTheLock(); });
    released = true;
    guard.reset();
  });
  std::unique_ptr<LockGuard> guard_b;
  EXPECT_NO_THROW(guard_b = b->Lock(milliseconds(30000)));
  EXPECT_TRUE(released) << "b took the lock while a held it";
  release.join();
  EXPECT_TRUE(seen) << "b was never seen waiting for the lock";
  EXPECT_TRUE(guard_b);
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The lease lock's table, beside the history table.
std::string LockTableSql(Driver& d) {
  std::string sql = d.history_table_sql();
  sql.insert(sql.size() - 1, "_lock");  // inside the closing quote
  return sql;
}

TEST_P(DriverConformance, LeaseOfALiveHolderIsNeverTakenOver) {
  if (!lease()) GTEST_SKIP() << "the lease lock's own case";
  auto a = Open();
  auto b = Open();
  auto guard = a->Lock(milliseconds(5000));
  // Three leases long: the holder's heartbeat keeps it.
  Error e = Catch([&] { b->Lock(milliseconds(3000)); });
  EXPECT_EQ(ExitCode::kLock, e.code()) << e.what();
  EXPECT_TRUE(Contains(e.what(), "held by ")) << e.what();
  EXPECT_TRUE(Contains(e.what(), " since ")) << e.what();
  EXPECT_TRUE(Contains(a->LockHolder(), "since")) << a->LockHolder();
  a->EnsureHistoryTable();
  a->InsertHistory(Row("1", "still held"));
  EXPECT_EQ(1u, a->ReadHistory().size());
}

TEST_P(DriverConformance, LeaseFencingRejectsAHistoryWriteAfterATakeover) {
  if (!lease()) GTEST_SKIP() << "the lease lock's own case";
  auto a = Open();
  auto guard = a->Lock(milliseconds(5000));
  a->EnsureHistoryTable();
  // Another flyrun takes the row over, as it does once a lease has expired.
  auto b = Open();
  b->Execute(Sql("UPDATE " + LockTableSql(*b) + " SET owner_token = 'another', beats = 0"));
  a->Begin();
  Error e = Catch([&] { a->InsertHistory(Row("1", "fenced")); });
  EXPECT_EQ(ExitCode::kLock, e.code()) << e.what();
  EXPECT_TRUE(Contains(e.what(), "lease")) << e.what();
  a->Rollback();
  EXPECT_TRUE(b->ReadHistory().empty());
  // The run stops before its next statement.
  EXPECT_EQ(ExitCode::kLock, Catch([&] { a->Execute(Sql("SELECT 1")); }).code());
}

TEST_P(DriverConformance, LeaseOfAKilledHolderIsTakenOverAfterTheLease) {
  if (!lease()) GTEST_SKIP() << "the lease lock's own case";
  int ready[2];
  ASSERT_EQ(0, pipe(ready));
  pid_t child = fork();
  if (child == 0) {
    try {
      auto d = Open();
      auto guard = d->Lock(milliseconds(5000));
      char c = 'x';
      if (write(ready[1], &c, 1) == 1) {
        for (;;) pause();
      }
    } catch (...) {
    }
    _exit(1);
  }
  close(ready[1]);
  char c = 0;
  ASSERT_EQ(1, read(ready[0], &c, 1)) << "the child did not take the lock";
  close(ready[0]);
  auto b = Open();
  EXPECT_EQ(ExitCode::kLock, Catch([&] { b->Lock(milliseconds(200)); }).code());
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  auto start = steady_clock::now();
  std::unique_ptr<LockGuard> guard;
  EXPECT_NO_THROW(guard = b->Lock(milliseconds(20000)));
  auto waited = steady_clock::now() - start;
  EXPECT_TRUE(guard);
  // The heartbeat had to stand still for a whole lease (1s) on b's clock.
  EXPECT_GE(waited, milliseconds(900));
  EXPECT_LT(waited, milliseconds(10000));
}

TEST_P(DriverConformance, SchemaIsEmptyIgnoresTheHistoryTable) {
  auto d = Open();
  EXPECT_TRUE(d->SchemaIsEmpty());
  d->EnsureHistoryTable();
  d->InsertHistory(Row("1", "first"));
  EXPECT_TRUE(d->SchemaIsEmpty());
  d->Execute(Sql("CREATE TABLE conf_not_empty (id INT)"));
  EXPECT_FALSE(d->SchemaIsEmpty());
}

TEST_P(DriverConformance, CleanDropsEverythingAndTheHistoryTable) {
  auto d = Open();
  d->Clean();  // nothing to clean yet
  d->EnsureHistoryTable();
  d->InsertHistory(Row("1", "first"));
  d->Execute(Sql("CREATE TABLE conf_parent (id INT PRIMARY KEY)"));
  d->Execute(
      Sql("CREATE TABLE conf_child (id INT PRIMARY KEY, parent_id INT REFERENCES "
          "conf_parent (id))"));
  d->Execute(Sql("CREATE VIEW conf_view AS SELECT id FROM conf_child"));
  d->Execute(Sql("CREATE INDEX conf_child_parent ON conf_child (parent_id)"));
  EXPECT_FALSE(d->SchemaIsEmpty());

  d->Clean();
  EXPECT_FALSE(d->in_transaction());
  EXPECT_TRUE(d->SchemaIsEmpty());
  EXPECT_FALSE(d->HistoryTableExists());
  EXPECT_TRUE(d->ReadHistory().empty());

  // Everything can be created again, under the same names.
  d->EnsureHistoryTable();
  d->Execute(Sql("CREATE TABLE conf_parent (id INT PRIMARY KEY)"));
  d->InsertHistory(Row("1", "again"));
  EXPECT_EQ(1u, d->ReadHistory().size());
  d->Clean();
  EXPECT_TRUE(Open()->SchemaIsEmpty());
}

}  // namespace flyrun::test
