#include "config/redact.h"

#include <gtest/gtest.h>

namespace flyrun {
namespace {

TEST(RedactUrl, PasswordInUserInfo) {
  EXPECT_EQ(RedactUrl("postgresql://user:secret@host:5432/db?sslmode=verify-full"),
            "postgresql://user:***@host:5432/db?sslmode=verify-full");
  EXPECT_EQ(RedactUrl("postgres://u:p@h/db"), "postgres://u:***@h/db");
  EXPECT_EQ(RedactUrl("mysql://root:pw@127.0.0.1:3306/app"), "mysql://root:***@127.0.0.1:3306/app");
  EXPECT_EQ(RedactUrl("mariadb://root:pw@localhost"), "mariadb://root:***@localhost");
  EXPECT_EQ(RedactUrl("postgresql://user:secret@[::1]:5432/db"),
            "postgresql://user:***@[::1]:5432/db");
  EXPECT_EQ(RedactUrl("postgresql://user:p%40ss@host/db"), "postgresql://user:***@host/db");
}

TEST(RedactUrl, UnencodedSpecialCharactersInThePassword) {
  EXPECT_EQ(RedactUrl("postgresql://user:p@ss@host/db"), "postgresql://user:***@host/db");
  EXPECT_EQ(RedactUrl("postgresql://user:p:ss@host/db"), "postgresql://user:***@host/db");
  for (const char* url : {"postgresql://user:pa/ss@host/db", "postgresql://user:pa?ss@host/db",
                          "postgresql://user:pa#ss@host/db", "mysql://user:a/b?c#d@host"}) {
    std::string redacted = RedactUrl(url);
    EXPECT_EQ(redacted.find("ss@"), std::string::npos) << redacted;
    EXPECT_NE(redacted.find("user:***@"), std::string::npos) << redacted;
  }
}

TEST(RedactUrl, NothingToHide) {
  for (const char* url :
       {"postgresql://user@host/db", "postgresql://host:5432/db", "postgresql://host/db?user=a@b",
        "sqlite:relative/path.db", "sqlite:///absolute/path.db", "sqlite::memory:", "mysql://h/db",
        "postgresql://user:@host/db", "", "not a url"}) {
    EXPECT_EQ(RedactUrl(url), url);
  }
}

TEST(RedactUrl, PasswordParameters) {
  EXPECT_EQ(RedactUrl("postgresql://host/db?user=u&password=secret&sslmode=require"),
            "postgresql://host/db?user=u&password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("postgresql://host/db?password=secret"), "postgresql://host/db?password=***");
  EXPECT_EQ(RedactUrl("postgresql://host/db?PASSWORD=secret#frag"),
            "postgresql://host/db?PASSWORD=***#frag");
  EXPECT_EQ(RedactUrl("postgresql://host/db?sslpassword=k&pwd=x"),
            "postgresql://host/db?sslpassword=***&pwd=***");
  EXPECT_EQ(RedactUrl("mysql://u:p@h/db?password=q"), "mysql://u:***@h/db?password=***");
  EXPECT_EQ(RedactUrl("postgresql://host/db?password="), "postgresql://host/db?password=");
}

TEST(RedactUrl, KeyValueConnectionStrings) {
  EXPECT_EQ(RedactUrl("host=db user=app password=secret dbname=app"),
            "host=db user=app password=*** dbname=app");
  EXPECT_EQ(RedactUrl("host=db password='sec ret' dbname=app"), "host=db password=*** dbname=app");
  EXPECT_EQ(RedactUrl("host=db password = 'it\\'s' port=5432"), "host=db password = *** port=5432");
  EXPECT_EQ(RedactUrl("password='unterminated"), "password=***");
  EXPECT_EQ(RedactUrl("password='trailing\\"), "password=***");
}

TEST(RedactSecret, ReplacesEveryOccurrence) {
  EXPECT_EQ(RedactSecret("FATAL: password s3cret for s3cret", "s3cret"),
            "FATAL: password *** for ***");
  EXPECT_EQ(RedactSecret("nothing here", "s3cret"), "nothing here");
  EXPECT_EQ(RedactSecret("keep all", ""), "keep all");
  EXPECT_EQ(RedactSecret("aaaa", "aa"), "******");
  EXPECT_EQ(RedactSecret("", "x"), "");
}

TEST(RedactSecret, AlsoThePercentEncodedForm) {
  EXPECT_EQ(RedactSecret("postgresql://u:p%40ss%2Fw@h/db and p@ss/w", "p@ss/w"),
            "postgresql://u:***@h/db and ***");
}

}  // namespace
}  // namespace flyrun
