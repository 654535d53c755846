// The orchestration of migrate (recording, group, callbacks, interrupts)
// against an in-memory driver. The same behaviour is tested against real
// servers by the integration tests.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <sstream>

#include "commands/commands.h"
#include "commands/context.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "fake_driver.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class Orchestration : public ::testing::Test {
 protected:
  void SetUp() override {
    InstallInterruptHandlers();
    ResetInterrupted();
  }
  void TearDown() override { ResetInterrupted(); }

  CommandContext Context() {
    CommandContext ctx;
    ctx.config.url = "fake:";
    ctx.config.locations = {(dir.path() / "sql").string()};
    ctx.out = &out;
    ctx.open_driver = [this](const Config&) { return std::make_unique<FakeDriver>(db); };
    return ctx;
  }

  CommandContext WithoutPreflight() {
    CommandContext ctx = Context();
    ctx.config.validate_on_migrate = false;
    return ctx;
  }

  /// Runs a command; returns the exit code, keeping the error in `error`.
  template <typename Command>
  ExitCode Call(Command command, const CommandContext& ctx) {
    try {
      return command(ctx);
    } catch (const Error& e) {
      error = e.what() + std::string("\n") + e.detail + "\nhint: " + e.hint();
      return e.code();
    }
  }

  /// Runs migrate; returns the exit code, keeping the error in `error`.
  ExitCode Migrate(CommandContext ctx) {
    try {
      return RunMigrate(ctx);
    } catch (const Error& e) {
      error = e.what() + std::string("\n") + e.detail + "\nhint: " + e.hint();
      return e.code();
    }
  }

  TempDir dir;
  FakeDatabase db;
  std::ostringstream out;
  std::string error;
};

TEST_F(Orchestration, EachMigrationRunsInOneTransactionWithItsHistoryRow) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\nINSERT INTO a VALUES (1);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  ASSERT_EQ(Migrate(Context()), ExitCode::kSuccess) << error;
  std::vector<std::string> expected = {"LOCK",
                                       "BEGIN",
                                       "EXEC CREATE TABLE a (id INT)",
                                       "EXEC INSERT INTO a VALUES (1)",
                                       "HISTORY 1 ok",
                                       "COMMIT",
                                       "BEGIN",
                                       "EXEC CREATE TABLE b (id INT)",
                                       "HISTORY 2 ok",
                                       "COMMIT",
                                       "UNLOCK"};
  EXPECT_EQ(db.log, expected);
  ASSERT_EQ(db.history.size(), 2u);
  EXPECT_TRUE(db.history[1].success);
}

TEST_F(Orchestration, AFailureRollsBackTheMigrationAndRecordsNothing) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n\nFAIL;\nCREATE TABLE c (id INT);\n");
  EXPECT_EQ(Migrate(Context()), ExitCode::kMigrationFailed);
  EXPECT_NE(error.find("V2__b.sql:3:"), std::string::npos) << error;
  EXPECT_NE(error.find("statement 2 of 3"), std::string::npos) << error;
  EXPECT_TRUE(db.Has("CREATE TABLE a (id INT)"));
  EXPECT_FALSE(db.Has("CREATE TABLE b (id INT)"));
  ASSERT_EQ(db.history.size(), 1u);
  EXPECT_EQ(db.Count("ROLLBACK"), 1);
}

TEST_F(Orchestration, AScriptsOwnRollbackIsNeverRecordedAsApplied) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\nROLLBACK;\nCREATE TABLE b (id INT);\n");
  EXPECT_EQ(Migrate(Context()), ExitCode::kValidation) << "the pre-flight finds it first";
  EXPECT_TRUE(db.committed.empty());
  EXPECT_EQ(Migrate(WithoutPreflight()), ExitCode::kMigrationFailed);
  EXPECT_NE(error.find("V1__a.sql:2:"), std::string::npos) << error;
  EXPECT_NE(error.find("`ROLLBACK` ended the transaction"), std::string::npos) << error;
  EXPECT_NE(error.find("transaction=false"), std::string::npos) << error;
  EXPECT_TRUE(db.history.empty()) << "nothing stayed, so nothing is recorded";
  EXPECT_TRUE(db.committed.empty());
  EXPECT_EQ(db.Count("EXEC CREATE TABLE b"), 0) << "nothing runs after it";
}

TEST_F(Orchestration, AScriptsOwnCommitLeavesAFailedRow) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\nCOMMIT;\nCREATE TABLE b (id INT);\n");
  EXPECT_EQ(Migrate(WithoutPreflight()), ExitCode::kMigrationFailed);
  EXPECT_TRUE(db.Has("CREATE TABLE a (id INT)"));
  EXPECT_EQ(db.Count("EXEC CREATE TABLE b"), 0);
  ASSERT_EQ(db.history.size(), 1u);
  EXPECT_FALSE(db.history[0].success);
  EXPECT_NE(db.history[0].description.find("failed at statement 2"), std::string::npos)
      << db.history[0].description;
  // The next run refuses and points at repair.
  EXPECT_EQ(Migrate(Context()), ExitCode::kMigrationFailed);
  EXPECT_NE(error.find("repair"), std::string::npos) << error;
}

TEST_F(Orchestration, ANonTransactionalScriptRecordsHowFarItGot) {
  dir.Write("sql/V1__a.sql",
            "-- flyrun:transaction=false\nCREATE TABLE a (id INT);\nCREATE TABLE b (id "
            "INT);\nFAIL;\nCREATE TABLE c (id INT);\n");
  EXPECT_EQ(Migrate(Context()), ExitCode::kMigrationFailed);
  EXPECT_NE(error.find("statements 1-2 of this script ran before it and were committed"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("repair"), std::string::npos) << error;
  ASSERT_EQ(db.history.size(), 1u);
  EXPECT_FALSE(db.history[0].success);
  EXPECT_EQ(db.history[0].description, "a (failed at statement 3 of 4; 1-2 committed)");
}

TEST_F(Orchestration, ImplicitCommitsAreReportedAndRecorded) {
  db.transactional_ddl = false;
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\nINSERT INTO a VALUES (1);\nFAIL;\n");
  EXPECT_EQ(Migrate(Context()), ExitCode::kMigrationFailed);
  EXPECT_NE(error.find("statement 1 was committed (MySQL commits DDL implicitly); statement 2 "
                       "was rolled back"),
            std::string::npos)
      << error;
  EXPECT_TRUE(db.Has("CREATE TABLE a (id INT)"));
  EXPECT_FALSE(db.Has("INSERT INTO a VALUES (1)"));
  ASSERT_EQ(db.history.size(), 1u);
  EXPECT_FALSE(db.history[0].success);
}

TEST_F(Orchestration, AFailureToWriteTheFailedRowIsAddedToTheReport) {
  dir.Write("sql/V1__a.sql", "-- flyrun:transaction=false\nCREATE TABLE a (id INT);\nFAIL;\n");
  db.fail_history_insert = true;
  EXPECT_EQ(Migrate(Context()), ExitCode::kMigrationFailed);
  EXPECT_NE(error.find("V1__a.sql:3:"), std::string::npos) << "the original failure\n" << error;
  EXPECT_NE(error.find("could not be written either: history insert refused"), std::string::npos)
      << error;
}

TEST_F(Orchestration, AnInterruptedTransactionalScriptIsRolledBackAndNotRecorded) {
  dir.Write("sql/V1__a.sql",
            "CREATE TABLE a (id INT);\nSELECT long_query;\nCREATE TABLE b (id INT);\n");
  db.before_execute = [](const Statement& st) {
    if (st.sql == "SELECT long_query") {
      std::raise(SIGTERM);
      throw Error(ExitCode::kInterrupted, "canceling statement due to user request");
    }
  };
  EXPECT_EQ(Migrate(Context()), ExitCode::kInterrupted);
  EXPECT_NE(error.find("V1__a.sql was rolled back (statement 1 had run): nothing of it stays, "
                       "nothing recorded"),
            std::string::npos)
      << error;
  EXPECT_TRUE(db.history.empty());
  EXPECT_TRUE(db.committed.empty());
  EXPECT_FALSE(db.locked) << "the lock is released";
}

TEST_F(Orchestration, AnInterruptedNonTransactionalScriptLeavesAFailedRow) {
  dir.Write("sql/V1__a.sql",
            "-- flyrun:transaction=false\nCREATE TABLE a (id INT);\nSELECT "
            "long_query;\nCREATE TABLE b (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE z (id INT);\n");
  db.before_execute = [](const Statement& st) {
    if (st.sql == "SELECT long_query") {
      std::raise(SIGINT);
      throw Error(ExitCode::kInterrupted, "canceling statement due to user request");
    }
  };
  EXPECT_EQ(Migrate(Context()), ExitCode::kInterrupted);
  EXPECT_TRUE(db.Has("CREATE TABLE a (id INT)"));
  EXPECT_FALSE(db.Has("CREATE TABLE b (id INT)"));
  EXPECT_FALSE(db.Has("CREATE TABLE z (id INT)")) << "nothing more starts";
  ASSERT_EQ(db.history.size(), 1u);
  EXPECT_FALSE(db.history[0].success);
  EXPECT_EQ(db.history[0].description, "a (interrupted at statement 2; 1 committed)");
  ResetInterrupted();
  db.before_execute = nullptr;
  EXPECT_EQ(Migrate(Context()), ExitCode::kMigrationFailed);
  EXPECT_NE(error.find("repair"), std::string::npos) << error;
}

TEST_F(Orchestration, ASignalBetweenMigrationsStartsNothingMore) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  db.before_execute = [](const Statement& st) {
    if (st.sql == "CREATE TABLE a (id INT)") std::raise(SIGTERM);  // arrives while it runs
  };
  EXPECT_EQ(Migrate(Context()), ExitCode::kInterrupted);
  EXPECT_FALSE(db.Has("CREATE TABLE b (id INT)"));
  EXPECT_EQ(db.Count("EXEC CREATE TABLE b"), 0);
}

TEST_F(Orchestration, GroupRunsCallbacksInsideItsOneTransaction) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  dir.Write("sql/beforeEachMigrate.sql", "INSERT INTO audit VALUES ('before');\n");
  dir.Write("sql/afterEachMigrate.sql", "INSERT INTO audit VALUES ('after');\n");
  CommandContext ctx = Context();
  ctx.config.group = true;
  ASSERT_EQ(Migrate(ctx), ExitCode::kSuccess) << error;
  EXPECT_EQ(db.Count("BEGIN"), 1) << "one transaction for everything";
  EXPECT_EQ(db.Count("COMMIT"), 1);
  EXPECT_EQ(db.history.size(), 2u);
}

TEST_F(Orchestration, AFailureInAGroupLeavesNothing) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\nFAIL;\n");
  dir.Write("sql/afterEachMigrate.sql", "INSERT INTO audit VALUES ('after');\n");
  CommandContext ctx = Context();
  ctx.config.group = true;
  EXPECT_EQ(Migrate(ctx), ExitCode::kMigrationFailed);
  EXPECT_TRUE(db.committed.empty());
  EXPECT_TRUE(db.history.empty());
  EXPECT_EQ(db.Count("COMMIT"), 0);
}

TEST_F(Orchestration, AScriptsOwnCommitInAGroupLeavesAFailedRow) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\nCOMMIT;\nCREATE TABLE c (id INT);\n");
  CommandContext ctx = WithoutPreflight();
  ctx.config.group = true;
  EXPECT_EQ(Migrate(ctx), ExitCode::kMigrationFailed);
  EXPECT_TRUE(db.Has("CREATE TABLE b (id INT)")) << "the script's COMMIT made the group durable";
  EXPECT_FALSE(db.Has("CREATE TABLE c (id INT)"));
  ASSERT_EQ(db.history.size(), 2u);
  EXPECT_TRUE(db.history[0].success) << "V1 committed with its row";
  EXPECT_FALSE(db.history[1].success) << "V2 is partly there: a failed row";
}

TEST_F(Orchestration, AScriptsOwnRollbackInAGroupLeavesNothing) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\nROLLBACK;\n");
  CommandContext ctx = WithoutPreflight();
  ctx.config.group = true;
  EXPECT_EQ(Migrate(ctx), ExitCode::kMigrationFailed);
  EXPECT_TRUE(db.committed.empty());
  EXPECT_TRUE(db.history.empty());
}

TEST_F(Orchestration, GroupIsRefusedWhereDdlCommitsImplicitly) {
  db.transactional_ddl = false;
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  CommandContext ctx = Context();
  ctx.config.group = true;
  EXPECT_EQ(Migrate(ctx), ExitCode::kUsage);
  EXPECT_NE(error.find("commits every DDL statement"), std::string::npos) << error;
  EXPECT_TRUE(db.committed.empty());
}

TEST_F(Orchestration, UndoRevertsTheMostRecentlyAppliedMigrationFirst) {
  for (int v : {1, 3}) {
    std::string n = std::to_string(v);
    dir.Write("sql/U" + n + "__t" + n + ".sql", "DROP TABLE t" + n + ";\n");
    dir.Write("sql/V" + n + "__t" + n + ".sql", "CREATE TABLE t" + n + " (id INT);\n");
  }
  ASSERT_EQ(Migrate(Context()), ExitCode::kSuccess) << error;
  dir.Write("sql/V2__t2.sql", "CREATE TABLE t2 (id INT);\n");
  dir.Write("sql/U2__t2.sql", "DROP TABLE t2;\n");
  CommandContext late = Context();
  late.config.out_of_order = true;
  ASSERT_EQ(Migrate(late), ExitCode::kSuccess) << error;  // installed after V3

  db.log.clear();
  ASSERT_EQ(Call(RunUndo, Context()), ExitCode::kSuccess) << error;
  EXPECT_EQ(db.Count("EXEC DROP TABLE t2"), 1) << "V2 was applied last";
  EXPECT_EQ(db.Count("EXEC DROP TABLE t3"), 0);

  db.log.clear();
  CommandContext down = Context();
  down.config.target = "0";
  ASSERT_EQ(Call(RunUndo, down), ExitCode::kSuccess) << error;
  std::vector<std::string> drops;
  for (const auto& entry : db.log)
    if (entry.rfind("EXEC DROP", 0) == 0) drops.push_back(entry);
  EXPECT_EQ(drops, (std::vector<std::string>{"EXEC DROP TABLE t3", "EXEC DROP TABLE t1"}));
}

TEST_F(Orchestration, RepairKeepsTheRowOfAMissingMigrationAndMarksItDeleted) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  dir.Write("sql/V3__c.sql", "CREATE TABLE c (id INT);\n");
  ASSERT_EQ(Migrate(Context()), ExitCode::kSuccess) << error;
  std::filesystem::remove(dir.path() / "sql/V2__b.sql");
  EXPECT_EQ(Migrate(Context()), ExitCode::kValidation) << "V2 is Missing";
  ASSERT_EQ(Call(RunRepair, Context()), ExitCode::kSuccess) << error;
  ASSERT_EQ(db.history.size(), 4u) << out.str() << "the original row stays, a marker follows it";
  EXPECT_EQ(db.history[1].type, "SQL");
  EXPECT_EQ(db.history[3].type, "DELETE");
  EXPECT_EQ(db.history[3].version.value_or(""), "2");
  EXPECT_EQ(Migrate(Context()), ExitCode::kSuccess) << error;
}

// The session's settings reach the splitter: every script of a connected run
// is split with the driver's server version, standard_conforming_strings and
// sql_mode, and a SET in one script holds in the next (tests/integration checks
// that the real drivers report them).
std::vector<std::string> Executed(const FakeDatabase& db) {
  std::vector<std::string> executed;
  for (const auto& entry : db.log) {
    if (entry.rfind("EXEC ", 0) == 0) executed.push_back(entry.substr(5));
  }
  return executed;
}

TEST_F(Orchestration, SplitOptionsCarryTheDriversSession) {
  db.dialect = Dialect::kPostgres;
  db.lexing.server_version = 11;
  db.lexing.now.standard_conforming_strings = false;
  FakeDriver driver(db);
  SplitOptions options = SplitOptionsFor(Config{}, driver);
  EXPECT_EQ(options.dialect, Dialect::kPostgres);
  EXPECT_EQ(options.session.server_version, 11);
  EXPECT_FALSE(options.session.now.standard_conforming_strings);
}

TEST_F(Orchestration, ServerVersionDecidesAlterTypeAddValue) {
  dir.Write("sql/V1__enum.sql", "ALTER TYPE mood ADD VALUE 'meh';\n");
  db.dialect = Dialect::kPostgres;
  db.lexing.server_version = 11;
  EXPECT_EQ(Migrate(Context()), ExitCode::kValidation) << error;
  EXPECT_NE((out.str() + error).find("ALTER TYPE ... ADD VALUE cannot run inside a transaction"),
            std::string::npos)
      << error;
  db.lexing.server_version = 16;
  EXPECT_EQ(Migrate(Context()), ExitCode::kSuccess) << error;
}

TEST_F(Orchestration, PostgresSessionWithoutStandardConformingStrings) {
  dir.Write("sql/V1__data.sql", "INSERT INTO t VALUES ('a\\';b');\nSELECT 1;\n");
  db.dialect = Dialect::kPostgres;
  db.lexing.now.standard_conforming_strings = false;
  ASSERT_EQ(Migrate(Context()), ExitCode::kSuccess) << error;
  EXPECT_EQ(Executed(db),
            (std::vector<std::string>{"INSERT INTO t VALUES ('a\\';b')", "SELECT 1"}));
}

TEST_F(Orchestration, MysqlNoBackslashEscapesAtConnect) {
  dir.Write("sql/V1__data.sql", "INSERT INTO p VALUES ('C:\\'); CREATE TABLE x(id int);\n");
  db.dialect = Dialect::kMysql;
  db.lexing.now.no_backslash_escapes = true;
  ASSERT_EQ(Migrate(Context()), ExitCode::kSuccess) << error;
  EXPECT_EQ(Executed(db),
            (std::vector<std::string>{"INSERT INTO p VALUES ('C:\\')", "CREATE TABLE x(id int)"}));
}

// The preflight check and the run both see V1's SET when they split V2.
TEST_F(Orchestration, ASetInOneScriptHoldsInTheNext) {
  dir.Write("sql/V1__mode.sql", "SET sql_mode = 'NO_BACKSLASH_ESCAPES';\n");
  dir.Write("sql/V2__data.sql", "INSERT INTO p VALUES ('C:\\'); CREATE TABLE x(id int);\n");
  db.dialect = Dialect::kMysql;
  ASSERT_EQ(Migrate(Context()), ExitCode::kSuccess) << error;
  EXPECT_EQ(Executed(db),
            (std::vector<std::string>{"SET sql_mode = 'NO_BACKSLASH_ESCAPES'",
                                      "INSERT INTO p VALUES ('C:\\')", "CREATE TABLE x(id int)"}));
}

TEST_F(Orchestration, DryRunCarriesASetIntoTheNextScript) {
  dir.Write("sql/V1__mode.sql", "SET standard_conforming_strings = off;\n");
  dir.Write("sql/V2__data.sql", "SELECT 'a\\';b';\n");
  db.dialect = Dialect::kPostgres;
  CommandContext ctx = Context();
  ctx.dry_run = true;
  ASSERT_EQ(Migrate(ctx), ExitCode::kSuccess) << error;
  EXPECT_NE(out.str().find("SELECT 'a\\';b';\n"), std::string::npos) << out.str();
  EXPECT_TRUE(db.lexing.now.standard_conforming_strings) << "a dry run changes no session";
}

}  // namespace
}  // namespace flyrun::test
