// StatementSource behaviour that golden files show poorly: error objects, issue
// collection, directives, COPY streaming, statement reuse, big inputs.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>

#include "core/error.h"
#include "parse/statement_source.h"
#include "support/test_support.h"

namespace flyrun {
namespace {

std::unique_ptr<StatementSource> Source(const std::string& sql, Dialect dialect,
                                        SplitOptions options = {}) {
  options.dialect = dialect;
  return std::make_unique<StatementSource>(std::make_unique<std::istringstream>(sql), "V3__x.sql",
                                           options);
}

std::vector<std::string> All(StatementSource& source) {
  std::vector<std::string> out;
  Statement st;
  while (source.Next(st)) out.push_back(st.sql);
  return out;
}

Error ErrorOf(const std::string& sql, Dialect dialect, SplitOptions options = {}) {
  try {
    auto source = Source(sql, dialect, options);
    All(*source);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << sql;
  return Error(ExitCode::kSuccess, "none");
}

TEST(Splitter, UnterminatedDollarQuoteNamesTagFileLineAndColumn) {
  std::string sql = "SELECT 1;\n\n\n\n\n\n\n\n\n\n\nDO $body$ BEGIN NULL; END $bod$;\n";
  Error e = ErrorOf(sql, Dialect::kPostgres);
  EXPECT_EQ(ExitCode::kValidation, e.code());
  EXPECT_STREQ("unterminated dollar quote $body$ starting at V3__x.sql:12:4", e.what());
  EXPECT_EQ("V3__x.sql", e.file);
  EXPECT_EQ(12, e.line);
  EXPECT_EQ(4, e.column);
  EXPECT_EQ("close it with $body$", e.hint());
}

TEST(Splitter, UnterminatedConstructsInEveryDialect) {
  struct Case {
    Dialect dialect;
    std::string sql;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {Dialect::kPostgres, "SELECT 'x", "unterminated string ' starting at V3__x.sql:1:8"},
           {Dialect::kPostgres, "SELECT E'x\\'",
            "unterminated string E' starting at V3__x.sql:1:9"},
           {Dialect::kPostgres, "SELECT \"x",
            "unterminated quoted identifier \" starting at V3__x.sql:1:8"},
           {Dialect::kPostgres, "/* a /* b */",
            "unterminated comment /* starting at V3__x.sql:1:1"},
           {Dialect::kPostgres, "SELECT (1",
            "unterminated parenthesis ( starting at V3__x.sql:1:8"},
           {Dialect::kMysql, "SELECT `x",
            "unterminated quoted identifier ` starting at V3__x.sql:1:8"},
           {Dialect::kMysql, "SELECT \"x\\\"", "unterminated string \" starting at V3__x.sql:1:8"},
           {Dialect::kMysql, "CREATE PROCEDURE p() BEGIN SELECT 1;",
            "unterminated BEGIN ... END block starting at V3__x.sql:1:22"},
           {Dialect::kSqlite, "SELECT [x",
            "unterminated quoted identifier [ starting at V3__x.sql:1:8"},
           {Dialect::kSqlite, "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1;",
            "unterminated CREATE TRIGGER body starting at V3__x.sql:1:1"},
       }) {
    Error e = ErrorOf(c.sql, c.dialect);
    EXPECT_EQ(ExitCode::kValidation, e.code());
    EXPECT_EQ(c.message, e.what()) << c.sql;
  }
}

TEST(Splitter, IssuesCollectProblemsAndUnterminatedEndsTheFile) {
  Issues issues;
  SplitOptions options;
  options.issues = &issues;
  auto source = Source("SELECT '${nope}';\nSELECT 2;\nSELECT 'open\n", Dialect::kPostgres, options);
  EXPECT_EQ((std::vector<std::string>{"SELECT '${nope}'", "SELECT 2"}), All(*source));
  Statement st;
  EXPECT_FALSE(source->Next(st));
  ASSERT_EQ(2u, issues.size());
  EXPECT_EQ("unknown-placeholder", issues[0].code);
  EXPECT_EQ("V3__x.sql", issues[0].file);
  EXPECT_EQ(1, issues[0].line);
  EXPECT_EQ(9, issues[0].column);
  EXPECT_EQ("unknown placeholder ${nope}", issues[0].message);
  EXPECT_FALSE(issues[0].hint.empty());
  EXPECT_EQ("unterminated", issues[1].code);
  EXPECT_EQ(3, issues[1].line);
  EXPECT_EQ(8, issues[1].column);
  EXPECT_EQ("unterminated string '", issues[1].message);
}

TEST(Splitter, UnknownPlaceholderThrowsWithPosition) {
  Error e = ErrorOf("SELECT 1;\n  SELECT ${missing};", Dialect::kSqlite);
  EXPECT_EQ(ExitCode::kValidation, e.code());
  EXPECT_STREQ("unknown placeholder ${missing} at V3__x.sql:2:10", e.what());
  EXPECT_EQ(2, e.line);
  EXPECT_EQ(10, e.column);
}

TEST(Splitter, PlaceholdersMatchExactlyThenIgnoringCase) {
  SplitOptions options;
  options.placeholders = {{"SCHEMA", "upper"}, {"schema", "lower"}, {"Table", "t"}};
  auto source =
      Source("SELECT ${schema}, ${SCHEMA}, ${table}, ${TABLE};", Dialect::kMysql, options);
  EXPECT_EQ((std::vector<std::string>{"SELECT lower, upper, t, t"}), All(*source));
}

TEST(Splitter, ReplacementOffLeavesTextAndNeverFails) {
  SplitOptions options;
  options.replace_placeholders = false;
  auto source = Source("SELECT '${x}', ${y};", Dialect::kPostgres, options);
  EXPECT_EQ((std::vector<std::string>{"SELECT '${x}', ${y}"}), All(*source));
}

TEST(Splitter, DirectiveIsReadBeforeTheFirstStatement) {
  EXPECT_FALSE(Source("-- flyrun:transaction=false\nSELECT 1;", Dialect::kPostgres)
                   ->directives()
                   .transactional);
  EXPECT_FALSE(Source("--flyrun:transaction = FALSE\r\nSELECT 1;", Dialect::kSqlite)
                   ->directives()
                   .transactional);
  EXPECT_FALSE(Source("\xEF\xBB\xBF-- flyrun:transaction=false", Dialect::kMysql)
                   ->directives()
                   .transactional);
  EXPECT_TRUE(Source("-- flyrun:transaction=true\nSELECT 1;", Dialect::kPostgres)
                  ->directives()
                  .transactional);
  EXPECT_TRUE(Source("SELECT 1;\n-- flyrun:transaction=false\n", Dialect::kPostgres)
                  ->directives()
                  .transactional);
  EXPECT_TRUE(Source("", Dialect::kPostgres)->directives().transactional);
  SplitOptions tiny;
  tiny.chunk_size = 1;
  EXPECT_FALSE(Source("-- flyrun:transaction=false\nSELECT 1;", Dialect::kPostgres, tiny)
                   ->directives()
                   .transactional);
}

TEST(Splitter, MisspeltDirectiveIsAValidationError) {
  try {
    Source("-- flyrun:transactions=false\nSELECT 1;", Dialect::kPostgres);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(ExitCode::kValidation, e.code());
    EXPECT_EQ(1, e.line);
    EXPECT_NE(std::string(e.what()).find("flyrun:transactions=false"), std::string::npos);
  }
  Issues issues;
  SplitOptions options;
  options.issues = &issues;
  auto source = Source("-- flyrun:transaction=maybe\nSELECT 1;", Dialect::kPostgres, options);
  EXPECT_TRUE(source->directives().transactional);
  ASSERT_EQ(1u, issues.size());
  EXPECT_EQ("invalid-directive", issues[0].code);
}

TEST(Splitter, CopyDataComesInBoundedChunksAndUnreadDataIsSkipped) {
  std::string data;
  for (int i = 0; i < 20000; ++i) data += std::to_string(i) + "\tsome text; 'quoted' $$\n";
  std::string sql = "COPY t FROM stdin;\n" + data + "\\.\nSELECT 1;\nCOPY u FROM stdin;\n" + data +
                    "\\.\nSELECT 2;\n";
  SplitOptions options;
  options.dialect = Dialect::kPostgres;
  options.chunk_size = 4096;
  StatementSource source(std::make_unique<std::istringstream>(sql), "x.sql", options);
  Statement st;
  ASSERT_TRUE(source.Next(st));
  ASSERT_NE(nullptr, st.copy_data);
  std::string chunk, got;
  int chunks = 0;
  while (st.copy_data->Next(chunk)) {
    EXPECT_LE(chunk.size(), 4096u + 64u);
    got += chunk;
    ++chunks;
  }
  EXPECT_EQ(data, got);
  EXPECT_GT(chunks, 100);
  EXPECT_FALSE(st.copy_data->Next(chunk));
  EXPECT_TRUE(chunk.empty());

  ASSERT_TRUE(source.Next(st));
  EXPECT_EQ("SELECT 1", st.sql);
  EXPECT_EQ(nullptr, st.copy_data);
  EXPECT_EQ(20003, st.line);

  ASSERT_TRUE(source.Next(st));  // COPY u: its data is never read
  ASSERT_NE(nullptr, st.copy_data);
  ASSERT_TRUE(st.copy_data->Next(chunk));  // read a little, leave the rest
  ASSERT_TRUE(source.Next(st));
  EXPECT_EQ("SELECT 2", st.sql);
  EXPECT_EQ(40006, st.line);
  EXPECT_EQ(4, st.index);
  EXPECT_FALSE(source.Next(st));
}

TEST(Splitter, StatementFieldsAreResetBetweenStatements) {
  auto source = Source("CREATE INDEX CONCURRENTLY i ON t (a);\nCOPY t FROM stdin;\n\\.\nSELECT 1;",
                       Dialect::kPostgres);
  Statement st;
  ASSERT_TRUE(source->Next(st));
  EXPECT_EQ("CREATE INDEX CONCURRENTLY", st.non_transactional);
  ASSERT_TRUE(source->Next(st));
  EXPECT_EQ("", st.non_transactional);
  EXPECT_NE(nullptr, st.copy_data);
  ASSERT_TRUE(source->Next(st));
  EXPECT_EQ(nullptr, st.copy_data);
  EXPECT_EQ("SELECT 1", st.sql);
  EXPECT_FALSE(source->Next(st));
  EXPECT_FALSE(source->Next(st));
}

TEST(Splitter, TransactionControlIsResetBetweenStatements) {
  auto source = Source("BEGIN;\nSELECT 1;\nCOMMIT;", Dialect::kSqlite);
  Statement st;
  ASSERT_TRUE(source->Next(st));
  EXPECT_EQ("BEGIN", st.transaction_control);
  ASSERT_TRUE(source->Next(st));
  EXPECT_EQ("", st.transaction_control);
  ASSERT_TRUE(source->Next(st));
  EXPECT_EQ("COMMIT", st.transaction_control);
}

TEST(Splitter, NulByteIsAValidationErrorBeforeItsStatementIsYielded) {
  std::string sql("CREATE TABLE t (id INT);\ndelete from t \0 where id = 5;\n", 55);
  for (Dialect d : {Dialect::kPostgres, Dialect::kMysql, Dialect::kSqlite}) {
    auto source = Source(sql, d);
    Statement st;
    ASSERT_TRUE(source->Next(st));
    EXPECT_EQ("CREATE TABLE t (id INT)", st.sql);
    try {
      source->Next(st);
      ADD_FAILURE() << "the statement with the NUL was yielded: " << st.sql;
    } catch (const Error& e) {
      EXPECT_EQ(ExitCode::kValidation, e.code());
      EXPECT_STREQ("NUL byte at V3__x.sql:2:15", e.what());
      EXPECT_EQ(2, e.line);
      EXPECT_EQ(15, e.column);
      EXPECT_FALSE(e.hint().empty());
    }
  }
}

TEST(Splitter, NulBytesAreOneIssueAndSplittingGoesOn) {
  Issues issues;
  SplitOptions options;
  options.issues = &issues;
  options.chunk_size = 3;
  std::string sql("SELECT 1;\r\n-- \0\0\nSELECT '\0';", 28);
  auto source = Source(sql, Dialect::kPostgres, options);
  EXPECT_EQ(2u, All(*source).size());
  ASSERT_EQ(1u, issues.size());
  EXPECT_EQ("nul-byte", issues[0].code);
  EXPECT_EQ(2, issues[0].line);
  EXPECT_EQ(4, issues[0].column);
}

TEST(Splitter, BigStatementsAcrossManyChunks) {
  std::string big(3 << 20, 'x');
  std::string sql = "INSERT INTO t VALUES ('" + big + ";');\nSELECT $$" + big + "$$;\nSELECT 3";
  for (Dialect d : {Dialect::kPostgres, Dialect::kMysql, Dialect::kSqlite}) {
    SplitOptions options;
    options.chunk_size = 1000;
    auto source = Source(sql, d, options);
    Statement st;
    ASSERT_TRUE(source->Next(st));
    EXPECT_EQ("INSERT INTO t VALUES ('" + big + ";')", st.sql);
    if (d != Dialect::kPostgres) continue;  // $$ quotes only in PostgreSQL
    ASSERT_TRUE(source->Next(st));
    EXPECT_EQ(big.size() + 11, st.sql.size());
    ASSERT_TRUE(source->Next(st));
    EXPECT_EQ("SELECT 3", st.sql);
    EXPECT_EQ(3, st.line);
  }
}

TEST(Splitter, ManyStatementsStreamWithoutHoldingTheFile) {
  // 200,000 statements through a 1 KiB window: positions stay exact.
  std::ostringstream sql;
  for (int i = 0; i < 200000; ++i) sql << "INSERT INTO t VALUES (" << i << ", 'a;b'); -- c\n";
  SplitOptions options;
  options.chunk_size = 1024;
  auto source = Source(sql.str(), Dialect::kSqlite, options);
  Statement st;
  int n = 0;
  while (source->Next(st)) {
    ++n;
    ASSERT_EQ(n, st.line);
  }
  EXPECT_EQ(200000, n);
}

TEST(Splitter, OpenMissingFileIsAUsageError) {
  try {
    StatementSource::Open("/nonexistent/V1__x.sql", {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(ExitCode::kUsage, e.code());
    EXPECT_NE(std::string(e.what()).find("/nonexistent/V1__x.sql"), std::string::npos);
  }
}

TEST(Splitter, OpenReadsAFile) {
  test::TempDir dir;
  auto path = dir.Write("V1__a.sql", "-- flyrun:transaction=false\r\nVACUUM;\r\nSELECT 2");
  SplitOptions options;
  options.dialect = Dialect::kSqlite;
  auto source = StatementSource::Open(path.string(), options);
  EXPECT_FALSE(source->directives().transactional);
  Statement st;
  ASSERT_TRUE(source->Next(st));
  EXPECT_EQ("VACUUM", st.sql);
  EXPECT_EQ("VACUUM", st.non_transactional);
  EXPECT_EQ(2, st.line);
  ASSERT_TRUE(source->Next(st));
  EXPECT_EQ("SELECT 2", st.sql);
  EXPECT_EQ(3, st.line);
}

}  // namespace
}  // namespace flyrun
