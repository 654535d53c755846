// A Flyway project's placeholders on a real PostgreSQL server, through the
// commands: ${flyway:defaultSchema} and ${flyway:user} as the session reports
// them, and a real repeatable (conductor's external payload storage) whose
// $body$ function is full of placeholders.
#include <gtest/gtest.h>

#include <sstream>

#include "commands/commands.h"
#include "core/error.h"
#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class PgFlywayPlaceholders : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
    db_ = std::make_unique<PgScratchDatabase>();
  }
  CommandContext Context() {
    CommandContext ctx;
    ctx.config.url = db_->url();
    ctx.config.locations = {(dir_.path() / "sql").string()};
    ctx.config.flyway = true;
    ctx.out = &out_;
    return ctx;
  }
  std::string Q(const std::string& sql) const { return db_->Query(sql); }

  TempDir dir_;
  std::unique_ptr<PgScratchDatabase> db_;
  std::ostringstream out_;
};

TEST_F(PgFlywayPlaceholders, DefaultSchemaAndUserComeFromTheSession) {
  dir_.Write("sql/V1__built_ins.sql",
             "CREATE TABLE v (k TEXT, v TEXT);\n"
             "-- schema ${flyway:defaultSchema}, user ${flyway:user}\n"
             "INSERT INTO v VALUES ('schema', '${flyway:defaultSchema}'), "
             "('user', '${flyway:user}'), ('database', '${flyway:database}');\n");
  ASSERT_EQ(RunMigrate(Context()), ExitCode::kSuccess);
  EXPECT_EQ(Q("SELECT v FROM v WHERE k = 'schema'"), Q("SELECT current_schema()"));
  EXPECT_EQ(Q("SELECT v FROM v WHERE k = 'schema'"), "public");
  EXPECT_EQ(Q("SELECT v FROM v WHERE k = 'user'"), PgQuery(db_->url(), "SELECT current_user"));
  EXPECT_EQ(Q("SELECT v FROM v WHERE k = 'database'"), db_->name());
}

TEST_F(PgFlywayPlaceholders, DefaultSchemaIsTheConfiguredOne) {
  Q("CREATE SCHEMA placeholders_app AUTHORIZATION " + PgQuery(db_->url(), "SELECT current_user"));
  dir_.Write("sql/V1__a.sql", "CREATE TABLE ${flyway:defaultSchema}.marker (x INT);\n");
  CommandContext ctx = Context();
  ctx.config.schema = "placeholders_app";
  ASSERT_EQ(RunMigrate(ctx), ExitCode::kSuccess);
  EXPECT_EQ(Q("SELECT count(*) FROM pg_tables WHERE schemaname = 'placeholders_app' AND "
              "tablename = 'marker'"),
            "1");
}

TEST_F(PgFlywayPlaceholders, DollarQuotedFunctionBodyOfARealRepeatable) {
  auto source = CorpusDir() /
                "realworld/conductor-postgres/migration_external_postgres/"
                "R__initial_schema.sql";
  if (!std::filesystem::exists(source)) GTEST_SKIP() << "the shared corpus is missing";
  dir_.Write("sql/R__initial_schema.sql", ReadFile(source));
  CommandContext ctx = Context();
  ctx.config.placeholders = {{"tableName", "external_payload"},
                             {"maxDataRows", "1000"},
                             {"maxDataDays", "1"},
                             {"maxDataMonths", "2"},
                             {"maxDataYears", "3"}};
  ASSERT_EQ(RunMigrate(ctx), ExitCode::kSuccess);
  std::string body = Q("SELECT prosrc FROM pg_proc WHERE proname = 'keep_row_number_steady'");
  EXPECT_NE(body.find("concat(3,' years ',2,' mons ',1,' days' )"), std::string::npos) << body;
  EXPECT_NE(body.find("FROM external_payload) > 1000"), std::string::npos) << body;
  EXPECT_EQ(body.find("${"), std::string::npos) << body;
  EXPECT_EQ(Q("SELECT count(*) FROM pg_trigger WHERE tgname = 'tr_keep_row_number_steady'"), "1");
}

}  // namespace
}  // namespace flyrun::test
