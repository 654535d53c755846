// SIGINT/SIGTERM on SQLite, end to end (SPEC 8, exit 130): during a long
// statement in and out of a transaction, while waiting for the migration lock,
// and before exec starts the app. Every test polls for the state it
// interrupts (the journal of an open transaction, a table of the script, the
// lock file open in flyrun) before it sends the signal.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "support/test_support.h"

namespace flyrun::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// Runs for minutes unless the progress handler aborts it.
constexpr char kLongStatement[] =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
    "SELECT count(*) FROM c;\n";

// A script that ends flyrun must do so well within this; past it the process
// is killed so that a regression fails instead of hanging.
constexpr milliseconds kHang{20000};

class CliInterrupt : public ::testing::Test {
 protected:
  TempDir dir;
  fs::path db_path() const { return dir.path() / "app.db"; }
  std::map<std::string, std::string> Env() const {
    return {{"FLYRUN_URL", "sqlite:" + db_path().string()}};
  }
  long long Count(const std::string& sql) const {
    SQLite::Database db(db_path().string());
    db.setBusyTimeout(5000);  // flyrun may be writing
    return db.execAndGet(sql).getInt64();
  }
  bool TableExists(const std::string& name) const {
    return fs::exists(db_path()) &&
           Count("SELECT count(*) FROM sqlite_master WHERE name = '" + name + "'") > 0;
  }
  // Whether someone holds the migration lock (an flock on the file beside
  // the database); probing takes it for an instant when it is free.
  bool LockHeld() const {
    int fd = open((db_path().string() + ".flyrun-lock").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool held = flock(fd, LOCK_EX | LOCK_NB) != 0;
    close(fd);
    return held;
  }
  // Whether process `pid` has `file` open (it is inside the lock wait).
  static bool HasOpen(int pid, const fs::path& file) {
    std::error_code ec;
    for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
      std::error_code link_ec;
      if (fs::read_symlink(fd.path(), link_ec) == file) return true;
    }
    return false;
  }
};

TEST_F(CliInterrupt, SigtermDuringALongStatementOfATransactionalScriptRollsItBack) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  ASSERT_EQ(RunFlyrun({"migrate"}, dir.path(), Env()).exit_code, 0);
  dir.Write("sql/V2__slow.sql", std::string("CREATE TABLE b (id INT);\n") + kLongStatement +
                                    "INSERT INTO b VALUES (1);\n");
  auto bg = StartFlyrun({"migrate"}, dir.path(), Env());
  // The journal exists from CREATE TABLE b to the end of the transaction.
  bool in_tx = PollUntil([&] { return fs::exists(dir.path() / "app.db-journal"); });
  if (!in_tx) kill(bg.pid, SIGKILL);
  ASSERT_TRUE(in_tx) << Wait(bg).err;
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGTERM, kHang, ms);
  std::cout << "SQLite, SIGTERM during a long statement in a transaction: exit " << r.exit_code
            << " after " << ms << " ms\n";
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(ms, 5000);
  EXPECT_FALSE(TableExists("b"));
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history WHERE version = '2'"), 0);
}

// The long statement after a committed one, outside a transaction: cut short,
// and nothing after it runs.
TEST_F(CliInterrupt, SigintDuringALongStatementOutsideATransactionStopsIt) {
  dir.Write("sql/V1__slow.sql", std::string("-- flyrun:transaction=false\n") +
                                    "CREATE TABLE x (id INT);\n" + kLongStatement +
                                    "CREATE TABLE y (id INT);\n");
  auto bg = StartFlyrun({"migrate"}, dir.path(), Env());
  bool started = PollUntil([&] { return TableExists("x"); });
  if (!started) kill(bg.pid, SIGKILL);
  ASSERT_TRUE(started) << Wait(bg).err;
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGINT, kHang, ms);
  std::cout << "SQLite, SIGINT during a long statement outside a transaction: exit " << r.exit_code
            << " after " << ms << " ms\n";
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(ms, 5000);
  EXPECT_TRUE(TableExists("x"));
  EXPECT_FALSE(TableExists("y"));
}

// What the interrupted script left is recorded: one failed row, and the next
// migrate refuses until `repair`.
TEST_F(CliInterrupt, SignalOutsideATransactionRecordsAFailedRowAndMigrateAsksForRepair) {
  dir.Write("sql/V1__slow.sql", std::string("-- flyrun:transaction=false\n") +
                                    "CREATE TABLE x (id INT);\n" + kLongStatement +
                                    "CREATE TABLE y (id INT);\n");
  auto bg = StartFlyrun({"migrate"}, dir.path(), Env());
  bool started = PollUntil([&] { return TableExists("x"); });
  if (!started) kill(bg.pid, SIGKILL);
  ASSERT_TRUE(started) << Wait(bg).err;
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGTERM, kHang, ms);
  ASSERT_EQ(r.exit_code, 130) << r.err;
  EXPECT_FALSE(TableExists("y"));
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history WHERE version = '1'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history WHERE version = '1' AND success = 0"),
            1);
  RunResult next = RunFlyrun({"migrate"}, dir.path(), Env());
  EXPECT_NE(next.exit_code, 0) << next.err;
  EXPECT_NE(next.err.find("repair"), std::string::npos) << next.err;
}

// Another connection holds the database: flyrun, past the migration lock,
// waits for it (up to 10 s) but not once a signal arrived.
TEST_F(CliInterrupt, SignalWhileTheDatabaseIsBusyExits130AtOnce) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  ASSERT_EQ(RunFlyrun({"migrate"}, dir.path(), Env()).exit_code, 0);
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  SQLite::Database other(db_path().string(), SQLite::OPEN_READWRITE);
  other.exec("BEGIN EXCLUSIVE");
  auto bg = StartFlyrun({"migrate"}, dir.path(), Env());
  bool waiting = PollUntil([&] { return LockHeld(); });
  if (!waiting) kill(bg.pid, SIGKILL);
  ASSERT_TRUE(waiting) << Wait(bg).err;
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGTERM, kHang, ms);
  std::cout << "SQLite, SIGTERM while the database is busy: exit " << r.exit_code << " after " << ms
            << " ms\n";
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(ms, 5000);
  other.exec("ROLLBACK");
  EXPECT_FALSE(TableExists("b"));
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history"), 1);
}

// Holds the migration lock the way a running flyrun does: an flock on the
// file beside the database.
class HeldLock {
 public:
  explicit HeldLock(const fs::path& lock_file)
      : fd_(open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    held_ = fd_ >= 0 && flock(fd_, LOCK_EX | LOCK_NB) == 0;
  }
  ~HeldLock() {
    if (fd_ >= 0) close(fd_);
  }
  bool held() const { return held_; }

 private:
  int fd_;
  bool held_ = false;
};

TEST_F(CliInterrupt, SignalWhileWaitingForTheLockExits130AndAppliesNothing) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  fs::path lock_file = db_path().string() + ".flyrun-lock";
  HeldLock lock(lock_file);
  ASSERT_TRUE(lock.held());
  auto bg = StartFlyrun({"migrate", "--lock-timeout", "60s"}, dir.path(), Env());
  bool waiting = PollUntil([&] { return HasOpen(bg.pid, lock_file); });
  if (!waiting) kill(bg.pid, SIGKILL);
  ASSERT_TRUE(waiting) << Wait(bg).err;
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGTERM, kHang, ms);
  std::cout << "SQLite, SIGTERM while waiting for the lock: exit " << r.exit_code << " after " << ms
            << " ms\n";
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(ms, 5000);
  EXPECT_FALSE(TableExists("a"));
  EXPECT_FALSE(TableExists("flyrun_schema_history"));
}

TEST_F(CliInterrupt, ExecInterruptedWhileWaitingForTheLockNeverStartsTheApp) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  fs::path lock_file = db_path().string() + ".flyrun-lock";
  HeldLock lock(lock_file);
  ASSERT_TRUE(lock.held());
  auto bg = StartFlyrun({"exec", "--lock-timeout", "60s", "--", "sh", "-c", "touch started"},
                        dir.path(), Env());
  bool waiting = PollUntil([&] { return HasOpen(bg.pid, lock_file); });
  if (!waiting) kill(bg.pid, SIGKILL);
  ASSERT_TRUE(waiting) << Wait(bg).err;
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGINT, kHang, ms);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(ms, 5000);
  EXPECT_FALSE(fs::exists(dir.path() / "started"));
  EXPECT_FALSE(TableExists("a"));
}

}  // namespace
}  // namespace flyrun::test
