// JDBC URLs through the real binary against the real servers: PostgreSQL's
// multi-host failover and currentSchema, jdbc:mysql:// and jdbc:mariadb://
// against MariaDB, and their passwords in no output, text or JSON, the URL
// malformed or the server unreachable.

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "support/test_support.h"
#ifdef FLYRUN_TEST_WITH_POSTGRES
#include "integration/postgres/pg_test_util.h"
#endif
#ifdef FLYRUN_TEST_WITH_MYSQL
#include "integration/mysql/mysql_test_util.h"
#endif

namespace flyrun::test {
namespace {

std::string All(const RunResult& r) { return r.out + "\n" + r.err; }

std::string Show(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

::testing::AssertionResult NeverShows(const std::string& secret, const RunResult& r) {
  if (All(r).find(secret) == std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "the password was printed:\n" << Show(r);
}

/// user, password, host:port and database of "scheme://user:password@host:port/db".
struct Credentials {
  std::string user, password, host, database;
};

Credentials CredentialsOf(const std::string& url) {
  static const std::regex kUrl(R"(^\w+://([^:@/]+):([^@/]*)@([^/?]+)/([^?]*))");
  std::smatch m;
  if (!std::regex_search(url, m, kUrl)) throw std::runtime_error("unexpected test URL shape");
  return {m[1], m[2], m[3], m[4]};
}

/// A port on 127.0.0.1 that refuses connections while the object lives.
class DeadPort {
 public:
  DeadPort() : fd_(BindLoopback(port_)) {}
  ~DeadPort() { close(fd_); }
  DeadPort(const DeadPort&) = delete;
  DeadPort& operator=(const DeadPort&) = delete;
  int port() const { return port_; }

 private:
  int port_ = 0;
  int fd_;
};

TEST(JdbcUrls, MalformedJdbcUrlsNeverPrintTheirPassword) {
  TempDir dir;
  const std::string secret = "jdbcSecret4711";
  const std::vector<std::string> urls = {
      "jdbc:postgresql://db/app?user=u&password=" + secret + "&sslmode=sometimes",
      "jdbc:postgresql://db:99999/app?password=" + secret,
      "jdbc:postgresql://db/app?password=" + secret + "&targetServerType=preferPrimary",
      "jdbc:mysql://u:" + secret + "@h1,h2/app",
      "jdbc:mysql://db/app?password=" + secret + "&sslMode=sometimes",
      "jdbc:mariadb:db/app?password=" + secret,
      "jdbc:oracle:thin:u/" + secret + "@db?password=" + secret,
      "jdbc:postgresql://db/app?password=" + secret + "%zz",
  };
  for (const auto& url : urls) {
    for (const char* output : {"text", "json"}) {
      auto r = RunFlyrun({"--url", url, "--output", output, "info"}, dir.path());
      EXPECT_EQ(r.exit_code, 2) << url << "\n" << Show(r);
      EXPECT_TRUE(NeverShows(secret, r)) << url;
      EXPECT_TRUE(All(r).find("--url") != std::string::npos) << "names the source\n" << Show(r);
      if (std::string(output) == "json") {
        EXPECT_TRUE(nlohmann::json::accept(r.out)) << Show(r);
      }
    }
  }
}

#ifdef FLYRUN_TEST_WITH_POSTGRES
TEST(JdbcUrls, PostgresFailsOverToTheLiveHostAndUsesCurrentSchema) {
  FLYRUN_SERVER_URL(base, "FLYRUN_TEST_PG_URL");
  PgScratchDatabase db;
  Credentials c = CredentialsOf(db.url());
  db.Query("CREATE SCHEMA jdbc_s AUTHORIZATION " + c.user);
  DeadPort dead;
  TempDir dir;
  WriteTableMigrations(dir, {{1, "jdbc_t"}});
  std::string jdbc = "jdbc:postgresql://127.0.0.1:" + std::to_string(dead.port()) + "," + c.host +
                     "/" + db.name() + "?currentSchema=jdbc_s&user=" + c.user +
                     "&password=" + c.password +
                     "&ApplicationName=jdbc_test&connectTimeout=5&targetServerType=primary"
                     "&prepareThreshold=0";
  auto r = RunFlyrun({"--url", jdbc, "--locations", "sql", "migrate"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(NeverShows(c.password, r));
  // The unknown parameter is a notice naming it, the URL shown without its password.
  EXPECT_NE(r.err.find("prepareThreshold"), std::string::npos) << Show(r);
  EXPECT_NE(r.err.find("password=***"), std::string::npos) << Show(r);
  EXPECT_EQ(db.Query("SELECT to_regclass('jdbc_s.flyrun_schema_history') IS NOT NULL"), "t");
  EXPECT_EQ(db.Query("SELECT to_regclass('jdbc_s.jdbc_t') IS NOT NULL"), "t");
  EXPECT_EQ(db.Query("SELECT to_regclass('public.jdbc_t') IS NULL"), "t");

  for (const char* output : {"text", "json"}) {
    auto info =
        RunFlyrun({"--url", jdbc, "--locations", "sql", "--output", output, "info"}, dir.path());
    ASSERT_EQ(info.exit_code, 0) << Show(info);
    EXPECT_TRUE(NeverShows(c.password, info));
  }
  // user and password given apart override the URL's.
  std::string wrong = "jdbc:postgresql://" + c.host + "/" + db.name() +
                      "?currentSchema=jdbc_s&user=nobody&password=wrongPassword99";
  auto overridden = RunFlyrun(
      {"--url", wrong, "--user", c.user, "--password", c.password, "--locations", "sql", "info"},
      dir.path());
  EXPECT_EQ(overridden.exit_code, 0) << Show(overridden);
  EXPECT_TRUE(NeverShows(c.password, overridden));

  // Every host down: a connection failure (exit 4) that never shows the password.
  DeadPort dead2;
  std::string down = "jdbc:postgresql://127.0.0.1:" + std::to_string(dead.port()) +
                     ",127.0.0.1:" + std::to_string(dead2.port()) + "/app?password=" + c.password;
  for (const char* output : {"text", "json"}) {
    auto failed = RunFlyrun({"--url", down, "--output", output, "info"}, dir.path());
    EXPECT_EQ(failed.exit_code, 4) << Show(failed);
    EXPECT_TRUE(NeverShows(c.password, failed));
  }
}
#endif

#ifdef FLYRUN_TEST_WITH_MYSQL
TEST(JdbcUrls, MysqlAndMariadbUrlsReachMariadb) {
  FLYRUN_SERVER_URL(base, "FLYRUN_TEST_MYSQL_URL");
  ScratchDatabase db(base, "jdbc");
  Credentials c = CredentialsOf(db.url());
  TempDir dir;
  WriteTableMigrations(dir, {{1, "jdbc_m"}});
  std::string query = "?user=" + c.user + "&password=" + c.password;
  std::string mysql = "jdbc:mysql://" + c.host + "/" + db.name() + query +
                      "&useSSL=false&serverTimezone=UTC&useUnicode=true&characterEncoding=UTF-8";
  auto r = RunFlyrun({"--url", mysql, "--locations", "sql", "migrate"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(NeverShows(c.password, r));
  // Only the parameter without an equivalent is named (UTF-8 is flyrun's already).
  EXPECT_NE(r.err.find("ignoring parameter(s) serverTimezone ("), std::string::npos) << Show(r);
  EXPECT_EQ(MysqlScalar(db.url(),
                        "SELECT count(*) FROM information_schema.tables WHERE "
                        "table_schema = DATABASE() AND table_name = 'jdbc_m'"),
            "1");

  // MariaDB Connector/J's spelling, over TLS without verifying the certificate.
  std::string mariadb =
      "jdbc:mariadb://" + c.host + "/" + db.name() + query + "&sslMode=trust&connectTimeout=5000";
  for (const char* output : {"text", "json"}) {
    auto info =
        RunFlyrun({"--url", mariadb, "--locations", "sql", "--output", output, "info"}, dir.path());
    ASSERT_EQ(info.exit_code, 0) << Show(info);
    EXPECT_TRUE(NeverShows(c.password, info));
  }
  // The user-info form of Connector/J.
  std::string userinfo = "jdbc:mysql://" + c.user + ":" + c.password + "@" + c.host + "/" +
                         db.name() + "?sslMode=REQUIRED";
  auto info = RunFlyrun({"--url", userinfo, "--locations", "sql", "validate"}, dir.path());
  EXPECT_EQ(info.exit_code, 0) << Show(info);
  EXPECT_TRUE(NeverShows(c.password, info));

  // A wrong password in a JDBC URL: refused, and never shown.
  std::string wrong = "jdbc:mariadb://" + c.host + "/" + db.name() + "?user=" + c.user +
                      "&password=wrongPassword99";
  for (const char* output : {"text", "json"}) {
    auto failed = RunFlyrun({"--url", wrong, "--output", output, "info"}, dir.path());
    EXPECT_EQ(failed.exit_code, 4) << Show(failed);
    EXPECT_TRUE(NeverShows("wrongPassword99", failed));
  }
}
#endif

}  // namespace
}  // namespace flyrun::test
