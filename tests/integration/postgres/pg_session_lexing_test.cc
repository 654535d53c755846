// The session's settings that decide how scripts are lexed, on a real
// PostgreSQL server: the driver reports the server version and
// standard_conforming_strings, and flyrun splits scripts as psql would with
// them; line breaks inside literals reach the server as written; psql's \g ends
// a statement and \gset is refused before anything runs.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "driver/factory.h"
#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class PgSessionLexing : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
    db_ = std::make_unique<PgScratchDatabase>();
  }
  RunResult Migrate() const {
    return RunFlyrun({"--url", db_->url(), "--locations", "sql", "migrate"}, dir_.path());
  }
  bool Applied(const std::map<std::string, std::string>& scripts) const {
    return dir_.Migrates(scripts, {"--url", db_->url(), "--locations", "sql", "migrate"});
  }
  std::string Q(const std::string& sql) const { return db_->Query(sql); }

  TempDir dir_;
  std::unique_ptr<PgScratchDatabase> db_;
};

TEST_F(PgSessionLexing, DriverReportsVersionAndStandardConformingStrings) {
  ConnectionOptions options;
  options.url = db_->url();
  options.init_sql = {"SET standard_conforming_strings = off"};
  auto driver = OpenDriver(options);
  Statement st;
  SessionLexing lexing = driver->session_lexing();
  EXPECT_EQ(lexing.server_version, std::stoi(Q("SHOW server_version_num")) / 10000);
  EXPECT_GE(lexing.server_version, 9);
  EXPECT_FALSE(lexing.now.standard_conforming_strings) << "init_sql turned it off";
  EXPECT_TRUE(lexing.reset.standard_conforming_strings) << "RESET goes back to on";
  st.sql = "RESET standard_conforming_strings";
  driver->Execute(st);
  EXPECT_TRUE(driver->session_lexing().now.standard_conforming_strings);
  driver->Begin();
  st.sql = "SET standard_conforming_strings = off";
  driver->Execute(st);
  EXPECT_FALSE(driver->session_lexing().now.standard_conforming_strings);
  driver->Rollback();
  EXPECT_TRUE(driver->session_lexing().now.standard_conforming_strings) << "SET rolled back";
}

// Old pg_dump output: after SET standard_conforming_strings = off, '...' takes
// backslash escapes, in this script and in the next one on the same session.
TEST_F(PgSessionLexing, StandardConformingStringsOffInOneScriptAndTheNext) {
  ASSERT_TRUE(Applied({{"V1__dump.sql",
                        "SET standard_conforming_strings = off;\n"
                        "CREATE TABLE p (v text);\n"
                        "INSERT INTO p VALUES ('it\\'s; one value');\n"},
                       {"V2__more.sql", "INSERT INTO p VALUES ('C:\\\\dir\\'s');\nSELECT 1;\n"}}));
  EXPECT_EQ("it's; one value|C:\\dir's", Q("SELECT string_agg(v, '|' ORDER BY v DESC) FROM p"));
}

TEST_F(PgSessionLexing, CrlfInsideLiteralsIsStoredAsWritten) {
  ASSERT_TRUE(
      Applied({{"V1__crlf.sql",
                "CREATE TABLE t (k int, v text);\r\n"
                "INSERT INTO t VALUES (1, 'a\r\nb'), (2, $$c\r\nd$$), (3, E'e\r\nf');\r\n"}}));
  EXPECT_EQ("610d0a62 630d0a64 650d0a66",
            Q("SELECT string_agg(encode(convert_to(v, 'UTF8'), 'hex'), ' ' ORDER BY k) FROM t"));
}

TEST_F(PgSessionLexing, PsqlGEndsAStatementAndGsetIsRefused) {
  ASSERT_TRUE(
      Applied({{"V1__g.sql", "CREATE TABLE g (id int) \\g\nINSERT INTO g VALUES (1)\\gx\n"}}));
  EXPECT_EQ("1", Q("SELECT count(*) FROM g"));

  dir_.Write("sql/V2__gset.sql", "CREATE TABLE h (id int);\nSELECT 1 AS one \\gset\n");
  RunResult r = Migrate();
  EXPECT_EQ(3, r.exit_code) << r.out << r.err;
  EXPECT_NE(std::string::npos, (r.out + r.err).find("V2__gset.sql")) << r.out << r.err;
  EXPECT_NE(std::string::npos, (r.out + r.err).find("2:17")) << r.out << r.err;
  EXPECT_NE(std::string::npos, (r.out + r.err).find("\\gset")) << r.out << r.err;
  EXPECT_EQ("NULL", Q("SELECT to_regclass('h')")) << "nothing of V2 ran";
}

}  // namespace
}  // namespace flyrun::test
