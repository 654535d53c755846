#include "driver/mysql/mysql_url.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace flyrun {
namespace {

TEST(MysqlUrl, FullUrl) {
  MysqlTarget t = ParseMysqlUrl("mysql://app:s3cret@db.example.com:3307/shop");
  EXPECT_EQ(t.user, "app");
  EXPECT_EQ(t.password, "s3cret");
  EXPECT_EQ(t.host, "db.example.com");
  EXPECT_EQ(t.port, 3307);
  EXPECT_EQ(t.database, "shop");
  EXPECT_EQ(t.ssl_mode, MysqlSslMode::kPreferred);
  EXPECT_EQ(t.Describe(), "app@db.example.com:3307/shop");
}

TEST(MysqlUrl, MariadbSchemeAndDefaults) {
  MysqlTarget t = ParseMysqlUrl("mariadb://localhost");
  EXPECT_EQ(t.host, "localhost");
  EXPECT_EQ(t.port, 3306);
  EXPECT_TRUE(t.user.empty());
  EXPECT_TRUE(t.database.empty());
  EXPECT_EQ(ParseMysqlUrl("MySQL://h/").database, "");
}

TEST(MysqlUrl, PercentDecodingAndAtInPassword) {
  MysqlTarget t = ParseMysqlUrl("mysql://us%40er:p%3Aw@d@h/my%20db");
  EXPECT_EQ(t.user, "us@er");
  EXPECT_EQ(t.password, "p:w@d");
  EXPECT_EQ(t.host, "h");
  EXPECT_EQ(t.database, "my db");
}

TEST(MysqlUrl, Ipv6Host) {
  MysqlTarget t = ParseMysqlUrl("mysql://u@[::1]:3310/db");
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.port, 3310);
  EXPECT_EQ(t.Describe(), "u@[::1]:3310/db");
}

TEST(MysqlUrl, SocketAsHostOrParameter) {
  EXPECT_EQ(ParseMysqlUrl("mysql://u@%2Frun%2Fmysqld%2Fmysqld.sock/db").socket,
            "/run/mysqld/mysqld.sock");
  MysqlTarget t = ParseMysqlUrl("mysql://u:p@/db?socket=/tmp/m.sock");
  EXPECT_EQ(t.socket, "/tmp/m.sock");
  EXPECT_EQ(t.Describe(), "u@unix:/tmp/m.sock/db");
}

TEST(MysqlUrl, TlsParameters) {
  MysqlTarget t = ParseMysqlUrl(
      "mysql://u@h/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ca.pem&ssl_cert=c.pem&sslKey=k.pem"
      "&tls-version=TLSv1.3");
  EXPECT_EQ(t.ssl_mode, MysqlSslMode::kVerifyIdentity);
  EXPECT_EQ(t.ssl_ca, "/etc/ca.pem");
  EXPECT_EQ(t.ssl_cert, "c.pem");
  EXPECT_EQ(t.ssl_key, "k.pem");
  EXPECT_EQ(t.tls_version, "TLSv1.3");
  EXPECT_EQ(ParseMysqlUrl("mysql://h?ssl-mode=required").ssl_mode, MysqlSslMode::kRequired);
  EXPECT_EQ(ParseMysqlUrl("mysql://h?sslMode=verify_ca").ssl_mode, MysqlSslMode::kVerifyCa);
  EXPECT_EQ(ParseMysqlUrl("mysql://h?ssl-mode=DISABLED").ssl_mode, MysqlSslMode::kDisabled);
}

TEST(MysqlUrl, ConnectTimeout) {
  EXPECT_EQ(ParseMysqlUrl("mysql://h?connect-timeout=5").connect_timeout, std::chrono::seconds(5));
  EXPECT_EQ(ParseMysqlUrl("mysql://h?connect_timeout=250ms").connect_timeout,
            std::chrono::milliseconds(250));
}

void ExpectUsageError(const std::string& url, const std::string& fragment) {
  try {
    ParseMysqlUrl(url);
    FAIL() << "no error for " << url;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage) << url;
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
}

TEST(MysqlUrl, Errors) {
  ExpectUsageError("mysql://u:hunter2@h/db?sslmode=bogus", "ssl-mode 'bogus'");
  ExpectUsageError("mysql://u:hunter2@h/db?nonsense=1", "unknown parameter 'nonsense'");
  ExpectUsageError("mysql://u:hunter2@h:99999/db", "bad port");
  ExpectUsageError("mysql://u:hunter2@h:x/db", "bad port");
  ExpectUsageError("mysql://u:hunter2@h/a/b", "one database");
  ExpectUsageError("mysql://u:hunt%zzer2@h/db", "password");
  ExpectUsageError("postgres://u:hunter2@h/db", "not a MySQL URL");
  ExpectUsageError("mysql://u:hunter2@[::1/db", "IPv6");
}

}  // namespace
}  // namespace flyrun
