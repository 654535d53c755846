// End-to-end: a Flyway project's flyway.conf / flyway.toml configures the
// flyrun binary when there is no flyrun.yaml, on SQLite.
#include <gtest/gtest.h>

#include "sqlite_cli.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Show(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

class CliFlywayConfig : public SqliteCli {
 protected:
  /// flyrun `args` with no FLYRUN_ variable, HOME in the project directory.
  RunResult RunBare(const std::vector<std::string>& args) {
    return RunFlyrun(args, dir.path(), {{"HOME", dir.path().string()}, {"FLYRUN_URL", ""}});
  }
};

TEST_F(CliFlywayConfig, FlywayConfConfiguresInfoAndMigrate) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("flyway.conf",
            "flyway.url=sqlite:app.db\nflyway.locations=sql\nflyway.password=conf-secret-77\n"
            "flyway.licenseKey=FL01\nflyway.reportEnabled=false\n");
  auto r = RunBare({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(TableExists("flyway_schema_history")) << Show(r);
  EXPECT_TRUE(TableExists("a"));
  r = RunBare({"info"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Has(r.out, "a")) << Show(r);
  // One notice names every ignored key; no password is shown.
  EXPECT_TRUE(Has(r.err, "licenseKey in flyway.conf:4")) << Show(r);
  EXPECT_TRUE(Has(r.err, "reportEnabled in flyway.conf:5")) << Show(r);
  EXPECT_EQ(r.err.find("ignored"), r.err.rfind("ignored")) << Show(r);
  EXPECT_FALSE(Has(r.out + r.err, "conf-secret-77")) << Show(r);
}

TEST_F(CliFlywayConfig, FlywayTomlEnvironmentConfiguresInfo) {
  dir.Write("db/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("flyway.toml",
            "[flyway]\nlocations = [\"db\"]\nenvironment = \"local\"\n"
            "[environments.local]\nurl = \"sqlite:app.db\"\n");
  auto r = RunBare({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(TableExists("flyway_schema_history")) << Show(r);
  r = RunBare({"info"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
}

TEST_F(CliFlywayConfig, AnUnknownFlywayKeyStopsWithFileAndLine) {
  dir.Write("flyway.conf", "flyway.url=sqlite:app.db\nflyway.outOfOrdr=true\n");
  auto r = RunBare({"info"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Has(r.err, "flyway.conf:2")) << Show(r);
  EXPECT_TRUE(Has(r.err, "outOfOrder")) << Show(r);
}

}  // namespace
}  // namespace flyrun::test
