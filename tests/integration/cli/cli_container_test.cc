// Container entrypoint behaviour on SQLite: exec, concurrent replicas, SIGTERM.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>

#include "support/test_support.h"

namespace flyrun::test {
namespace {

class CliContainer : public ::testing::Test {
 protected:
  TempDir dir;
  std::string db_path() const { return (dir.path() / "app.db").string(); }
  std::map<std::string, std::string> Env() const { return {{"FLYRUN_URL", "sqlite:" + db_path()}}; }
  // Whether someone holds the migration lock (an flock on the file beside
  // the database); probing takes it for an instant when it is free.
  bool LockHeld() const {
    int fd = open((db_path() + ".flyrun-lock").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool held = flock(fd, LOCK_EX | LOCK_NB) != 0;
    close(fd);
    return held;
  }
  long long Count(const std::string& sql) {
    SQLite::Database db(db_path());
    return db.execAndGet(sql).getInt64();
  }
};

TEST_F(CliContainer, ExecRunsTheCommandAfterMigrating) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  auto r = RunFlyrun({"exec", "--", "sh", "-c", "echo started; echo \"$0 $1\"", "x", "--flag"},
                     dir.path(), Env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "started\nx --flag\n");  // the app owns stdout
  EXPECT_NE(r.err.find("Applied version 1"), std::string::npos) << r.err;
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history"), 1);
}

TEST_F(CliContainer, ExecWithAFailingMigrationNeverStartsTheCommand) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\nBROKEN;\n");
  auto r = RunFlyrun({"exec", "--", "sh", "-c", "echo started"}, dir.path(), Env());
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out.find("started"), std::string::npos) << r.out;
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  auto missing = RunFlyrun({"exec", "--", "no-such-command-xyz"}, dir.path(), Env());
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("no-such-command-xyz"), std::string::npos);
}

TEST_F(CliContainer, EightReplicasApplyEachMigrationOnce) {
  for (int i = 1; i <= 20; ++i)
    dir.Write("sql/V" + std::to_string(i) + "__t.sql", "CREATE TABLE t" + std::to_string(i) +
                                                           " (id INT);\nINSERT INTO t" +
                                                           std::to_string(i) + " VALUES (1);\n");
  std::vector<Background> replicas;
  for (int i = 0; i < 8; ++i)
    replicas.push_back(StartFlyrun(
        {"exec", "--lock-timeout", "60s", "--", "sh", "-c", "echo started"}, dir.path(), Env()));
  for (const auto& r : replicas) {
    auto result = Wait(r);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "started\n");
  }
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history"), 20);
  EXPECT_EQ(Count("SELECT count(DISTINCT version) FROM flyrun_schema_history"), 20);
}

TEST_F(CliContainer, SigtermDuringAMigrationRollsBackAndReleasesTheLock) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  ASSERT_EQ(RunFlyrun({"migrate"}, dir.path(), Env()).exit_code, 0);
  // A statement that runs for seconds, then more work: SIGTERM lands mid-script.
  dir.Write("sql/V2__slow.sql",
            "CREATE TABLE b (id INT);\n"
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30000000) "
            "SELECT count(*) FROM c;\n"
            "INSERT INTO b VALUES (1);\n");
  auto bg = StartFlyrun({"migrate"}, dir.path(), Env());
  // The journal exists from CREATE TABLE b to the end of the transaction.
  bool in_tx = PollUntil([&] { return std::filesystem::exists(dir.path() / "app.db-journal"); });
  if (!in_tx) kill(bg.pid, SIGKILL);
  ASSERT_TRUE(in_tx) << Wait(bg).err;
  kill(bg.pid, SIGTERM);
  auto r = Wait(bg);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_EQ(Count("SELECT count(*) FROM sqlite_master WHERE name = 'b'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history"), 1);
  // The lock is free: the next run gets it at once.
  dir.Write("sql/V2__slow.sql", "CREATE TABLE b (id INT);\n");
  auto next = RunFlyrun({"migrate", "--lock-timeout", "1"}, dir.path(), Env());
  EXPECT_EQ(next.exit_code, 0) << next.err;
}

TEST_F(CliContainer, LockTimeoutExits5WhileAnotherRunHoldsTheLock) {
  dir.Write("sql/V1__slow.sql",
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 30000000) "
            "SELECT count(*) FROM c;\n");
  auto bg = StartFlyrun({"migrate"}, dir.path(), Env());
  bool held = PollUntil([&] { return LockHeld(); });
  if (!held) kill(bg.pid, SIGKILL);
  ASSERT_TRUE(held) << Wait(bg).err;
  auto second = RunFlyrun({"migrate", "--lock-timeout", "1"}, dir.path(), Env());
  EXPECT_EQ(second.exit_code, 5) << second.err;
  EXPECT_NE(second.err.find("lock_timeout"), std::string::npos) << second.err;
  EXPECT_EQ(Wait(bg).exit_code, 0);
}

TEST_F(CliContainer, ConfigurationFromEnvironmentOnlyWithPasswordFile) {
  dir.Write("migrations/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("secret.txt", "s3cret-value\n");
  auto r = RunFlyrun({"migrate", "-v"}, dir.path(),
                     {{"FLYRUN_URL", "sqlite:" + db_path()},
                      {"FLYRUN_LOCATIONS", "migrations"},
                      {"FLYRUN_PASSWORD_FILE", (dir.path() / "secret.txt").string()},
                      {"FLYRUN_LOG_FORMAT", "json"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ((r.out + r.err).find("s3cret-value"), std::string::npos);
  EXPECT_EQ(Count("SELECT count(*) FROM flyrun_schema_history"), 1);
  auto bad = RunFlyrun({"migrate"}, dir.path(),
                       {{"FLYRUN_URL", "sqlite:" + db_path()},
                        {"FLYRUN_PASSWORD_FILE", (dir.path() / "missing.txt").string()}});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("missing.txt"), std::string::npos) << bad.err;
}

TEST_F(CliContainer, JsonLogFormat) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  auto r = RunFlyrun({"migrate", "-v", "--log-format", "json"}, dir.path(), Env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_FALSE(r.err.empty());
  std::istringstream lines(r.err);
  std::string line;
  while (std::getline(lines, line)) EXPECT_EQ(line.rfind("{\"time\":", 0), 0u) << line;
}

}  // namespace
}  // namespace flyrun::test
