// The flyrun binary against a real 3-node MariaDB Galera cluster
// (scripts/lib/galera.sh starts one and exports FLYRUN_TEST_GALERA_URLS):
// concurrent runs on every node, a node killed while its run holds the lock,
// and the settings that would break replication.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "driver/mysql/mysql_driver.h"
#include "mysql_test_util.h"
#include "support/test_support.h"

namespace flyrun {
namespace {

using std::chrono::milliseconds;
using test::MysqlQuery;
using test::MysqlRow;
using test::MysqlScalar;
using test::RunResult;
using test::TempDir;

std::string TestName() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

std::string Show(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string Rows(const std::vector<MysqlRow>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (const auto& cell : row) out += (cell ? *cell : "NULL") + "|";
    out += "\n";
  }
  return out;
}

class GaleraTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string urls = test::EnvOr("FLYRUN_TEST_GALERA_URLS");
    if (urls.empty()) {
      if (test::EnvOr("FLYRUN_REQUIRE_SERVERS") == "1")
        FAIL() << "FLYRUN_TEST_GALERA_URLS is not set but FLYRUN_REQUIRE_SERVERS=1";
      GTEST_SKIP() << "set FLYRUN_TEST_GALERA_URLS (scripts/test.sh does) to run this test";
    }
    base_urls_ = Split(urls);
    ASSERT_EQ(base_urls_.size(), 3u) << urls;
    // A node killed by an earlier test may still be rejoining.
    ASSERT_TRUE(test::PollUntil([&] { return ClusterSize(0) == "3"; }, milliseconds(60000)));
    db_name_ = test::UniqueDatabaseName(TestName());
    MysqlQuery(base_urls_[0], "CREATE DATABASE `" + db_name_ + "`");
    for (const auto& base : base_urls_) urls_.push_back(test::MysqlUrlWithDatabase(base, db_name_));
    // DDL replicates under TOI: every node has the database once node 1 answered.
    for (std::size_t n = 1; n < urls_.size(); ++n)
      ASSERT_TRUE(test::PollUntil([&] { return Exists(n); }));
  }

  void TearDown() override {
    if (db_name_.empty()) return;
    for (const auto& base : base_urls_) {
      try {
        MysqlQuery(base, "DROP DATABASE IF EXISTS `" + db_name_ + "`");
        return;
      } catch (const std::exception&) {
        // that node is down: another one drops it for the cluster
      }
    }
  }

  std::string ClusterSize(std::size_t node) {
    try {
      return MysqlScalar(base_urls_[node],
                         "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                         "WHERE VARIABLE_NAME = 'wsrep_cluster_size'");
    } catch (const std::exception&) {
      return "";
    }
  }

  bool Exists(std::size_t node) {
    try {
      return MysqlScalar(base_urls_[node],
                         "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" +
                             db_name_ + "'") == "1";
    } catch (const std::exception&) {
      return false;
    }
  }

  /// The schema of the test database and its history, as node `node` sees them.
  std::string State(std::size_t node) {
    const std::string& url = urls_[node];
    std::string schema = Rows(MysqlQuery(
        url,
        "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY "
        "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1, 3"));
    std::string indexes =
        Rows(MysqlQuery(url,
                        "SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME "
                        "FROM information_schema.STATISTICS WHERE "
                        "TABLE_SCHEMA = DATABASE() ORDER BY 1, 2, 3"));
    std::string history = Rows(MysqlQuery(
        url,
        "SELECT installed_rank, version, description, type, script, checksum, installed_by, "
        "success FROM flyrun_schema_history ORDER BY installed_rank"));
    std::string applied =
        Rows(MysqlQuery(url, "SELECT version, COUNT(*) FROM applied GROUP BY version ORDER BY 1"));
    return "schema:\n" + schema + "indexes:\n" + indexes + "history:\n" + history + "applied:\n" +
           applied;
  }

  /// Polls until every live node shows the same state (replication is
  /// asynchronous to a reader on another node) and returns node `first`'s.
  std::string SameStateOn(const std::vector<std::size_t>& nodes) {
    std::string first, other;
    bool same = test::PollUntil(
        [&] {
          try {
            first = State(nodes[0]);
            for (std::size_t i = 1; i < nodes.size(); ++i) {
              other = State(nodes[i]);
              if (other != first) return false;
            }
            return true;
          } catch (const std::exception& e) {
            other = e.what();
            return false;
          }
        },
        milliseconds(20000));
    EXPECT_TRUE(same) << "node " << nodes[0] + 1 << ":\n" << first << "another node:\n" << other;
    return first;
  }

  /// Migrations that count their own applications in `applied`: DDL (a table,
  /// a column, an index) and inserts, so that an application twice shows.
  void WriteMigrations(const std::string& v2_extra = {}) {
    dir_.Write("sql/V1__create.sql",
               "CREATE TABLE applied (id INT AUTO_INCREMENT PRIMARY KEY, version VARCHAR(10) NOT "
               "NULL) ENGINE=InnoDB;\n"
               "CREATE TABLE item (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50)) "
               "ENGINE=InnoDB;\n"
               "INSERT INTO applied (version) VALUES ('1');\n");
    dir_.Write("sql/V2__fill.sql", "INSERT INTO item (name) VALUES ('a'), ('b'), ('c');\n" +
                                       v2_extra + "INSERT INTO applied (version) VALUES ('2');\n");
    dir_.Write("sql/V3__alter.sql",
               "ALTER TABLE item ADD COLUMN price INT NOT NULL DEFAULT 0;\n"
               "INSERT INTO applied (version) VALUES ('3');\n");
    dir_.Write("sql/V4__index.sql",
               "CREATE INDEX item_name ON item (name);\n"
               "INSERT INTO applied (version) VALUES ('4');\n");
  }

  std::vector<std::string> MigrateArgs(std::size_t node) {
    return {"--url",          urls_[node], "--locations",  (dir_.path() / "sql").string(),
            "--lock-timeout", "120s",      "--lock-lease", "2s",
            "migrate"};
  }

  static void ExpectAppliedOnce(const std::string& state) {
    EXPECT_NE(state.find("applied:\n1|1|\n2|1|\n3|1|\n4|1|\n"), std::string::npos) << state;
  }

  std::vector<std::string> base_urls_;
  std::vector<std::string> urls_;
  std::string db_name_;
  TempDir dir_;
};

TEST_F(GaleraTest, NineConcurrentRunsThreePerNodeApplyEachMigrationOnce) {
  WriteMigrations();
  std::vector<test::Background> runs;
  for (int i = 0; i < 9; ++i) runs.push_back(test::StartFlyrun(MigrateArgs(i % 3), dir_.path()));
  for (std::size_t i = 0; i < runs.size(); ++i) {
    RunResult r = test::WaitAtMost(runs[i], milliseconds(120000));
    EXPECT_EQ(r.exit_code, 0) << "run " << i << " on node " << i % 3 + 1 << ": " << Show(r);
  }
  std::string state = SameStateOn({0, 1, 2});
  ExpectAppliedOnce(state);
  std::string history = state.substr(state.find("history:\n"));
  history = history.substr(0, history.find("applied:\n"));
  EXPECT_EQ(std::count(history.begin(), history.end(), '\n'), 5) << "4 history rows:\n" << state;
  EXPECT_NE(history.find("\n1|1|create|SQL|V1__create.sql|"), std::string::npos) << state;
  EXPECT_NE(history.find("\n4|4|index|SQL|V4__index.sql|"), std::string::npos) << state;
}

TEST_F(GaleraTest, RsuSchemaUpgradesAreRefused) {
  WriteMigrations();
  RunResult r = test::RunFlyrun({"--url", urls_[1], "--locations", (dir_.path() / "sql").string(),
                                 "--init-sql", "SET SESSION wsrep_OSU_method = 'RSU'", "migrate"},
                                dir_.path());
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_NE(r.err.find("wsrep_OSU_method"), std::string::npos) << Show(r);
  EXPECT_NE(r.err.find("TOI"), std::string::npos) << Show(r);
  EXPECT_EQ(MysqlScalar(urls_[1],
                        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                        "DATABASE()"),
            "0");
}

TEST_F(GaleraTest, HistoryTableThatIsNotInnodbIsRefused) {
  WriteMigrations();
  MysqlQuery(urls_[0],
             "CREATE TABLE flyrun_schema_history (installed_rank INT NOT NULL PRIMARY KEY, "
             "version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, "
             "script VARCHAR(1000) NOT NULL, checksum VARCHAR(64), installed_by VARCHAR(100) NOT "
             "NULL, installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_time INT "
             "NOT NULL, success BOOLEAN NOT NULL) ENGINE=MyISAM");
  ASSERT_TRUE(test::PollUntil([&] {
    return MysqlScalar(urls_[2],
                       "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                       "DATABASE() AND TABLE_NAME = 'flyrun_schema_history'") == "1";
  }));
  RunResult r = test::RunFlyrun(
      {"--url", urls_[2], "--locations", (dir_.path() / "sql").string(), "migrate"}, dir_.path());
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_NE(r.err.find("MyISAM"), std::string::npos) << Show(r);
  EXPECT_NE(r.err.find("ENGINE=InnoDB"), std::string::npos) << Show(r);
  EXPECT_EQ(MysqlScalar(urls_[2],
                        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                        "DATABASE() AND TABLE_NAME = 'applied'"),
            "0");
}

TEST_F(GaleraTest, MigrationsReadCausally) {
  dir_.Write("sql/V1__sync_wait.sql",
             "CREATE TABLE seen (sync_wait INT NOT NULL) ENGINE=InnoDB;\n"
             "INSERT INTO seen SELECT @@SESSION.wsrep_sync_wait;\n");
  RunResult r = test::RunFlyrun(
      {"--url", urls_[1], "--locations", (dir_.path() / "sql").string(), "migrate"}, dir_.path());
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  // Bit 1: reads wait until the node has applied what the cluster committed.
  EXPECT_EQ(MysqlScalar(urls_[1], "SELECT sync_wait & 1 FROM seen"), "1");
}

/// Cuts node `node` off the group (gmcast.isolate) until destroyed, then
/// waits until it is back and Synced.
struct Isolated {
  std::string admin_url;
  ~Isolated() {
    try {
      MysqlQuery(admin_url, "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "ending the isolation: " << e.what();
    }
    EXPECT_TRUE(test::PollUntil(
        [&] {
          try {
            return MysqlScalar(admin_url,
                               "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                               "WHERE VARIABLE_NAME = 'wsrep_local_state_comment'") == "Synced";
          } catch (const std::exception&) {
            return false;
          }
        },
        milliseconds(60000)));
  }
};

TEST_F(GaleraTest, NodeOutsideThePrimaryComponentIsAConnectionFailure) {
  auto admin = Split(test::EnvOr("FLYRUN_TEST_GALERA_ADMIN_URLS"));
  ASSERT_EQ(admin.size(), 3u) << "FLYRUN_TEST_GALERA_ADMIN_URLS (scripts/lib/galera.sh sets it)";
  WriteMigrations();
  MysqlQuery(admin[1], "SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'");
  Isolated isolated{admin[1]};
  ASSERT_TRUE(test::PollUntil([&] {
    return MysqlScalar(admin[1],
                       "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                       "WHERE VARIABLE_NAME = 'wsrep_cluster_status'") == "non-Primary";
  }));
  RunResult r = test::RunFlyrun(
      {"--url", urls_[1], "--locations", (dir_.path() / "sql").string(), "migrate"}, dir_.path());
  EXPECT_EQ(r.exit_code, 4) << Show(r);
  EXPECT_NE(r.err.find("primary component"), std::string::npos) << Show(r);
  EXPECT_NE(r.err.find("another node"), std::string::npos) << Show(r);
}

TEST_F(GaleraTest, TheNativeLockIsNotTrustedOnAGaleraNode) {
  ConnectionOptions options;
  options.url = urls_[0];
  auto driver = OpenMysql(options);
  EXPECT_NE(driver->NativeLockCaveat().find("Galera"), std::string::npos)
      << driver->NativeLockCaveat();
  EXPECT_NE(driver->NativeLockCaveat().find("GET_LOCK"), std::string::npos)
      << driver->NativeLockCaveat();
}

TEST(GaleraPlainServerTest, ThePlainServerKeepsItsNativeLock) {
  FLYRUN_SERVER_URL(url, "FLYRUN_TEST_MYSQL_URL");
  ConnectionOptions options;
  options.url = url;
  auto driver = OpenMysql(options);
  EXPECT_EQ(driver->NativeLockCaveat(), "");
}

int NodePid(std::size_t node) {
  auto files = Split(test::EnvOr("FLYRUN_TEST_GALERA_PIDFILES"));
  if (files.size() != 3) return -1;
  std::ifstream in(files[node]);
  int pid = -1;
  in >> pid;
  return pid;
}

/// scripts/lib/galera.sh restart-node: starts `node` again and waits until the
/// cluster has 3 Synced nodes.
RunResult RestartNode(const std::string& ctl, std::size_t node, const std::filesystem::path& cwd) {
  return test::RunProgram(ctl, {"restart-node", std::to_string(node + 1)}, cwd,
                          {{"FLYRUN_TEST_GALERA_DIR", test::EnvOr("FLYRUN_TEST_GALERA_DIR")}});
}

/// Starts a killed node again when the test ends, however it ends, so that
/// the cluster's other tests find 3 nodes.
struct Rejoin {
  std::string ctl;
  std::size_t node;
  bool done = false;
  ~Rejoin() {
    if (done) return;
    try {
      RestartNode(ctl, node, ".");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "restarting node " << node + 1 << ": " << e.what();
    }
  }
};

TEST_F(GaleraTest, NodeKilledWhileItsRunHoldsTheLockAnotherNodeTakesOver) {
  std::string ctl = test::EnvOr("FLYRUN_TEST_GALERA_CTL");
  ASSERT_FALSE(ctl.empty()) << "FLYRUN_TEST_GALERA_CTL is not set (scripts/lib/galera.sh sets it)";
  // V2 waits on node 3 only: its run holds the lock there while node 3 dies.
  WriteMigrations("SELECT SLEEP(IF(@@wsrep_node_name = 'node3', 120, 0));\n");
  constexpr std::size_t kVictim = 2;
  int pid = NodePid(kVictim);
  ASSERT_GT(pid, 0);

  auto started = std::chrono::steady_clock::now();
  test::Background holder = test::StartFlyrun(MigrateArgs(kVictim), dir_.path());
  ASSERT_TRUE(test::ReachedOrKill(
      holder,
      [&] {
        return MysqlScalar(urls_[kVictim],
                           "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE "
                           "'SELECT SLEEP(IF(@@wsrep_node_name%'") == "1";
      },
      "the holder's V2 sleeping on node 3"));
  // A run on node 1 waits for the lock the holder has.
  test::Background waiter = test::StartFlyrun(MigrateArgs(0), dir_.path());
  ASSERT_TRUE(test::ReachedOrKill(
      waiter, [&] { return test::ReadFile(waiter.err_file).find("wait") != std::string::npos; },
      "the run on node 1 waiting for the lock"));

  ASSERT_EQ(kill(pid, SIGKILL), 0);
  Rejoin rejoin{ctl, kVictim};
  RunResult held = test::WaitAtMost(holder, milliseconds(60000));
  EXPECT_NE(held.exit_code, 0) << Show(held);

  RunResult took = test::WaitAtMost(waiter, milliseconds(60000));
  EXPECT_EQ(took.exit_code, 0) << Show(took);
  auto took_over_after =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
  std::cerr << "takeover done " << took_over_after.count() << " ms after the holder started\n";

  RunResult rerun = test::RunFlyrun(MigrateArgs(1), dir_.path());
  EXPECT_EQ(rerun.exit_code, 0) << Show(rerun);
  ExpectAppliedOnce(SameStateOn({0, 1}));

  RunResult restart = RestartNode(ctl, kVictim, dir_.path());
  rejoin.done = true;
  ASSERT_EQ(restart.exit_code, 0) << Show(restart);
  ExpectAppliedOnce(SameStateOn({0, 1, 2}));
}

}  // namespace
}  // namespace flyrun
