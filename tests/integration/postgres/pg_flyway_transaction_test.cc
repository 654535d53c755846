// Scripts whose statements cannot run inside a transaction, as a Flyway
// project has them: CREATE INDEX CONCURRENTLY without any directive, a script
// mixing both kinds, executeInTransaction=false in a `<script>.sql.conf`.
//
// The Flyway project is given two ways: in process, through Config::flyway
// (the commands with the real PostgreSQL driver), and with the binary reading
// a flyway.conf (skipped while the binary does not read Flyway's files).
#include <gtest/gtest.h>

#include <sstream>

#include "commands/commands.h"
#include "commands/context.h"
#include "core/error.h"
#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

constexpr char kConcurrently[] =
    "-- no directive: Flyway runs this outside a transaction\n"
    "CREATE INDEX CONCURRENTLY scan_items_name_idx ON scan_items (name);\n";

constexpr char kMixed[] =
    "CREATE TABLE scan_other (id INT);\n"
    "CREATE INDEX CONCURRENTLY scan_items_name_idx ON scan_items (name);\n";

class PgFlywayTransaction : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
    db_ = std::make_unique<PgScratchDatabase>();
    dir_.Write("sql/V1__items.sql", "CREATE TABLE scan_items (id INT, name TEXT);\n");
  }

  /// Runs migrate in process with the real driver, as a Flyway project.
  ExitCode MigrateAsFlyway(bool mixed = false) {
    CommandContext ctx;
    ctx.config.url = db_->url();
    ctx.config.locations = {"filesystem:" + (dir_.path() / "sql").string()};
    ctx.config.flyway = true;
    ctx.config.mixed = mixed;
    ctx.out = &out_;
    return RunMigrate(ctx);
  }

  std::string IndexValid() const {
    return db_->Query(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE c.relname = 'scan_items_name_idx'");
  }

  std::unique_ptr<PgScratchDatabase> db_;
  TempDir dir_;
  std::ostringstream out_;
};

TEST_F(PgFlywayTransaction, ConcurrentlyWithoutDirectiveRunsOutsideATransaction) {
  dir_.Write("sql/V2__index.sql", kConcurrently);
  EXPECT_EQ(MigrateAsFlyway(), ExitCode::kSuccess);
  EXPECT_EQ(IndexValid(), "t");
}

TEST_F(PgFlywayTransaction, ConcurrentlyWithoutDirectiveFailsInAFlyrunProject) {
  dir_.Write("sql/V2__index.sql", kConcurrently);
  RunResult r = RunAgainst(db_->url(), dir_, {"migrate"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.out + r.err, "flyrun:transaction=false")) << r.out << r.err;
  EXPECT_EQ(IndexValid(), "");
}

TEST_F(PgFlywayTransaction, MixedScriptFailsNamingItAndBothLines) {
  dir_.Write("sql/V2__mixed.sql", kMixed);
  try {
    MigrateAsFlyway();
    FAIL() << "migrate succeeded";
  } catch (const Error& e) {
    std::string all = std::string(e.what()) + "\n" + e.detail + "\n" + out_.str();
    EXPECT_EQ(e.code(), ExitCode::kValidation) << all;
    EXPECT_TRUE(Contains(all, "V2__mixed.sql")) << all;
    EXPECT_TRUE(Contains(all, "line 2")) << all;
    EXPECT_TRUE(Contains(all, "line 1")) << all;
    EXPECT_TRUE(Contains(all, "mixed")) << all;
  }
  EXPECT_EQ(IndexValid(), "");
  EXPECT_EQ(db_->Query("SELECT to_regclass('scan_other') IS NULL"), "t");
}

TEST_F(PgFlywayTransaction, MixedScriptRunsWithoutATransactionWhenMixedIsOn) {
  dir_.Write("sql/V2__mixed.sql", kMixed);
  EXPECT_EQ(MigrateAsFlyway(/*mixed=*/true), ExitCode::kSuccess);
  EXPECT_EQ(IndexValid(), "t");
  EXPECT_EQ(db_->Query("SELECT to_regclass('scan_other') IS NOT NULL"), "t");
}

TEST_F(PgFlywayTransaction, ScriptConfigTakesTheScriptOutOfTheTransaction) {
  // Works in a flyrun project too: the .sql.conf is the script's directive.
  dir_.Write("sql/V2__index.sql", kConcurrently);
  dir_.Write("sql/V2__index.sql.conf", "executeInTransaction=false\n");
  RunResult r = RunAgainst(db_->url(), dir_, {"migrate"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(IndexValid(), "t");
  EXPECT_EQ(db_->Query("SELECT count(*) FROM flyrun_schema_history WHERE success"), "2");
}

TEST_F(PgFlywayTransaction, BadScriptConfigIsReportedWithFileAndLine) {
  dir_.Write("sql/V2__index.sql", kConcurrently);
  dir_.Write("sql/V2__index.sql.conf", "executeInTransaction=false\nshouldExecute=true\n");
  RunResult r = RunAgainst(db_->url(), dir_, {"migrate"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(Contains(r.out, "V2__index.sql.conf:2")) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "shouldExecute")) << r.out;
}

/// jdbc:postgresql://host:port/db?user=..&password=.. from postgresql://user:pw@host:port/db.
std::string JdbcUrl(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);
  size_t at = rest.rfind('@');
  std::string userinfo = rest.substr(0, at);
  std::string hostpath = rest.substr(at + 1);
  size_t colon = userinfo.find(':');
  return "jdbc:postgresql://" + hostpath + "?user=" + userinfo.substr(0, colon) +
         "&password=" + userinfo.substr(colon + 1);
}

// Needs the binary to read flyway.conf (Flyway's configuration files).
TEST_F(PgFlywayTransaction, BinaryWithFlywayConf) {
  dir_.Write("flyway.conf",
             "flyway.url=" + JdbcUrl(db_->url()) + "\nflyway.locations=filesystem:sql\n");
  RunResult probe = RunFlyrun({"info"}, dir_.path());
  if (probe.exit_code == 2 && Contains(probe.err, "no database URL")) {
    GTEST_SKIP() << "this build does not read flyway.conf yet";
  }
  dir_.Write("sql/V2__index.sql", kConcurrently);
  RunResult r = RunFlyrun({"migrate"}, dir_.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(IndexValid(), "t");

  dir_.Write("sql/V3__mixed.sql",
             "CREATE TABLE scan_other (id INT);\n"
             "CREATE INDEX CONCURRENTLY scan_other_idx ON scan_other (id);\n");
  RunResult mixed = RunFlyrun({"migrate"}, dir_.path());
  EXPECT_NE(mixed.exit_code, 0);
  EXPECT_TRUE(Contains(mixed.out + mixed.err, "V3__mixed.sql")) << mixed.out << mixed.err;
  RunResult allowed = RunFlyrun({"-mixed=true", "migrate"}, dir_.path());
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
}

}  // namespace
}  // namespace flyrun::test
