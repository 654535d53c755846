// The shared command scenarios (commands/commands_suite.cc) against a real
// PostgreSQL server, one scratch database per test, schemas compared with
// pg_dump; and what only PostgreSQL sessions can do to the next migration.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <sstream>

#include "commands_suite.h"
#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

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

class PgCommandsDatabase final : public CommandsDatabase {
 public:
  std::string url() const override { return db_.url(); }
  std::string Query(const std::string& sql) const override { return db_.Query(sql); }
  /// As the role flyrun connects as, so that objects have the same owner.
  void Exec(const std::string& sql) const override { PgQuery(db_.url(), sql); }
  std::string Dump(bool with_data) const override {
    std::string bindir = EnvOr("FLYRUN_TEST_PG_BINDIR");
    std::string pg_dump = bindir.empty() ? "pg_dump" : bindir + "/pg_dump";
    std::string dump = Capture(pg_dump + (with_data ? "" : " --schema-only") +
                               " --no-owner --no-privileges -d '" + db_.admin_url() + "' 2>&1");
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
  std::string CurrentSchemaSql() const override { return "current_schema()"; }
  bool Empty() const override {
    for (const char* catalog : {"pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace",
                                "pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace",
                                "pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"}) {
      if (Query(std::string("SELECT count(*) FROM ") + catalog + " WHERE n.nspname = 'public'") !=
          "0")
        return false;
    }
    return true;
  }

 private:
  PgScratchDatabase db_;
};

CommandsServer PostgresServer() {
  CommandsServer s;
  s.name = "Postgres";
  s.url_variable = "FLYRUN_TEST_PG_URL";
  s.create = [] { return std::make_unique<PgCommandsDatabase>(); };
  CommandsExample& e = s.example;
  e.v1 =
      "CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL);\n"
      "INSERT INTO users VALUES (1, 'ada'), (2, 'grace');\n";
  e.u1 = "DROP TABLE users;\n";
  e.v2 =
      "CREATE TABLE orders (id SERIAL PRIMARY KEY, user_id INT REFERENCES users (id));\n"
      "CREATE INDEX orders_user ON orders (user_id);\n"
      "CREATE VIEW order_counts AS SELECT user_id, count(*) AS n FROM orders GROUP BY 1;\n"
      "CREATE FUNCTION order_total() RETURNS bigint LANGUAGE sql AS $$\n"
      "  SELECT count(*) FROM orders;\n"
      "$$;\n"
      "INSERT INTO orders (user_id) VALUES (1), (1), (2);\n";
  e.u2 = "DROP FUNCTION order_total();\nDROP VIEW order_counts;\nDROP TABLE orders;\n";
  e.v3 =
      "CREATE TYPE user_status AS ENUM ('active', 'gone');\n"
      "ALTER TABLE users ADD COLUMN status user_status NOT NULL DEFAULT 'active';\n";
  e.u3 = "ALTER TABLE users DROP COLUMN status;\nDROP TYPE user_status;\n";
  e.migrated_markers = {"CREATE TABLE public.orders", "order_total", "user_status"};
  e.dry_run_marker = "$$\n  SELECT count(*) FROM orders;\n$$";
  e.undo_dry_run_marker = "DROP TYPE user_status";
  e.legacy_users = "CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL)";
  e.legacy_orders =
      "CREATE TABLE orders (id SERIAL PRIMARY KEY, user_id INT REFERENCES users (id))";
  e.failing_v2 =
      "-- flyrun:transaction=false\n"
      "CREATE TABLE b (id INT);\n"
      "INSERT INTO no_such_table VALUES (1);\n"
      "CREATE TABLE c (id INT);\n";
  e.failure_report = {"V2__b.sql:3", "42P01",
                      "statement 1 of this script ran before it and was committed"};
  e.fixed_v2 =
      "-- flyrun:transaction=false\n"
      "CREATE TABLE IF NOT EXISTS b (id INT);\n"
      "CREATE TABLE c (id INT);\n";
  e.finished_v2 =
      "-- flyrun:transaction=false\n"
      "CREATE TABLE b (id INT);\n"
      "CREATE TABLE c (id INT);\n";
  e.read_only_init_sql = "SET default_transaction_read_only = on";
  e.flyway_table = {
      "CREATE TABLE \"public\".\"flyway_schema_history\" (\"installed_rank\" INT NOT NULL, "
      "\"version\" VARCHAR(50), \"description\" VARCHAR(200) NOT NULL, "
      "\"type\" VARCHAR(20) NOT NULL, \"script\" VARCHAR(1000) NOT NULL, "
      "\"checksum\" INTEGER, \"installed_by\" VARCHAR(100) NOT NULL, "
      "\"installed_on\" TIMESTAMP NOT NULL DEFAULT now(), \"execution_time\" INTEGER NOT NULL, "
      "\"success\" BOOLEAN NOT NULL)",
      "ALTER TABLE \"public\".\"flyway_schema_history\" ADD CONSTRAINT "
      "\"flyway_schema_history_pk\" PRIMARY KEY (\"installed_rank\")",
      "CREATE INDEX \"flyway_schema_history_s_idx\" ON \"public\".\"flyway_schema_history\" "
      "(\"success\")"};
  e.flyway_indexes_sql =
      "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE "
      "tablename = 'flyway_schema_history'";
  return s;
}

FLYRUN_INSTANTIATE_COMMANDS(Server, PostgresServer());

class PgSession : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
    db_ = std::make_unique<PgScratchDatabase>();
  }
  RunResult Run(std::vector<std::string> args) {
    return RunAgainst(db_->url(), dir_, std::move(args));
  }
  TempDir dir_;
  std::unique_ptr<PgScratchDatabase> db_;
};

TEST_F(PgSession, SearchPathSetInOneMigrationDoesNotMoveTheNext) {
  dir_.Write("sql/V1__elsewhere.sql",
             "CREATE SCHEMA elsewhere;\n"
             "SET search_path TO elsewhere;\n"
             "CREATE TABLE t1 (id INT);\n");
  dir_.Write("sql/V2__here.sql", "CREATE TABLE t2 (id INT);\n");
  auto r = Run({"migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(db_->Query("SELECT to_regclass('elsewhere.t1') IS NOT NULL"), "t");
  EXPECT_EQ(db_->Query("SELECT to_regclass('public.t2') IS NOT NULL"), "t");
  EXPECT_EQ(db_->Query("SELECT to_regclass('elsewhere.t2') IS NULL"), "t");
}

}  // namespace
}  // namespace flyrun::test
