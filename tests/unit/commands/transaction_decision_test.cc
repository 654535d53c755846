// Whether a script runs in a transaction: the directive, the configuration,
// the script's .sql.conf and, in a Flyway project, its statements.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "commands/commands.h"
#include "commands/context.h"
#include "core/error.h"
#include "fake_driver.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

constexpr char kConcurrently[] = "CREATE INDEX CONCURRENTLY i ON t (id);\n";
constexpr char kMixed[] = "CREATE TABLE t2 (id INT);\nCREATE INDEX CONCURRENTLY i ON t (id);\n";

class TransactionDecisionTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    db.dialect = Dialect::kPostgres;
    dir.Write("sql/V1__t.sql", "CREATE TABLE t (id INT);\n");
  }

  /// A Flyway project; GetParam(): with the checks before migrating (preflight).
  CommandContext Flyway() {
    CommandContext ctx;
    ctx.config.url = "fake:";
    ctx.config.locations = {"filesystem:" + (dir.path() / "sql").string()};
    ctx.config.flyway = true;
    ctx.config.validate_on_migrate = GetParam();
    ctx.out = &out;
    ctx.open_driver = [this](const Config&) { return std::make_unique<FakeDriver>(db); };
    return ctx;
  }

  ExitCode Migrate(const CommandContext& ctx) {
    try {
      return RunMigrate(ctx);
    } catch (const Error& e) {
      error = e.what() + std::string("\n") + e.detail + "\nhint: " + e.hint() + "\n" + out.str();
      return e.code();
    }
  }

  /// Whether the statement ran between a BEGIN and its COMMIT.
  bool InTransaction(const std::string& sql) const {
    bool open = false;
    for (const std::string& entry : db.log) {
      if (entry == "BEGIN") open = true;
      if (entry == "COMMIT" || entry == "ROLLBACK") open = false;
      if (entry == "EXEC " + sql) return open;
    }
    ADD_FAILURE() << sql << " did not run";
    return false;
  }

  TempDir dir;
  FakeDatabase db;
  std::ostringstream out;
  std::string error;
};

TEST_P(TransactionDecisionTest, FlywayProjectRunsConcurrentlyOutsideATransaction) {
  dir.Write("sql/V2__i.sql", kConcurrently);
  ASSERT_EQ(Migrate(Flyway()), ExitCode::kSuccess) << error;
  EXPECT_TRUE(InTransaction("CREATE TABLE t (id INT)"));
  EXPECT_FALSE(InTransaction("CREATE INDEX CONCURRENTLY i ON t (id)"));
  EXPECT_EQ(db.history.size(), 2u);
}

// hawkbit's V1_12_37 and fineract's V265 hold their own BEGIN ... COMMIT.
TEST_P(TransactionDecisionTest, FlywayProjectRunsAScriptWithItsOwnCommitOutsideFlyrunsTransaction) {
  dir.Write("sql/V2__own.sql", "BEGIN;\nCREATE TABLE t3 (id INT);\nCOMMIT;\n");
  ASSERT_EQ(Migrate(Flyway()), ExitCode::kSuccess) << error;
  EXPECT_TRUE(InTransaction("CREATE TABLE t (id INT)"));
  EXPECT_FALSE(InTransaction("CREATE TABLE t3 (id INT)"));
  EXPECT_EQ(db.history.size(), 2u);

  // A flyrun project still refuses it: its COMMIT would end flyrun's transaction.
  FakeDatabase fresh;
  fresh.dialect = Dialect::kPostgres;
  db = fresh;
  CommandContext ctx = Flyway();
  ctx.config.flyway = false;
  ctx.config.locations = {(dir.path() / "sql").string()};
  ctx.config.validate_on_migrate = true;
  EXPECT_NE(Migrate(ctx), ExitCode::kSuccess);
  EXPECT_NE(error.find("COMMIT"), std::string::npos) << error;
}

TEST_P(TransactionDecisionTest, FlyrunProjectStillAsksForTheDirective) {
  dir.Write("sql/V2__i.sql", kConcurrently);
  CommandContext ctx = Flyway();
  ctx.config.flyway = false;
  if (!GetParam()) {
    // Run in a transaction, where a server refuses it (the fake driver does not).
    ASSERT_EQ(Migrate(ctx), ExitCode::kSuccess) << error;
    EXPECT_TRUE(InTransaction("CREATE INDEX CONCURRENTLY i ON t (id)"));
    return;
  }
  EXPECT_EQ(Migrate(ctx), ExitCode::kValidation);
  EXPECT_NE(error.find("flyrun:transaction=false"), std::string::npos) << error;
}

TEST_P(TransactionDecisionTest, MixedScriptIsAnErrorNamingItAndBothLines) {
  dir.Write("sql/V2__m.sql", kMixed);
  EXPECT_EQ(Migrate(Flyway()), ExitCode::kValidation);
  EXPECT_NE(error.find("V2__m.sql"), std::string::npos) << error;
  EXPECT_NE(error.find("CREATE INDEX CONCURRENTLY (line 2)"), std::string::npos) << error;
  EXPECT_NE(error.find("line 1"), std::string::npos) << error;
  EXPECT_NE(error.find("mixed"), std::string::npos) << error;
  EXPECT_FALSE(db.Has("CREATE TABLE t2 (id INT)"));
}

TEST_P(TransactionDecisionTest, MixedOnRunsTheWholeScriptWithoutATransaction) {
  dir.Write("sql/V2__m.sql", kMixed);
  CommandContext ctx = Flyway();
  ctx.config.mixed = true;
  ASSERT_EQ(Migrate(ctx), ExitCode::kSuccess) << error;
  EXPECT_FALSE(InTransaction("CREATE TABLE t2 (id INT)"));
  EXPECT_FALSE(InTransaction("CREATE INDEX CONCURRENTLY i ON t (id)"));
}

TEST_P(TransactionDecisionTest, ExecuteInTransactionFalseInEitherProject) {
  dir.Write("sql/V2__m.sql", kMixed);
  for (bool flyway : {true, false}) {
    db = FakeDatabase();
    db.dialect = Dialect::kPostgres;
    CommandContext ctx = Flyway();
    ctx.config.flyway = flyway;
    ctx.config.execute_in_transaction = false;
    ASSERT_EQ(Migrate(ctx), ExitCode::kSuccess) << error;
    EXPECT_FALSE(InTransaction("CREATE TABLE t (id INT)")) << flyway;
    EXPECT_FALSE(InTransaction("CREATE TABLE t2 (id INT)")) << flyway;
  }
}

TEST_P(TransactionDecisionTest, ScriptConfigDecidesAndSkipsTheMixedCheck) {
  dir.Write("sql/V2__m.sql", kMixed);
  dir.Write("sql/V2__m.sql.conf", "executeInTransaction=false\n");
  for (bool flyway : {true, false}) {
    db = FakeDatabase();
    db.dialect = Dialect::kPostgres;
    CommandContext ctx = Flyway();
    ctx.config.flyway = flyway;
    ASSERT_EQ(Migrate(ctx), ExitCode::kSuccess) << error;
    EXPECT_TRUE(InTransaction("CREATE TABLE t (id INT)")) << flyway;
    EXPECT_FALSE(InTransaction("CREATE TABLE t2 (id INT)")) << flyway;
  }
}

TEST_P(TransactionDecisionTest, GroupKeepsRefusingAScriptOutsideATransaction) {
  dir.Write("sql/V2__i.sql", kConcurrently);
  CommandContext ctx = Flyway();
  ctx.config.group = true;
  EXPECT_EQ(Migrate(ctx), ExitCode::kValidation);
  EXPECT_NE(error.find("group"), std::string::npos) << error;
  EXPECT_NE(error.find("CREATE INDEX CONCURRENTLY"), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(Preflight, TransactionDecisionTest, ::testing::Bool());

}  // namespace
}  // namespace flyrun::test

namespace flyrun::test {
namespace {

TEST(ScriptConfigPlaceholders, PlaceholderReplacementFalseLeavesTheTextAlone) {
  TempDir dir;
  FakeDatabase db;
  std::ostringstream out;
  dir.Write("sql/V1__t.sql", "CREATE TABLE t (v TEXT DEFAULT '${unknown}');\n");
  dir.Write("sql/V1__t.sql.conf", "placeholderReplacement=false\n");
  CommandContext ctx;
  ctx.config.url = "fake:";
  ctx.config.locations = {(dir.path() / "sql").string()};
  ctx.out = &out;
  ctx.open_driver = [&db](const Config&) { return std::make_unique<FakeDriver>(db); };
  EXPECT_EQ(RunMigrate(ctx), ExitCode::kSuccess) << out.str();
  EXPECT_TRUE(db.Has("CREATE TABLE t (v TEXT DEFAULT '${unknown}')"));
}

}  // namespace
}  // namespace flyrun::test
