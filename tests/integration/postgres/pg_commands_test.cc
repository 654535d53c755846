// undo, dry-run, baseline, repair (and --mark-applied) and clean end to end
// against a real PostgreSQL server, one scratch database per test. Schemas are
// compared with pg_dump.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

std::string Show(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// The output of a shell command; fails the test when it exits non-zero.
std::string Capture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) {
    ADD_FAILURE() << "cannot run " << command;
    return out;
  }
  std::array<char, 4096> buffer{};
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  int status = pclose(pipe);
  EXPECT_EQ(status, 0) << "pg_dump failed: " << out;
  return out;
}

class PgCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
    db_ = std::make_unique<PgScratchDatabase>();
  }

  RunResult Run(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> full{"--url", db_->url(), "--locations", "sql"};
    full.insert(full.end(), args.begin(), args.end());
    return RunFlyrun(full, dir_.path(), env);
  }
  std::string Q(const std::string& sql) const { return db_->Query(sql); }
  /// As the role flyrun connects as, so that objects have the same owner.
  void Exec(const std::string& sql) const { PgQuery(db_->url(), sql); }

  /// pg_dump of the database (schema only, or schema and data), without the
  /// lines that change from one run to the next.
  std::string Dump(bool with_data) const {
    std::string bindir = EnvOr("FLYRUN_TEST_PG_BINDIR");
    std::string pg_dump = bindir.empty() ? "pg_dump" : bindir + "/pg_dump";
    std::string dump = Capture(pg_dump + (with_data ? "" : " --schema-only") +
                               " --no-owner --no-privileges -d '" + db_->admin_url() + "' 2>&1");
    std::istringstream in(dump);
    std::string line, out;
    while (std::getline(in, line)) {
      if (line.rfind("-- Dumped ", 0) == 0 || line.rfind("\\restrict", 0) == 0 ||
          line.rfind("\\unrestrict", 0) == 0)
        continue;
      out += line + "\n";
    }
    return out;
  }

  /// "version:state" per info row.
  std::vector<std::string> States() {
    auto r = Run({"info", "--output", "json"});
    EXPECT_EQ(r.exit_code, 0) << Show(r);
    std::vector<std::string> out;
    auto doc = nlohmann::json::parse(r.out);
    for (const auto& m : doc["migrations"])
      out.push_back(m["version"].get<std::string>() + ":" + m["state"].get<std::string>());
    return out;
  }

  void WriteExample() {
    dir_.Write("sql/V1__users.sql",
               "CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL);\n"
               "INSERT INTO users VALUES (1, 'ada'), (2, 'grace');\n");
    dir_.Write("sql/U1__users.sql", "DROP TABLE users;\n");
    dir_.Write("sql/V2__orders.sql",
               "CREATE TABLE orders (id SERIAL PRIMARY KEY, user_id INT REFERENCES users (id));\n"
               "CREATE INDEX orders_user ON orders (user_id);\n"
               "CREATE VIEW order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY 1;\n"
               "CREATE FUNCTION order_total() RETURNS bigint LANGUAGE sql AS $$\n"
               "  SELECT count(*) FROM orders;\n"
               "$$;\n"
               "INSERT INTO orders (user_id) VALUES (1), (1), (2);\n");
    dir_.Write("sql/U2__orders.sql",
               "DROP FUNCTION order_total();\nDROP VIEW order_counts;\nDROP TABLE orders;\n");
    dir_.Write("sql/V3__status.sql",
               "CREATE TYPE user_status AS ENUM ('active', 'gone');\n"
               "ALTER TABLE users ADD COLUMN status user_status NOT NULL DEFAULT 'active';\n");
    dir_.Write("sql/U3__status.sql",
               "ALTER TABLE users DROP COLUMN status;\nDROP TYPE user_status;\n");
  }

  TempDir dir_;
  std::unique_ptr<PgScratchDatabase> db_;
};

TEST_F(PgCommands, UndoLatestThenDownToTargetRecordsUndoRows) {
  WriteExample();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  auto r = Run({"undo"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "Undid version 3")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Undone"}));
  EXPECT_EQ(Q("SELECT to_regtype('user_status') IS NULL"), "t");

  r = Run({"undo", "--target", "1"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "Undid version 2")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Undone", "3:Undone"}));
  EXPECT_EQ(Q("SELECT to_regclass('public.orders') IS NULL"), "t");
  EXPECT_EQ(Q("SELECT string_agg(version || ' ' || script, ',' ORDER BY installed_rank) FROM "
              "flyrun_schema_history WHERE type = 'UNDO_SQL' AND success"),
            "3 U3__status.sql,2 U2__orders.sql");
  EXPECT_EQ(Q("SELECT count(*) FROM users"), "2");

  // A version without an undo file is a clear error that changes nothing.
  dir_.Write("sql/V4__plain.sql", "CREATE TABLE plain (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::string before = Dump(true);
  r = Run({"undo"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.err, "no undo file")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "U4__plain.sql")) << Show(r);
  EXPECT_EQ(Dump(true), before);
}

TEST_F(PgCommands, MigrateUndoMigrateRoundTripsToTheSameSchema) {
  WriteExample();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::string migrated = Dump(false);
  ASSERT_TRUE(Contains(migrated, "CREATE TABLE public.orders")) << migrated;
  ASSERT_TRUE(Contains(migrated, "order_total")) << migrated;

  auto r = Run({"undo", "--target", "1"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_FALSE(Contains(Dump(false), "orders")) << Dump(false);
  r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
  EXPECT_EQ(Dump(false), migrated);

  // All the way down (V1 too) and back up.
  r = Run({"undo", "--target", "0"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Undone", "2:Undone", "3:Undone"}));
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(Dump(false), migrated);
}

TEST_F(PgCommands, DryRunLeavesSchemaDataAndHistoryUnchanged) {
  WriteExample();
  // On an empty database: not even the history table may appear.
  std::string empty = Dump(true);
  auto r = Run({"migrate", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "CREATE TABLE users")) << Show(r);
  EXPECT_EQ(Dump(true), empty);
  EXPECT_EQ(Q("SELECT to_regclass('public.flyrun_schema_history') IS NULL"), "t");

  ASSERT_EQ(Run({"migrate", "--target", "1"}).exit_code, 0);
  std::string before = Dump(true);
  ASSERT_TRUE(Contains(before, "flyrun_schema_history")) << before;
  r = Run({"migrate", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "CREATE TABLE orders")) << Show(r);
  EXPECT_TRUE(Contains(r.out, "$$\n  SELECT count(*) FROM orders;\n$$")) << Show(r);
  EXPECT_TRUE(Contains(r.out, "INSERT INTO \"public\".\"flyrun_schema_history\"") ||
              Contains(r.out, "INSERT INTO \"flyrun_schema_history\"") ||
              Contains(r.out, "INSERT INTO flyrun_schema_history"))
      << Show(r);
  EXPECT_EQ(Dump(true), before);

  r = Run({"undo", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "DROP TABLE users")) << Show(r);
  EXPECT_EQ(Dump(true), before);

  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  before = Dump(true);
  r = Run({"undo", "--dry-run", "--target", "1", "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["migrations_undone"], 2) << r.out;
  EXPECT_TRUE(Contains(doc["sql"].get<std::string>(), "DROP TYPE user_status")) << r.out;
  EXPECT_TRUE(Contains(doc["sql"].get<std::string>(), "UNDO_SQL")) << r.out;
  EXPECT_EQ(Dump(true), before);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
}

TEST_F(PgCommands, BaselineOnMigrateMarksOlderVersionsBelowBaseline) {
  WriteExample();
  // A schema that predates flyrun: what V1 and V2 would have created.
  Exec("CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL)");
  Exec("CREATE TABLE orders (id SERIAL PRIMARY KEY, user_id INT REFERENCES users (id))");
  auto r = Run({"migrate", "--baseline-on-migrate", "--baseline-version", "2"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Below Baseline", "2:Baseline", "3:Success"}));
  EXPECT_EQ(Q("SELECT type FROM flyrun_schema_history WHERE version = '2'"), "BASELINE");
  EXPECT_EQ(Q("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND "
              "column_name = 'status'"),
            "1");
  r = Run({"baseline"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.err, "already baselined")) << Show(r);
}

TEST_F(PgCommands, BaselineCommandThenMigrateAppliesTheRest) {
  WriteExample();
  Exec("CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL)");
  auto r = Run({"baseline", "--baseline-version", "2", "--baseline-description", "legacy"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "version 2")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Below Baseline", "2:Baseline", "3:Pending"}));
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Below Baseline", "2:Baseline", "3:Success"}));
  EXPECT_EQ(Q("SELECT description FROM flyrun_schema_history WHERE type = 'BASELINE'"), "legacy");
}

TEST_F(PgCommands, RepairAfterAFailedNonTransactionalScript) {
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir_.Write("sql/V2__b.sql",
             "-- flyrun:transaction=false\n"
             "CREATE TABLE b (id INT);\n"
             "INSERT INTO no_such_table VALUES (1);\n"
             "CREATE TABLE c (id INT);\n");
  auto r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_TRUE(Contains(r.err, "V2__b.sql:3")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "42P01")) << Show(r);
  EXPECT_TRUE(Contains(r.err, "statement 1 of this script ran before it and was committed"))
      << Show(r);
  EXPECT_EQ(Q("SELECT to_regclass('public.b') IS NOT NULL"), "t") << "committed on its own";
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Failed"}));
  EXPECT_EQ(Q("SELECT count(*) FROM flyrun_schema_history WHERE NOT success"), "1");
  r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_TRUE(Contains(r.err, "repair")) << Show(r);
  EXPECT_EQ(Run({"validate"}).exit_code, 3);

  // Fixed so that it can run again over what was committed, then repaired.
  dir_.Write("sql/V2__b.sql",
             "-- flyrun:transaction=false\n"
             "CREATE TABLE IF NOT EXISTS b (id INT);\n"
             "CREATE TABLE c (id INT);\n");
  r = Run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "removed failed row of version 2 (V2__b.sql)")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Pending"}));
  r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success"}));
  EXPECT_EQ(Q("SELECT count(*) FROM flyrun_schema_history"), "2");

  // An edited applied file: repair realigns the checksum.
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT); -- reviewed\n");
  EXPECT_EQ(Run({"validate"}).exit_code, 3);
  r = Run({"repair"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "realigned version 1")) << Show(r);
  EXPECT_EQ(Run({"validate"}).exit_code, 0);
}

TEST_F(PgCommands, RepairMarkAppliedRecordsAHandFinishedMigration) {
  dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir_.Write("sql/V2__b.sql",
             "-- flyrun:transaction=false\n"
             "CREATE TABLE b (id INT);\n"
             "INSERT INTO no_such_table VALUES (1);\n"
             "CREATE TABLE c (id INT);\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 1);
  std::string rank = Q("SELECT installed_rank FROM flyrun_schema_history WHERE NOT success");
  ASSERT_EQ(rank, "2");

  auto r = Run({"repair", "--mark-applied", "1"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  EXPECT_TRUE(Contains(r.err, "version 1 has no failed history row")) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Failed"})) << "nothing changed";

  // Finished by hand; the file now says what was done.
  Exec("CREATE TABLE c (id INT)");
  dir_.Write("sql/V2__b.sql",
             "-- flyrun:transaction=false\n"
             "CREATE TABLE b (id INT);\n"
             "CREATE TABLE c (id INT);\n");
  r = Run({"repair", "--mark-applied", "2"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(Contains(r.out, "marked the failed row of version 2 (V2__b.sql) as applied"))
      << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success"}));
  EXPECT_EQ(Q("SELECT installed_rank || ' ' || success FROM flyrun_schema_history WHERE "
              "version = '2'"),
            "2 true");
  EXPECT_EQ(Q("SELECT count(*) FROM flyrun_schema_history"), "2");
  EXPECT_EQ(Run({"validate"}).exit_code, 0) << "the row holds the file's checksum";

  r = Run({"repair", "--mark-applied", "2"});
  EXPECT_EQ(r.exit_code, 3) << Show(r);
  dir_.Write("sql/V3__d.sql", "CREATE TABLE d (id INT);\n");
  r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Success", "2:Success", "3:Success"}));
}

TEST_F(PgCommands, CleanIsRefusedUnlessEnabled) {
  WriteExample();
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  std::string migrated = Dump(false);
  auto r = Run({"clean"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Contains(r.err, "clean_enabled")) << Show(r);
  EXPECT_EQ(Dump(false), migrated);

  r = Run({"clean"}, {{"FLYRUN_CLEAN_ENABLED", "true"}});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Q("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
              "WHERE n.nspname = 'public'"),
            "0");
  EXPECT_EQ(Q("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
              "WHERE n.nspname = 'public'"),
            "0");
  EXPECT_EQ(Q("SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
              "WHERE n.nspname = 'public'"),
            "0");
  EXPECT_EQ(States(), (std::vector<std::string>{"1:Pending", "2:Pending", "3:Pending"}));
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  EXPECT_EQ(Dump(false), migrated);
}

}  // namespace
}  // namespace flyrun::test
