// A fleet of MariaDB databases (README, Fleets): the connector's per-thread
// set-up on the worker threads, and a signal cancelling the running
// statements of every tenant.
#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "../mysql/mysql_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class MysqlFleet : public ::testing::Test {
 protected:
  TempDir dir;
  std::string url_;
  std::vector<std::unique_ptr<ScratchDatabase>> dbs_;

  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_MYSQL_URL");
    url_ = url;
    dir.Write("sql/V1__a.sql", "CREATE TABLE a (x int);\n");
  }
  void CreateTenants(int n) {
    std::string text;
    for (int i = 0; i < n; ++i) {
      dbs_.push_back(std::make_unique<ScratchDatabase>(url_, "fleet"));
      text += dbs_.back()->url() + "\n";
    }
    dir.Write("tenants.txt", text);
  }
  std::vector<std::string> Args(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--tenants", "tenants.txt", "--locations", "sql"});
    return args;
  }
};

TEST_F(MysqlFleet, MigratesOnWorkerThreads) {
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (x int);\nINSERT INTO b VALUES (1);\n");
  CreateTenants(8);
  RunResult r = RunFlyrun(Args({"migrate", "--parallel", "4"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& db : dbs_) {
    EXPECT_EQ(MysqlScalar(db->url(), "SELECT count(*) FROM flyrun_schema_history WHERE success"),
              "2")
        << db->name();
  }
  EXPECT_NE(r.out.find("8 tenants: 8 succeeded"), std::string::npos) << r.out;
}

TEST_F(MysqlFleet, SigintCancelsEveryRunningStatement) {
  dir.Write("sql/V2__b.sql", "SELECT SLEEP(60);\n");
  CreateTenants(4);
  Background bg = StartFlyrun(Args({"migrate", "--parallel", "2"}), dir.path());
  std::string running =
      "SELECT count(*) FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(60)%' "
      "AND db IN ('" +
      dbs_[0]->name() + "', '" + dbs_[1]->name() + "', '" + dbs_[2]->name() + "', '" +
      dbs_[3]->name() + "')";
  ASSERT_TRUE(ReachedOrKill(
      bg, [&] { return MysqlScalar(url_, running) == "2"; }, "two tenants running V2"));
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGINT, std::chrono::milliseconds(20000), ms);
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_NE(r.out.find("4 tenants: 0 succeeded, 2 failed, 2 not started"), std::string::npos)
      << r.out;
  EXPECT_TRUE(
      PollUntil([&] { return MysqlScalar(url_, running) == "0"; }, std::chrono::milliseconds(5000)))
      << "a statement was left running";
}

}  // namespace
}  // namespace flyrun::test
