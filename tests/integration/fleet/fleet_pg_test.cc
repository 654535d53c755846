// Fleets of PostgreSQL databases (README, Fleets): 50 databases migrated in
// one run, schema-per-tenant, no password in any output, and SIGTERM in the
// middle of a fleet: every tenant migrated or rolled back, the rest not
// started, exit 130.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "../postgres/pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

/// Databases named fleet_..., created by the superuser for the ordinary role
/// and dropped at the end.
class PgFleet : public ::testing::Test {
 protected:
  TempDir dir;
  std::string admin_url_, url_;
  std::vector<std::string> names_;

  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
    url_ = url;
    admin_url_ = EnvOr("FLYRUN_TEST_PG_ADMIN_URL");
    dir.Write("sql/V1__a.sql", "CREATE TABLE a (x int);\n");
    dir.Write("sql/V2__b.sql", "CREATE TABLE b (x int);\nINSERT INTO b VALUES (1);\n");
  }
  void TearDown() override {
    for (const auto& name : names_) {
      try {
        PgQuery(admin_url_, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      } catch (...) {
      }
    }
  }
  /// Creates n databases and lists them in tenants.txt.
  void CreateTenants(int n) {
    std::string base = UniqueName("fleet");
    std::string text = "# PostgreSQL tenants\n";
    for (int i = 0; i < n; ++i) {
      names_.push_back(base + "_" + std::to_string(i));
      text += WithDatabase(url_, names_.back()) + "\n";
    }
    // Four at a time: creating a database is most of this test's time.
    std::atomic<size_t> next{0};
    std::vector<std::thread> creators;
    std::mutex mutex;
    std::string failure;
    for (int t = 0; t < 4; ++t) {
      creators.emplace_back([&] {
        for (size_t i; (i = next++) < names_.size();) {
          try {
            PgQuery(admin_url_, "CREATE DATABASE " + names_[i] + " OWNER flyrun");
          } catch (const std::exception& e) {
            std::lock_guard<std::mutex> lock(mutex);
            failure = e.what();
          }
        }
      });
    }
    for (auto& c : creators) c.join();
    ASSERT_EQ(failure, "");
    dir.Write("tenants.txt", text);
  }
  std::string Query(const std::string& name, const std::string& sql) const {
    return PgQuery(WithDatabase(admin_url_, name), sql);
  }
  std::string History(const std::string& name, const std::string& where) const {
    if (Query(name, "SELECT to_regclass('public.flyrun_schema_history')") == "NULL")
      return "no table";
    return Query(name, "SELECT count(*) FROM flyrun_schema_history WHERE " + where);
  }
  /// The password of the test role's URL (between "user:" and "@").
  std::string Password() const {
    size_t colon = url_.find(':', url_.find("://") + 3), at = url_.rfind('@');
    return colon < at ? url_.substr(colon + 1, at - colon - 1) : std::string();
  }
  std::vector<std::string> Args(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--tenants", "tenants.txt", "--locations", "sql"});
    return args;
  }
};

TEST_F(PgFleet, FiftyDatabasesMigratedInOneRunWithoutShowingThePassword) {
  ASSERT_NO_FATAL_FAILURE(CreateTenants(50));
  RunResult r = RunFlyrun(Args({"migrate", "--parallel", "8"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& name : names_) {
    EXPECT_EQ(History(name, "success AND version IN ('1', '2')"), "2") << name;
    EXPECT_EQ(Query(name, "SELECT count(*) FROM b"), "1") << name;
  }
  EXPECT_NE(r.out.find("50 tenants: 50 succeeded, 0 failed, 0 not started"), std::string::npos)
      << r.out;
  RunResult json = RunFlyrun(Args({"info", "--output", "json", "--verbose"}), dir.path());
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto doc = nlohmann::json::parse(json.out);
  ASSERT_EQ(doc["tenants"].size(), 50u);
  EXPECT_EQ(doc["tenants"][0]["result"]["schema_version"], "2");
  ASSERT_GE(Password().size(), 3u);
  for (const auto* text : {&r.out, &r.err, &json.out, &json.err})
    EXPECT_EQ(text->find(Password()), std::string::npos) << *text;
  EXPECT_NE(r.out.find(":***@"), std::string::npos) << "tenants are shown by URL";
}

TEST_F(PgFleet, SchemaPerTenant) {
  ASSERT_NO_FATAL_FAILURE(CreateTenants(1));
  std::string db_url = WithDatabase(url_, names_[0]);
  std::string text;
  for (int i = 0; i < 5; ++i) text += db_url + "   tenant_" + std::to_string(i) + "\n";
  dir.Write("tenants.txt", text);
  RunResult r = RunFlyrun(Args({"migrate"}), dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (int i = 0; i < 5; ++i) {
    std::string schema = "tenant_" + std::to_string(i);
    EXPECT_EQ(Query(names_[0], "SELECT count(*) FROM " + schema + ".flyrun_schema_history"), "2");
    EXPECT_EQ(Query(names_[0], "SELECT count(*) FROM " + schema + ".b"), "1");
    EXPECT_NE(r.out.find("schema " + schema + ": applied 2 migrations"), std::string::npos)
        << r.out;
  }
}

TEST_F(PgFleet, SigtermStopsEveryRunningTenantCleanlyAndStartsNoOther) {
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (x int);\nSELECT pg_sleep(60);\n");
  ASSERT_NO_FATAL_FAILURE(CreateTenants(8));
  Background bg = StartFlyrun(Args({"migrate", "--parallel", "4", "--output", "json"}), dir.path());
  std::string running = "SELECT count(*) FROM pg_stat_activity WHERE datname IN ('" + names_[0];
  for (size_t i = 1; i < names_.size(); ++i) running += "', '" + names_[i];
  running += "') AND state = 'active' AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()";
  ASSERT_TRUE(ReachedOrKill(
      bg, [&] { return PgQuery(admin_url_, running) == "4"; }, "four tenants running V2"));
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGTERM, std::chrono::milliseconds(20000), ms);
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_LT(ms, 10000);
  auto doc = nlohmann::json::parse(r.out);
  int stopped = 0, not_started = 0;
  for (size_t i = 0; i < names_.size(); ++i) {
    const auto& t = doc["tenants"][i];
    if (t["status"] == "not_started") {
      ++not_started;
      EXPECT_EQ(History(names_[i], "true"), "no table") << names_[i] << " was started";
      continue;
    }
    ++stopped;
    EXPECT_EQ(t["exit_code"], 130) << t.dump();
    // V1 applied and recorded; V2 rolled back whole, with no row for it.
    EXPECT_EQ(History(names_[i], "version = '1' AND success"), "1") << names_[i];
    EXPECT_EQ(History(names_[i], "version = '2'"), "0") << names_[i];
    EXPECT_EQ(Query(names_[i], "SELECT to_regclass('public.b')"), "NULL") << names_[i];
  }
  EXPECT_EQ(stopped, 4);
  EXPECT_EQ(not_started, 4);
  EXPECT_EQ(doc["summary"]["exit_code"], 130);
  EXPECT_EQ(PgQuery(admin_url_, running), "0") << "a statement was left running";
}

}  // namespace
}  // namespace flyrun::test
