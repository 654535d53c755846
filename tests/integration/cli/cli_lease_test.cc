// The lease lock as a user meets it: `info` names the holder and since when,
// a second run's lock timeout says the same, and an interrupted holder gives
// the lease back.

#include <csignal>
#include <string>

#include "sqlite_cli.h"

namespace flyrun::test {
namespace {

using std::chrono::milliseconds;

class CliLease : public SqliteCli {
 protected:
  /// Rows in the lock table; 0 while it does not exist.
  long long LeaseRows() {
    try {
      return Count("SELECT count(*) FROM flyrun_schema_history_lock");
    } catch (const std::exception&) {
      return 0;
    }
  }
};

TEST_F(CliLease, InfoAndALockTimeoutNameTheHolderAndAnInterruptedHolderGivesItBack) {
  // A statement that runs for a long while without writing.
  dir.Write("sql/V1__slow.sql",
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
            "SELECT count(*) FROM c;\n");
  ASSERT_EQ(0, Run({"baseline", "--baseline-version", "0"}).exit_code);
  Background holder = StartFlyrun({"migrate", "--lock", "table", "--lock-lease", "2s"}, dir.path(),
                                  {{"FLYRUN_URL", url()}});
  ASSERT_TRUE(ReachedOrKill(
      holder, [&] { return LeaseRows() == 1; }, "the lease row"));

  RunResult info = Run({"info", "--lock", "table"});
  EXPECT_EQ(0, info.exit_code) << info.err;
  EXPECT_NE(std::string::npos, info.out.find("Migration lock: lease held by ")) << info.out;
  EXPECT_NE(std::string::npos, info.out.find(" pid " + std::to_string(holder.pid))) << info.out;
  EXPECT_NE(std::string::npos, info.out.find(" since ")) << info.out;

  RunResult second = Run({"migrate", "--lock", "table", "--lock-timeout", "1s"});
  EXPECT_EQ(5, second.exit_code) << second.err;
  EXPECT_NE(std::string::npos, second.err.find("pid " + std::to_string(holder.pid))) << second.err;
  EXPECT_NE(std::string::npos, second.err.find(" since ")) << second.err;

  long long elapsed_ms = 0;
  RunResult stopped = SignalAndWait(holder, SIGTERM, milliseconds(10000), elapsed_ms);
  EXPECT_EQ(130, stopped.exit_code) << stopped.err;
  EXPECT_EQ(0, LeaseRows()) << "the interrupted holder kept its lease row";
  RunResult after = Run({"info", "--lock", "table"});
  EXPECT_EQ(std::string::npos, after.out.find("Migration lock:")) << after.out;
}

}  // namespace
}  // namespace flyrun::test
