// Offline `flyrun validate`: every problem of every location at once, without
// a database.
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace flyrun::test {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ValidateOffline : public ::testing::Test {
 protected:
  RunResult Validate(std::vector<std::string> args,
                     const std::map<std::string, std::string>& env = {}) const {
    args.insert(args.begin(), "validate");
    return RunFlyrun(args, dir.path(), env);
  }
  TempDir dir;
};

TEST_F(ValidateOffline, CleanFilesPass) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/R__v.sql", "CREATE VIEW v AS SELECT 1;\n");
  auto r = Validate({});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "Validated 2 migration files (offline): no problems")) << r.out;
}

TEST_F(ValidateOffline, ReportsEveryProblemOfEveryLocationAtOnce) {
  dir.Write("a/V1__ok.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("a/V1_bad.sql", "SELECT 1;\n");
  dir.Write("a/V2__one.sql", "SELECT 2;\n");
  dir.Write("b/V2__two.sql", "SELECT 2;\n");
  dir.Write("b/U7__orphan.sql", "SELECT 7;\n");
  dir.Write("b/V3__string.sql", "SELECT 1;\nSELECT 'never closed;\n");
  dir.Write("b/V4__placeholder.sql", "SELECT 1;\n\nINSERT INTO t VALUES ('${missing}');\n");
  auto r = RunFlyrun({"--locations", "a,b", "validate"}, dir.path());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "a/V1_bad.sql: error[malformed-name]")) << r.out;
  EXPECT_TRUE(Has(r.out, "b/V2__two.sql: error[duplicate-version]")) << r.out;
  EXPECT_TRUE(Has(r.out, "b/U7__orphan.sql: error[orphan-undo]")) << r.out;
  EXPECT_TRUE(Has(r.out, "b/V3__string.sql:2:8: error[unterminated]")) << r.out;
  EXPECT_TRUE(Has(r.out,
                  "b/V4__placeholder.sql:3:24: error[unknown-placeholder]: "
                  "unknown placeholder ${missing}"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "5 problems found")) << r.out;

  // Defining the placeholder removes that problem only.
  auto defined =
      RunFlyrun({"--locations", "a,b", "--placeholder", "missing=x", "validate"}, dir.path());
  EXPECT_TRUE(Has(defined.out, "4 problems found")) << defined.out;
}

TEST_F(ValidateOffline, AMissingLocationIsReported) {
  dir.Write("sql/V1__a.sql", "SELECT 1;\n");
  auto r = RunFlyrun({"--locations", "sql,nowhere", "validate"}, dir.path());
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_TRUE(Has(r.out, "error[location-missing]: location nowhere does not exist")) << r.out;
}

// One directory named several ways is one location: no file is a duplicate of itself.
TEST_F(ValidateOffline, RepeatedAndNestedLocationsCountEachFileOnce) {
  dir.Write("sql/V1__a.sql", "SELECT 1;\n");
  dir.Write("sql/sub/V2__b.sql", "SELECT 2;\n");
  std::string absolute = (dir.path() / "sql").string();
  std::vector<std::string> spellings = {"sql,sql", "sql,./sql", "sql,sql/sub", "sql/sub,sql",
                                        "sql," + absolute};
  for (const std::string& locations : spellings) {
    auto r = RunFlyrun({"--locations", locations, "validate", "--dialect", "sqlite"}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << locations << "\n" << r.out << r.err;
    EXPECT_TRUE(Has(r.out, "Validated 2 migration files (offline): no problems")) << r.out;
  }
  dir.Write("sql/sub/V1__again.sql", "SELECT 3;\n");  // a different file: still a duplicate
  auto dup = RunFlyrun({"--locations", "sql,sql/sub", "validate"}, dir.path());
  EXPECT_EQ(dup.exit_code, 3) << dup.out;
  EXPECT_TRUE(Has(dup.out, "sql/sub/V1__again.sql: error[duplicate-version]")) << dup.out;
}

TEST_F(ValidateOffline, ANonTransactionalStatementInATransactionalScript) {
  dir.Write("sql/V1__t.sql", "CREATE TABLE t (id INT);\n");
  dir.Write(
      "sql/V2__index.sql",
      "-- add an index\nCREATE TABLE u (id INT);\n  CREATE INDEX CONCURRENTLY t_id ON t (id);\n");
  dir.Write("sql/V3__index.sql",
            "-- flyrun:transaction=false\nCREATE INDEX CONCURRENTLY u_id ON u (id);\n");
  auto r = Validate({"--dialect", "postgresql"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out,
                  "sql/V2__index.sql:3:3: error[non-transactional-statement]: CREATE "
                  "INDEX CONCURRENTLY cannot run inside a transaction, and V2__index.sql "
                  "runs in one\n  hint: put `-- flyrun:transaction=false` on the first "
                  "line of V2__index.sql"))
      << r.out;
  EXPECT_FALSE(Has(r.out, "V3__index.sql")) << r.out;
  EXPECT_TRUE(Has(r.out, "1 problem found")) << r.out;

  // The dialect of the configured URL is used without --dialect.
  auto url =
      RunFlyrun({"--url", "postgresql://localhost:1/none", "validate", "--offline"}, dir.path());
  EXPECT_EQ(url.exit_code, 3) << url.out << url.err;
  EXPECT_TRUE(Has(url.out, "non-transactional-statement")) << url.out;
}

TEST_F(ValidateOffline, TransactionControlInATransactionalScript) {
  dir.Write("sql/V1__tx.sql",
            "CREATE TABLE t (id INT);\nBEGIN;\nINSERT INTO t VALUES (1);\n  COMMIT;\n"
            "SAVEPOINT s;\nROLLBACK TO SAVEPOINT s;\n");
  dir.Write("sql/V2__own.sql",
            "-- flyrun:transaction=false\nBEGIN;\nCREATE TABLE u (id INT);\nCOMMIT;\n");
  dir.Write("sql/V3__trigger.sql",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET id = 1; END;\n");
  auto r = Validate({});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out,
                  "sql/V1__tx.sql:2:1: error[transaction-control]: BEGIN in V1__tx.sql, which "
                  "flyrun runs in its own transaction\n  hint: remove it (flyrun begins and "
                  "commits the transaction), or put `-- flyrun:transaction=false` on the first "
                  "line of V1__tx.sql"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "sql/V1__tx.sql:4:3: error[transaction-control]: COMMIT in V1__tx.sql"))
      << r.out;
  EXPECT_FALSE(Has(r.out, "V2__own.sql")) << r.out;
  EXPECT_FALSE(Has(r.out, "V3__trigger.sql")) << r.out;
  EXPECT_TRUE(Has(r.out, "2 problems found")) << r.out;

  for (const char* dialect : {"postgresql", "mysql"}) {
    auto d = Validate({"--dialect", dialect});
    EXPECT_EQ(d.exit_code, 3) << dialect << d.out;
    EXPECT_TRUE(Has(d.out, "2:1: error[transaction-control]: BEGIN in V1__tx.sql")) << d.out;
    EXPECT_TRUE(Has(d.out, "4:3: error[transaction-control]: COMMIT in V1__tx.sql")) << d.out;
    EXPECT_FALSE(Has(d.out, "V2__own.sql")) << dialect << d.out;
  }
}

TEST_F(ValidateOffline, PragmaForeignKeysInATransactionIsAWarningOnly) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__rebuild.sql",
            "PRAGMA foreign_keys = OFF;\nCREATE TABLE b (id INT);\nPRAGMA foreign_keys;\n");
  dir.Write("sql/V3__rebuild.sql",
            "-- flyrun:transaction=false\nPRAGMA foreign_keys=off;\nPRAGMA foreign_keys=on;\n");
  auto r = Validate({"--dialect", "sqlite"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Has(r.out,
                  "sql/V2__rebuild.sql:1:1: warning[pragma-in-transaction]: PRAGMA "
                  "foreign_keys has no effect here: SQLite ignores it inside a transaction, and "
                  "V2__rebuild.sql runs in one\n  hint: put `-- flyrun:transaction=false` on "
                  "the first line of V2__rebuild.sql to run a table rebuild with foreign keys off"))
      << r.out;
  EXPECT_FALSE(Has(r.out, "V3__rebuild.sql")) << r.out;
  EXPECT_TRUE(Has(r.out, "Validated 3 migration files (offline): no errors, 1 warning")) << r.out;

  auto github = Validate({"--dialect", "sqlite", "--output", "github"});
  EXPECT_EQ(github.exit_code, 0) << github.out;
  EXPECT_TRUE(Has(github.out,
                  "::warning file=sql/V2__rebuild.sql,line=1,col=1,title=flyrun "
                  "pragma-in-transaction::PRAGMA foreign_keys has no effect"))
      << github.out;
  auto json = Validate({"--dialect", "sqlite", "--output", "json"});
  EXPECT_EQ(json.exit_code, 0) << json.out;
  EXPECT_TRUE(Has(json.out, "\"success\": true")) << json.out;
  EXPECT_TRUE(Has(json.out, "\"severity\": \"warning\"")) << json.out;
  auto sarif = Validate({"--dialect", "sqlite", "--output", "sarif"});
  EXPECT_EQ(sarif.exit_code, 0) << sarif.out;
  EXPECT_TRUE(Has(sarif.out, "\"level\": \"warning\"")) << sarif.out;
  EXPECT_FALSE(Has(sarif.out, "\"level\": \"error\"")) << sarif.out;

  // Other dialects have no such pragma.
  EXPECT_TRUE(Has(Validate({"--dialect", "postgresql"}).out, "no problems"));
  // With an error beside it, validate fails and counts both.
  dir.Write("sql/V4__bad.sql", "SELECT 'open;\n");
  auto both = Validate({"--dialect", "sqlite"});
  EXPECT_EQ(both.exit_code, 3) << both.out;
  EXPECT_TRUE(Has(both.out, "1 problem found (and 1 warning)")) << both.out;
}

TEST_F(ValidateOffline, NulByteNamesFileLineAndColumn) {
  dir.Write("sql/V1__nul.sql",
            std::string("CREATE TABLE t (id INT);\ndelete from t \0 where id = 5;\n", 55));
  auto r = Validate({});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "sql/V1__nul.sql:2:15: error[nul-byte]: NUL byte\n")) << r.out;
}

TEST_F(ValidateOffline, ValuesLongerThanTheHistoryColumns) {
  dir.Write("sql/V1__" + std::string(201, 'x') + ".sql", "SELECT 1;\n");
  auto r = Validate({});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out, "error[history-value-too-long]: sql/V1__xxx")) << r.out;
  EXPECT_TRUE(Has(r.out, "the description is 201 characters long, and the history table holds 200"))
      << r.out;
}

TEST_F(ValidateOffline, UndoCoverageWhenRequired) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/U1__a.sql", "DROP TABLE a;\n");
  dir.Write("sql/sub/V2__b.sql", "CREATE TABLE b (id INT);\n");
  dir.Write("sql/R__v.sql", "CREATE VIEW v AS SELECT 1;\n");
  EXPECT_EQ(Validate({}).exit_code, 0);

  auto flag = Validate({"--undo-required"});
  EXPECT_EQ(flag.exit_code, 3) << flag.out << flag.err;
  EXPECT_TRUE(Has(flag.out,
                  "sql/sub/V2__b.sql: error[missing-undo]: sql/sub/V2__b.sql has no "
                  "undo file, and undo_required is set\n  hint: add sql/sub/U2__b.sql"))
      << flag.out;
  EXPECT_TRUE(Has(flag.out, "1 problem found")) << flag.out;

  auto env = Validate({}, {{"FLYRUN_UNDO_REQUIRED", "true"}});
  EXPECT_EQ(env.exit_code, 3) << env.out;

  dir.Write("flyrun.yaml", "undo_required: true\n");
  auto yaml = Validate({});
  EXPECT_EQ(yaml.exit_code, 3) << yaml.out << yaml.err;
  EXPECT_EQ(Validate({}, {{"FLYRUN_UNDO_REQUIRED", "false"}}).exit_code, 0);
}

TEST_F(ValidateOffline, SarifAndGithubAreForValidateOnly) {
  dir.Write("sql/V1__a.sql", "SELECT 1;\n");
  for (const char* format : {"sarif", "github"}) {
    auto r =
        RunFlyrun({"--output", format, "info"}, dir.path(), {{"FLYRUN_URL", "sqlite::memory:"}});
    EXPECT_EQ(r.exit_code, 2) << format << r.err;
    EXPECT_TRUE(Has(r.err, std::string("--output ") + format + " is for validate only")) << r.err;
  }
}

size_t Occurrences(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The dialect key (flag > FLYRUN_DIALECT > file) picks the lexical rules of
// validate without a URL. A '#' comment is one only in MySQL; CREATE INDEX
// CONCURRENTLY cannot run in a transaction only in PostgreSQL.
TEST_F(ValidateOffline, TheDialectKeyChoosesTheRulesWithoutAUrl) {
  dir.Write("sql/V1__a.sql", "# it's a MySQL comment\nCREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__b.sql", "CREATE INDEX CONCURRENTLY a_id ON a (id);\n");
  auto none = Validate({});
  EXPECT_EQ(none.exit_code, 3) << none.out << none.err;
  EXPECT_TRUE(Has(none.out, "sql/V1__a.sql:1:5: error[unterminated]")) << none.out;

  for (const char* mysql : {"mysql", "mariadb", "MySQL"}) {
    auto r = Validate({"--dialect", mysql});
    EXPECT_EQ(r.exit_code, 0) << mysql << r.out << r.err;
    EXPECT_EQ(Validate({}, {{"FLYRUN_DIALECT", mysql}}).exit_code, 0) << mysql;
  }
  for (const char* pg : {"postgresql", "postgres"}) {
    auto r = Validate({"--dialect", pg});
    EXPECT_EQ(r.exit_code, 3) << pg << r.out << r.err;
    EXPECT_TRUE(Has(r.out, "sql/V2__b.sql:1:1: error[non-transactional-statement]")) << r.out;
  }

  dir.Write("flyrun.yaml", "dialect: mysql\n");
  EXPECT_EQ(Validate({}).exit_code, 0);
  EXPECT_EQ(Validate({}, {{"FLYRUN_DIALECT", "sqlite"}}).exit_code, 3);  // env over file
  auto flag = Validate({"--dialect", "mysql"}, {{"FLYRUN_DIALECT", "sqlite"}});
  EXPECT_EQ(flag.exit_code, 0) << flag.out;  // flag over env
  EXPECT_FALSE(Has(flag.err, "warning")) << flag.err;
}

TEST_F(ValidateOffline, AnUnknownDialectIsAConfigurationError) {
  dir.Write("sql/V1__a.sql", "SELECT 1;\n");
  auto flag = Validate({"--dialect", "oracle"});
  EXPECT_EQ(flag.exit_code, 2) << flag.out << flag.err;
  EXPECT_TRUE(Has(flag.err, "dialect: 'oracle' is not")) << flag.err;
  EXPECT_TRUE(Has(flag.err, "postgresql")) << flag.err;
  dir.Write("flyrun.yaml", "dialect: db2\n");
  auto file = Validate({});
  EXPECT_EQ(file.exit_code, 2) << file.err;
  EXPECT_TRUE(Has(file.err, "'db2'")) << file.err;
  EXPECT_TRUE(Has(file.err, "flyrun.yaml")) << file.err;
}

// Without a URL or a dialect the rules are a guess: said once, not per file.
TEST_F(ValidateOffline, WithoutUrlOrDialectItWarnsOnce) {
  dir.Write("sql/V1__a.sql", "SELECT 1;\n");
  dir.Write("sql/V2__b.sql", "SELECT 2;\n");
  dir.Write("sql/R__c.sql", "SELECT 3;\n");
  auto r = Validate({});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Occurrences(r.err, "warning"), 1u) << r.err;
  EXPECT_TRUE(Has(r.err, "SQLite's rules")) << r.err;
  EXPECT_TRUE(Has(r.err, "--dialect")) << r.err;
  EXPECT_TRUE(Has(r.err, "FLYRUN_DIALECT")) << r.err;
  EXPECT_TRUE(Has(r.err, "dialect:")) << r.err;
  auto json = Validate({"--output", "json"});
  EXPECT_EQ(Occurrences(json.err, "warning"), 1u) << json.err;
  EXPECT_EQ(json.out.find("warning"), std::string::npos) << json.out;  // stdout stays JSON
  EXPECT_FALSE(Has(Validate({"--dialect", "sqlite"}).err, "warning"));
  EXPECT_FALSE(Has(Validate({"--offline"}, {{"FLYRUN_URL", "sqlite:x.db"}}).err, "warning"));
}

// With a URL, the URL's dialect is the one that runs the scripts: a dialect
// setting that says otherwise is a mistake somewhere.
TEST_F(ValidateOffline, ADialectThatContradictsTheUrlIsAnError) {
  dir.Write("sql/V1__a.sql", "SELECT 1;\n");
  std::map<std::string, std::string> pg = {{"FLYRUN_URL", "postgresql://localhost:1/none"}};
  auto r = Validate({"--offline", "--dialect", "mysql"}, pg);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Has(r.err, "mysql")) << r.err;
  EXPECT_TRUE(Has(r.err, "postgresql")) << r.err;
  auto same = Validate({"--offline", "--dialect", "postgres"}, pg);
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
}

}  // namespace
}  // namespace flyrun::test
