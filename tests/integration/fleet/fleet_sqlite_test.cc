// A fleet of SQLite files migrated by the real binary in one run (README,
// Fleets): every tenant migrated, a broken one failing alone, --fail-fast,
// a bad tenants line, the JSON document, and one scan for all tenants.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_support.h"

namespace flyrun::test {
namespace {

class FleetSqlite : public ::testing::Test {
 protected:
  TempDir dir;

  void SetUp() override {
    dir.Write("sql/V1__a.sql", "CREATE TABLE a (x INTEGER);\n");
    dir.Write("sql/V2__b.sql", "CREATE TABLE b (x INTEGER);\nINSERT INTO b VALUES (1);\n");
    dir.Write("sql/V3__c.sql", "CREATE TABLE c (x INTEGER);\n");
  }
  std::string File(int i) const { return "t" + std::to_string(i) + ".db"; }
  /// tenants.txt listing t1.db ... tN.db, with a comment and a blank line.
  void WriteTenants(int n) const {
    std::string text = "# the fleet\n\n";
    for (int i = 1; i <= n; ++i) text += "sqlite:" + File(i) + "\n";
    dir.Write("tenants.txt", text);
  }
  /// Tenant i's file already has table b: its V2 fails there.
  void Break(int i) const {
    SQLite::Database db((dir.path() / File(i)).string(),
                        SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE b (x INTEGER)");
  }
  RunResult Run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--tenants", "tenants.txt", "--locations", "sql"});
    return RunFlyrun(args, dir.path());
  }
  long long Count(int i, const std::string& sql) const {
    SQLite::Database db((dir.path() / File(i)).string());
    return db.execAndGet(sql).getInt64();
  }
  long long Applied(int i) const {
    return Count(i, "SELECT count(*) FROM flyrun_schema_history WHERE success = 1");
  }
  bool Exists(int i) const { return std::filesystem::exists(dir.path() / File(i)); }
};

size_t Lines(const std::string& text, const std::string& start) {
  std::istringstream in(text);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) n += line.rfind(start, 0) == 0 ? 1 : 0;
  return n;
}

size_t Occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST_F(FleetSqlite, TwoHundredFilesMigratedInOneRun) {
  WriteTenants(200);
  RunResult r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (int i = 1; i <= 200; ++i) ASSERT_EQ(Applied(i), 3) << File(i);
  // A line per tenant as it finishes, then the table and the summary.
  EXPECT_EQ(Lines(r.out, "ok    sqlite:"), 200u) << r.out;
  EXPECT_NE(r.out.find("ok    sqlite:t17.db: applied 3 migrations, now at version 3"),
            std::string::npos);
  EXPECT_NE(r.out.find("TENANT"), std::string::npos);
  EXPECT_NE(r.out.find("200 tenants: 200 succeeded, 0 failed, 0 not started"), std::string::npos)
      << r.out;

  RunResult again = Run({"info"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Lines(again.out, "ok    sqlite:"), 200u);
  EXPECT_NE(again.out.find("sqlite:t200.db: at version 3, 0 pending"), std::string::npos);
}

TEST_F(FleetSqlite, ABrokenTenantFailsAloneAndTheExitCodeIsOne) {
  WriteTenants(12);
  Break(5);
  RunResult r = Run({"migrate", "--parallel", "3"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  for (int i = 1; i <= 12; ++i) {
    if (i == 5) continue;
    EXPECT_EQ(Applied(i), 3) << File(i);
  }
  // The broken one: V1 applied, V2 rolled back and recorded as nothing.
  EXPECT_EQ(Applied(5), 1);
  EXPECT_EQ(Count(5, "SELECT count(*) FROM flyrun_schema_history WHERE success = 0"), 0);
  EXPECT_NE(r.out.find("FAIL  sqlite:t5.db: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("12 tenants: 11 succeeded, 1 failed, 0 not started"), std::string::npos)
      << r.out;
  // The error itself, with the tenant it belongs to, is on stderr.
  EXPECT_NE(r.err.find("[sqlite:t5.db]"), std::string::npos) << r.err;
}

TEST_F(FleetSqlite, FailFastStartsNoFurtherTenant) {
  WriteTenants(10);
  Break(3);
  RunResult r = Run({"migrate", "--parallel", "1", "--fail-fast"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(Applied(1), 3);
  EXPECT_EQ(Applied(2), 3);
  for (int i = 4; i <= 10; ++i) EXPECT_FALSE(Exists(i)) << File(i) << " was started";
  EXPECT_NE(r.out.find("10 tenants: 2 succeeded, 1 failed, 7 not started"), std::string::npos)
      << r.out;

  // Without it, the rest are migrated.
  RunResult all = Run({"migrate", "--parallel", "1"});
  EXPECT_EQ(all.exit_code, 1);
  for (int i = 4; i <= 10; ++i) EXPECT_EQ(Applied(i), 3) << File(i);
}

TEST_F(FleetSqlite, JsonHasOneResultPerTenant) {
  WriteTenants(6);
  Break(2);
  RunResult r = Run({"migrate", "--output", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json doc = nlohmann::json::parse(r.out);  // one document
  EXPECT_EQ(doc["command"], "migrate");
  EXPECT_EQ(doc["success"], false);
  ASSERT_EQ(doc["tenants"].size(), 6u);
  for (int i = 1; i <= 6; ++i) {
    const auto& t = doc["tenants"][i - 1];
    EXPECT_EQ(t["url"], "sqlite:" + File(i));
    EXPECT_EQ(t["line"], i + 2);
    EXPECT_EQ(t["exit_code"], i == 2 ? 1 : 0);
    EXPECT_EQ(t["status"], i == 2 ? "failed" : "succeeded");
    // The command's own document, nested.
    EXPECT_EQ(t["result"]["command"], "migrate");
    EXPECT_EQ(t["result"]["success"], i != 2);
  }
  EXPECT_EQ(doc["tenants"][0]["result"]["migrations_executed"], 3);
  EXPECT_TRUE(doc["tenants"][1]["result"]["error"].is_object());
  EXPECT_EQ(doc["summary"]["tenants"], 6);
  EXPECT_EQ(doc["summary"]["failed"], 1);
  EXPECT_EQ(doc["summary"]["exit_code"], 1);
}

TEST_F(FleetSqlite, ABadTenantsLineNamesFileAndLine) {
  dir.Write("tenants.txt", "sqlite:a.db\n# ok\nsqlite:b.db main extra\n");
  RunResult r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("tenants.txt:3: error: "), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "a.db")) << "nothing runs before the check";
}

TEST_F(FleetSqlite, FilesAreScannedOnceForAllTenants) {
  WriteTenants(20);
  RunResult r = Run({"migrate", "--verbose"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Occurrences(r.err, "] scanned 3 migration file(s)\n"), 1u) << r.err;
  EXPECT_EQ(Occurrences(r.err, "migrating version 3 (c)"), 20u);
  // Each tenant's log lines name it.
  EXPECT_NE(r.err.find("[sqlite:t20.db]"), std::string::npos);
}

TEST_F(FleetSqlite, CommandsThatDoNotFanOutSaySo) {
  WriteTenants(2);
  for (const char* command : {"clean", "wait"}) {
    RunResult r = Run({command});
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_NE(r.err.find("not run over a tenants file"), std::string::npos) << r.err;
  }
  RunResult exec = Run({"exec", "--", "true"});
  EXPECT_EQ(exec.exit_code, 2);
  EXPECT_NE(exec.err.find("exec is not run over a tenants file"), std::string::npos) << exec.err;
  // validate --offline reads no database: it checks the files once.
  RunResult offline = Run({"validate", "--offline"});
  EXPECT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_EQ(Lines(offline.out, "ok    "), 0u) << offline.out;
}

}  // namespace
}  // namespace flyrun::test
