#include <gtest/gtest.h>

#include "core/error.h"
#include "driver/postgres/pg_exec.h"
#include "driver/postgres/pg_url.h"

namespace flyrun::pg {
namespace {

ConnectionOptions Options(const std::string& url) {
  ConnectionOptions o;
  o.url = url;
  return o;
}

TEST(PgUrl, PassesEveryParameterThroughAndAppliesOverrides) {
  ConnectionOptions o = Options(
      "postgresql://app:from%20url@db.example:6543/prod?sslmode=verify-full&"
      "application_name=mine&target_session_attrs=read-write");
  ConnectTarget t = BuildConnectTarget(o);
  EXPECT_NE(std::string::npos, t.conninfo.find("host='db.example'"));
  EXPECT_NE(std::string::npos, t.conninfo.find("port='6543'"));
  EXPECT_NE(std::string::npos, t.conninfo.find("dbname='prod'"));
  EXPECT_NE(std::string::npos, t.conninfo.find("user='app'"));
  EXPECT_NE(std::string::npos, t.conninfo.find("password='from url'"));
  EXPECT_NE(std::string::npos, t.conninfo.find("sslmode='verify-full'"));
  EXPECT_NE(std::string::npos, t.conninfo.find("target_session_attrs='read-write'"));
  EXPECT_NE(std::string::npos, t.conninfo.find("application_name='mine'"));
  EXPECT_EQ(std::string::npos, t.conninfo.find("fallback_application_name"));
  EXPECT_NE(std::string::npos, t.conninfo.find("connect_timeout='10'"));
  EXPECT_NE(std::string::npos, t.conninfo.find("client_encoding='UTF8'"));
  EXPECT_EQ(
      "postgresql://app:***@db.example:6543/prod?sslmode=verify-full&"
      "application_name=mine&target_session_attrs=read-write",
      t.display_url);

  o.user = "other";
  o.password = "it's\\secret";
  o.connect_timeout = std::chrono::milliseconds(2500);
  t = BuildConnectTarget(o);
  EXPECT_NE(std::string::npos, t.conninfo.find("user='other'"));
  EXPECT_NE(std::string::npos, t.conninfo.find(R"(password='it\'s\\secret')"));
  EXPECT_NE(std::string::npos, t.conninfo.find("connect_timeout='3'"));
}

TEST(PgUrl, TheUserInfoEndsAtTheLastAt) {
  ConnectTarget t = BuildConnectTarget(Options("postgresql://u:p@s:s@h/db"));
  EXPECT_NE(std::string::npos, t.conninfo.find("password='p@s:s'")) << t.conninfo;
  EXPECT_NE(std::string::npos, t.conninfo.find("host='h'")) << t.conninfo;
  EXPECT_EQ("postgresql://u:***@h/db", t.display_url);
}

TEST(PgUrl, TheUrlsOwnConnectTimeoutWins) {
  ConnectTarget t = BuildConnectTarget(Options("postgres://h/db?connect_timeout=42"));
  EXPECT_NE(std::string::npos, t.conninfo.find("connect_timeout='42'"));
  EXPECT_NE(std::string::npos, t.conninfo.find("fallback_application_name='flyrun'"));
}

TEST(PgUrl, InvalidUrlIsAUsageErrorWithoutThePassword) {
  try {
    BuildConnectTarget(Options("postgresql://u:hunter2@h/db?no_such_param=1"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(ExitCode::kUsage, e.code());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("no_such_param")) << e.what();
    EXPECT_EQ(std::string::npos, std::string(e.what()).find("hunter2")) << e.what();
  }
}

TEST(PgPosition, CountsLinesAndUtf8Characters) {
  int line = 0, column = 0;
  LocatePosition("SELECT x", 8, PositionUnit::kUtf8Chars, line, column);
  EXPECT_EQ(1, line);
  EXPECT_EQ(8, column);
  // 'é' is one character, two bytes; columns are bytes.
  std::string sql = "SELECT 'ßß' AS a,\n       'é' AS b, no_col";
  LocatePosition(sql, static_cast<long>(sql.size() - 6 - 3 + 1), PositionUnit::kUtf8Chars, line,
                 column);
  EXPECT_EQ(2, line);
  EXPECT_EQ(19, column);
  LocatePosition(sql, static_cast<long>(sql.size() - 6 + 1), PositionUnit::kBytes, line, column);
  EXPECT_EQ(2, line);
  EXPECT_EQ(19, column);
  LocatePosition("a\nb", 99, PositionUnit::kUtf8Chars, line, column);  // past the end
  EXPECT_EQ(2, line);
  EXPECT_EQ(2, column);
}

}  // namespace
}  // namespace flyrun::pg
