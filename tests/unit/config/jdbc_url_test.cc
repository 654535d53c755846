#include "config/jdbc_url.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/secrets.h"
#include "core/error.h"
#include "support/test_support.h"

namespace flyrun {
namespace {

using Cases = std::vector<std::pair<std::string, std::string>>;

class JdbcUrl : public ::testing::Test {
 protected:
  void SetUp() override { ClearSecrets(); }
  void TearDown() override { ClearSecrets(); }

  static void ExpectTranslations(const Cases& cases) {
    for (const auto& [jdbc, expected] : cases) {
      EXPECT_EQ(TranslateJdbcUrl(jdbc).url, expected) << jdbc;
    }
  }
  // Translating `jdbc` fails with Error(kUsage); returns its message and hint.
  static std::string ErrorOf(const std::string& jdbc) {
    try {
      TranslateJdbcUrl(jdbc);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kUsage) << jdbc;
      return std::string(e.what()) + "\nhint: " + e.hint();
    }
    ADD_FAILURE() << "expected an error for " << jdbc;
    return {};
  }
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(JdbcUrl, TellsJdbcUrlsFromOthers) {
  EXPECT_TRUE(IsJdbcUrl("jdbc:postgresql://h/db"));
  EXPECT_TRUE(IsJdbcUrl("JDBC:sqlite:x.db"));
  EXPECT_FALSE(IsJdbcUrl("postgresql://h/db"));
  EXPECT_FALSE(IsJdbcUrl("jdbc"));
  EXPECT_EQ(FlyrunUrl("postgresql://u:p@h/db"), "postgresql://u:p@h/db");
  EXPECT_EQ(FlyrunUrl("jdbc:sqlite:a.db"), "sqlite:a.db");
}

TEST_F(JdbcUrl, PostgresHostsDatabaseAndCredentials) {
  ExpectTranslations({
      {"jdbc:postgresql://db:5432/app", "postgresql://db:5432/app"},
      {"jdbc:postgresql://h1:5432,h2:5433/app", "postgresql://h1:5432,h2:5433/app"},
      {"jdbc:postgresql://[::1]:5432/app", "postgresql://[::1]:5432/app"},
      {"jdbc:postgresql://db/app?user=u&password=p", "postgresql://db/app?user=u&password=p"},
      // Values are decoded as pgjdbc decodes them, then encoded for libpq.
      {"jdbc:postgresql://db/app?password=a%26b+c", "postgresql://db/app?password=a%26b%20c"},
      // No host: pgjdbc's localhost.
      {"jdbc:postgresql:app", "postgresql://localhost/app"},
      {"jdbc:postgresql:///app", "postgresql://localhost/app"},
      {"jdbc:postgresql://db/", "postgresql://db/"},
      {"JDBC:PostgreSQL://db/app", "postgresql://db/app"},
  });
}

TEST_F(JdbcUrl, PostgresParametersMapToLibpqOnes) {
  ExpectTranslations({
      {"jdbc:postgresql://db/app?sslmode=require", "postgresql://db/app?sslmode=require"},
      {"jdbc:postgresql://db/app?sslmode=Verify-Full", "postgresql://db/app?sslmode=verify-full"},
      {"jdbc:postgresql://db/app?ssl=true", "postgresql://db/app?sslmode=require"},
      {"jdbc:postgresql://db/app?ssl", "postgresql://db/app?sslmode=require"},
      {"jdbc:postgresql://db/app?ssl=false", "postgresql://db/app?sslmode=disable"},
      // sslmode says more than ssl.
      {"jdbc:postgresql://db/app?ssl=true&sslmode=verify-ca",
       "postgresql://db/app?sslmode=verify-ca"},
      {"jdbc:postgresql://db/app?sslrootcert=/ca.pem&sslcert=c.pem&sslkey=k.pem",
       "postgresql://db/app?sslrootcert=%2Fca.pem&sslcert=c.pem&sslkey=k.pem"},
      {"jdbc:postgresql://db/app?currentSchema=sales",
       "postgresql://db/app?options=-c%20search_path%3Dsales"},
      {"jdbc:postgresql://db/app?currentSchema=a,b",
       "postgresql://db/app?options=-c%20search_path%3Da%2Cb"},
      {"jdbc:postgresql://db/app?currentSchema=my+schema",
       "postgresql://db/app?options=-c%20search_path%3Dmy%5C%20schema"},
      {"jdbc:postgresql://db/app?options=-c%20statement_timeout%3D5s&currentSchema=s",
       "postgresql://db/app?options=-c%20statement_timeout%3D5s%20-c%20search_path%3Ds"},
      {"jdbc:postgresql://db/app?ApplicationName=billing",
       "postgresql://db/app?application_name=billing"},
      {"jdbc:postgresql://db/app?connectTimeout=5", "postgresql://db/app?connect_timeout=5"},
      {"jdbc:postgresql://db/app?loginTimeout=7", "postgresql://db/app?connect_timeout=7"},
      {"jdbc:postgresql://db/app?connectTimeout=5&loginTimeout=7",
       "postgresql://db/app?connect_timeout=5"},
      {"jdbc:postgresql://db/app?loginTimeout=7&connectTimeout=5",
       "postgresql://db/app?connect_timeout=5"},
      {"jdbc:postgresql://db/app?targetServerType=primary",
       "postgresql://db/app?target_session_attrs=read-write"},
      {"jdbc:postgresql://db/app?targetServerType=master",
       "postgresql://db/app?target_session_attrs=read-write"},
      {"jdbc:postgresql://db/app?targetServerType=any",
       "postgresql://db/app?target_session_attrs=any"},
      {"jdbc:postgresql://db/app?targetServerType=secondary",
       "postgresql://db/app?target_session_attrs=standby"},
      {"jdbc:postgresql://db/app?targetServerType=preferSecondary",
       "postgresql://db/app?target_session_attrs=prefer-standby"},
      {"jdbc:postgresql://db/app?tcpKeepAlive=true", "postgresql://db/app?keepalives=1"},
      {"jdbc:postgresql://db/app?gssEncMode=disable", "postgresql://db/app?gssencmode=disable"},
  });
}

TEST_F(JdbcUrl, UnknownParametersAreListedNotRejected) {
  JdbcTranslation t = TranslateJdbcUrl(
      "jdbc:postgresql://db/app?prepareThreshold=0&user=u&reWriteBatchedInserts=true");
  EXPECT_EQ(t.url, "postgresql://db/app?user=u");
  EXPECT_EQ(t.ignored, (std::vector<std::string>{"prepareThreshold", "reWriteBatchedInserts"}));
  t = TranslateJdbcUrl("jdbc:mysql://db/app?serverTimezone=UTC&allowPublicKeyRetrieval=true");
  EXPECT_EQ(t.url, "mysql://db/app");
  EXPECT_EQ(t.ignored, (std::vector<std::string>{"serverTimezone", "allowPublicKeyRetrieval"}));
  t = TranslateJdbcUrl("jdbc:sqlite:a.db?journal_mode=WAL");
  EXPECT_EQ(t.url, "sqlite:a.db");
  EXPECT_EQ(t.ignored, (std::vector<std::string>{"journal_mode"}));
  EXPECT_TRUE(TranslateJdbcUrl("jdbc:postgresql://db/app?sslmode=require").ignored.empty());
}

TEST_F(JdbcUrl, MysqlAndMariadb) {
  ExpectTranslations({
      {"jdbc:mysql://db:3306/app", "mysql://db:3306/app"},
      {"jdbc:mariadb://db/app", "mariadb://db/app"},
      {"jdbc:mysql://db/app/", "mysql://db/app"},
      {"jdbc:mysql://db", "mysql://db/"},
      {"jdbc:mysql://db/app?user=u&password=p", "mysql://u:p@db/app"},
      {"jdbc:mysql://db/app?user=u", "mysql://u@db/app"},
      // Credentials are encoded for the user-info.
      {"jdbc:mysql://db/app?user=u&password=p%40ss%2Fw+rd", "mysql://u:p%40ss%2Fw%2Brd@db/app"},
      {"jdbc:mysql://u:p@db/app", "mysql://u:p@db/app"},
      {"jdbc:mysql://u:p@db/app?password=q", "mysql://u:q@db/app"},
      {"jdbc:mysql://db/app?connectTimeout=5000", "mysql://db/app?connect-timeout=5000ms"},
      {"jdbc:mariadb://db/app?localSocket=/run/mysqld.sock",
       "mariadb://db/app?socket=%2Frun%2Fmysqld.sock"},
      {"jdbc:mysql://db/app?useUnicode=true&characterEncoding=UTF-8", "mysql://db/app"},
  });
}

TEST_F(JdbcUrl, MysqlTlsParameters) {
  ExpectTranslations({
      {"jdbc:mysql://db/app?useSSL=false", "mysql://db/app?ssl-mode=DISABLED"},
      {"jdbc:mysql://db/app?useSSL=true", "mysql://db/app?ssl-mode=REQUIRED"},
      {"jdbc:mysql://db/app?useSSL=true&verifyServerCertificate=true",
       "mysql://db/app?ssl-mode=VERIFY_CA"},
      {"jdbc:mysql://db/app?requireSSL=true", "mysql://db/app?ssl-mode=REQUIRED"},
      {"jdbc:mysql://db/app?sslMode=VERIFY_IDENTITY", "mysql://db/app?ssl-mode=VERIFY_IDENTITY"},
      {"jdbc:mysql://db/app?sslMode=PREFERRED&useSSL=true", "mysql://db/app?ssl-mode=PREFERRED"},
      {"jdbc:mysql://db/app?sslMode=disabled", "mysql://db/app?ssl-mode=DISABLED"},
      // MariaDB Connector/J's names.
      {"jdbc:mariadb://db/app?sslMode=disable", "mariadb://db/app?ssl-mode=DISABLED"},
      {"jdbc:mariadb://db/app?sslMode=trust", "mariadb://db/app?ssl-mode=REQUIRED"},
      {"jdbc:mariadb://db/app?sslMode=verify-ca", "mariadb://db/app?ssl-mode=VERIFY_CA"},
      {"jdbc:mariadb://db/app?sslMode=verify-full", "mariadb://db/app?ssl-mode=VERIFY_IDENTITY"},
      {"jdbc:mariadb://db/app?useSsl=true", "mariadb://db/app?ssl-mode=VERIFY_IDENTITY"},
      {"jdbc:mariadb://db/app?useSsl=true&trustServerCertificate=true",
       "mariadb://db/app?ssl-mode=REQUIRED"},
      {"jdbc:mariadb://db/app?serverSslCert=/etc/ca.pem",
       "mariadb://db/app?ssl-ca=%2Fetc%2Fca.pem"},
      {"jdbc:mariadb://db/app?serverSslCert=file:///etc/ca.pem",
       "mariadb://db/app?ssl-ca=%2Fetc%2Fca.pem"},
  });
  EXPECT_EQ(TranslateJdbcUrl("jdbc:mariadb://db/app?serverSslCert=classpath:ca.pem").ignored,
            std::vector<std::string>{"serverSslCert"});
}

TEST_F(JdbcUrl, Sqlite) {
  ExpectTranslations({
      {"jdbc:sqlite:app.db", "sqlite:app.db"},
      {"jdbc:sqlite:data/app.db", "sqlite:data/app.db"},
      {"jdbc:sqlite:/var/lib/app.db", "sqlite:///var/lib/app.db"},
      {"jdbc:sqlite::memory:", "sqlite::memory:"},
      {"jdbc:sqlite:", "sqlite::memory:"},
      {"jdbc:sqlite:file:app.db", "sqlite:app.db"},
      {"jdbc:sqlite:file:/var/lib/app.db", "sqlite:///var/lib/app.db"},
      {"jdbc:sqlite:file:///var/lib/app.db", "sqlite:///var/lib/app.db"},
      {"jdbc:sqlite:file:my%20app.db?cache=shared", "sqlite:my app.db"},
      {"jdbc:sqlite:file::memory:?cache=shared", "sqlite::memory:"},
  });
}

TEST_F(JdbcUrl, ErrorsNameTheProblemAndNeverThePassword) {
  std::string e = ErrorOf("jdbc:oracle:thin:@db:1521:orcl?password=s3cret");
  EXPECT_TRUE(Contains(e, "'oracle' has no flyrun driver")) << e;
  EXPECT_FALSE(Contains(e, "s3cret")) << e;
  e = ErrorOf("jdbc:postgresql://db/app?password=s3cret&targetServerType=preferPrimary");
  EXPECT_TRUE(Contains(e, "targetServerType 'preferPrimary'")) << e;
  EXPECT_TRUE(Contains(e, "password=***")) << e;
  EXPECT_FALSE(Contains(e, "s3cret")) << e;
  e = ErrorOf("jdbc:postgresql://db/app?password=s3cret&sslmode=sometimes");
  EXPECT_TRUE(Contains(e, "sslmode 'sometimes'")) << e;
  e = ErrorOf("jdbc:postgresql://db/app?connectTimeout=soon");
  EXPECT_TRUE(Contains(e, "connectTimeout 'soon'")) << e;
  e = ErrorOf("jdbc:mysql://u:s3cret@h1,h2/app");
  EXPECT_TRUE(Contains(e, "several hosts")) << e;
  EXPECT_FALSE(Contains(e, "s3cret")) << e;
  e = ErrorOf("jdbc:mysql:db/app");
  EXPECT_TRUE(Contains(e, "needs '//'")) << e;
  e = ErrorOf("jdbc:mariadb://db/app?sslMode=sometimes");
  EXPECT_TRUE(Contains(e, "sslMode 'sometimes'")) << e;
  e = ErrorOf("jdbc:postgresql://db/app?password=s3c%zzret");
  EXPECT_TRUE(Contains(e, "percent-encoding in parameter 'password'")) << e;
  EXPECT_FALSE(Contains(e, "s3c%zzret")) << e;
  e = ErrorOf("jdbc:nothing");
  EXPECT_TRUE(Contains(e, "no subprotocol")) << e;
  e = ErrorOf("jdbc:sqlite::resource:db.sqlite");
  EXPECT_TRUE(Contains(e, "':resource:db.sqlite' is not a SQLite database file")) << e;
}

TEST_F(JdbcUrl, PasswordsAreSecretsInEverySpelling) {
  TranslateJdbcUrl("jdbc:postgresql://db/app?user=u&password=pa+ss%21w");
  EXPECT_EQ(Scrub("pa+ss%21w pa ss!w"), "*** ***");
  ClearSecrets();
  TranslateJdbcUrl("jdbc:mysql://u:myp%40ss@db/app");
  EXPECT_EQ(Scrub("myp%40ss myp@ss"), "*** ***");
  ClearSecrets();
  TranslateJdbcUrl("jdbc:mariadb://db/app?password=hunter2+x");
  EXPECT_EQ(Scrub("hunter2+x hunter2%2Bx"), "*** ***");
  // Registered before the URL is found malformed.
  ClearSecrets();
  EXPECT_THROW(TranslateJdbcUrl("jdbc:postgresql://db/app?password=topsecret&sslmode=x"), Error);
  EXPECT_EQ(Scrub("topsecret"), "***");
  EXPECT_EQ(RedactJdbcUrl("jdbc:mysql://u:pw@db/app?x=1"), "jdbc:mysql://u:***@db/app?x=1");
  EXPECT_EQ(RedactJdbcUrl("jdbc:postgresql://db/app?user=u&password=pw"),
            "jdbc:postgresql://db/app?user=u&password=***");
}

// The url key, from any source, reaches every command translated.
TEST_F(JdbcUrl, TheUrlKeyIsTranslatedWhereverItComesFrom) {
  test::TempDir dir;
  ConfigInputs inputs;
  inputs.flags["url"] = "jdbc:postgresql://db/app?user=u&password=secret1&currentSchema=s";
  Config config = LoadConfig(inputs, {}, dir.path());
  EXPECT_EQ(config.url, "postgresql://db/app?user=u&password=secret1&options=-c%20search_path%3Ds");
  EXPECT_EQ(Scrub("secret1"), "***");

  Config from_env = LoadConfig({}, {{"FLYRUN_URL", "jdbc:sqlite:x.db"}}, dir.path());
  EXPECT_EQ(from_env.url, "sqlite:x.db");

  dir.Write("flyrun.yaml", "url: jdbc:mysql://db:3306/app?user=u&password=secret2\n");
  Config from_file = LoadConfig({}, {}, dir.path());
  EXPECT_EQ(from_file.url, "mysql://u:secret2@db:3306/app");
  EXPECT_EQ(Scrub("secret2"), "***");

  // Errors name the source and file line, and hide the password.
  dir.Write("flyrun.yaml", "\nurl: jdbc:postgresql://db/app?password=secret3&sslmode=x\n");
  try {
    LoadConfig({}, {}, dir.path());
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_TRUE(Contains(e.what(), "flyrun.yaml")) << e.what();
    EXPECT_EQ(e.line, 2);
    EXPECT_FALSE(Contains(e.what(), "secret3")) << e.what();
  }
  // A translated URL is checked like any other: ports from 1 to 65535.
  std::filesystem::remove(dir.path() / "flyrun.yaml");
  inputs.flags["url"] = "jdbc:postgresql://db:70000/app?password=secret4";
  try {
    LoadConfig(inputs, {}, dir.path());
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(Contains(e.what(), "port '70000'")) << e.what();
    EXPECT_FALSE(Contains(e.what(), "secret4")) << e.what();
  }
}

}  // namespace
}  // namespace flyrun
