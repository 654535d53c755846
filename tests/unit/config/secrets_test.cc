#include "config/secrets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/error.h"

namespace flyrun {
namespace {

class Secrets : public ::testing::Test {
 protected:
  void SetUp() override { ClearSecrets(); }
  void TearDown() override { ClearSecrets(); }
};

TEST(RedactUrl, HidesPasswordsAndNothingElse) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      // The password of the user-info.
      {"postgresql://user:secret@host:5432/db?sslmode=verify-full",
       "postgresql://user:***@host:5432/db?sslmode=verify-full"},
      {"postgres://u:p@h/db", "postgres://u:***@h/db"},
      {"mysql://root:pw@127.0.0.1:3306/app", "mysql://root:***@127.0.0.1:3306/app"},
      {"mariadb://root:pw@localhost", "mariadb://root:***@localhost"},
      {"postgresql://user:secret@[::1]:5432/db", "postgresql://user:***@[::1]:5432/db"},
      {"postgresql://user:p%40ss@host/db", "postgresql://user:***@host/db"},
      {"postgresql://u:pw@h1:5432,h2:5433/db", "postgresql://u:***@h1:5432,h2:5433/db"},
      // The user-info ends at the last '@' of the authority.
      {"postgresql://user:p@ss@host/db", "postgresql://user:***@host/db"},
      {"postgresql://user:p:ss@host/db", "postgresql://user:***@host/db"},
      // A user-info that cannot be told from the host is hidden whole.
      {"postgresql://app:Ab/cd+ef@db/app", "postgresql://***@db/app"},
      {"mysql://app:s3cr?t@db/app", "mysql://***@db/app"},
      {"mysql://app:ab/cd@db/app", "mysql://***@db/app"},
      {"postgresql://user:pa#ss@host/db", "postgresql://***@host/db"},
      {"mysql://user:a/b?c#d@host", "mysql://***@host"},
      {"postgres:/app:S3cret@db/app", "postgres:/app:***@db/app"},
      // Password parameters, in URLs and key=value connection strings.
      {"postgresql://host/db?user=u&password=secret&sslmode=require",
       "postgresql://host/db?user=u&password=***&sslmode=require"},
      {"postgresql://host/db?password=secret", "postgresql://host/db?password=***"},
      {"postgresql://host/db?PASSWORD=secret#frag", "postgresql://host/db?PASSWORD=***#frag"},
      {"postgresql://host/db?sslpassword=k&pwd=x", "postgresql://host/db?sslpassword=***&pwd=***"},
      {"mysql://u:p@h/db?password=q", "mysql://u:***@h/db?password=***"},
      {"host=db user=app password=secret dbname=app", "host=db user=app password=*** dbname=app"},
      {"host=db password='sec ret' dbname=app", "host=db password=*** dbname=app"},
      {"host=db password = 'it\\'s' port=5432", "host=db password = *** port=5432"},
      {"password='unterminated", "password=***"},
      {"password='trailing\\", "password=***"},
  };
  for (const auto& [url, shown] : cases) EXPECT_EQ(RedactUrl(url), shown) << url;
  for (const char* url :
       {"postgresql://user@host/db", "postgresql://host:5432/db", "postgresql://host/db?user=a@b",
        "sqlite:relative/path.db", "sqlite:///absolute/pa@th.db", "sqlite::memory:", "mysql://h/db",
        "postgresql://user:@host/db", "postgresql://host/db?password=", "", "not a url"}) {
    EXPECT_EQ(RedactUrl(url), url);
  }
}

TEST_F(Secrets, EverySpellingOfARegisteredPasswordIsScrubbed) {
  AddSecret("p@ss\"w\\ord'x");
  EXPECT_EQ(Scrub("raw p@ss\"w\\ord'x"), "raw ***");
  EXPECT_EQ(Scrub("url p%40ss%22w%5Cord%27x"), "url ***");
  EXPECT_EQ(Scrub("lower p%40ss%22w%5cord%27x"), "lower ***");
  EXPECT_EQ(Scrub(R"(json "p@ss\"w\\ord'x")"), R"(json "***")");
  EXPECT_EQ(Scrub(R"(sql 'p@ss"w\ord''x')"), "sql '***'");
  EXPECT_EQ(Scrub(R"(mysql 'p@ss"w\\ord\'x')"), "mysql '***'");
  EXPECT_EQ(Scrub("twice p@ss\"w\\ord'x p@ss\"w\\ord'x"), "twice *** ***");
  EXPECT_EQ(Scrub("nothing here"), "nothing here");
}

TEST_F(Secrets, VeryShortPasswordsAreNotSearchedFor) {
  AddSecret("ab");
  AddSecret("");
  EXPECT_EQ(Scrub("table ab"), "table ab");
}

TEST_F(Secrets, UrlPasswordsAreRegisteredAsWrittenAndDecoded) {
  AddUrlSecrets("postgresql://u:p%2Fss%3Fw@h/db?sslpassword=k3y-pass");
  EXPECT_EQ(Scrub("a p%2Fss%3Fw b p/ss?w c k3y-pass"), "a *** b *** c ***");
  ClearSecrets();
  AddUrlSecrets("postgresql://app:Ab/cd+ef@db/app");
  EXPECT_EQ(Scrub("port Ab/cd+ef"), "port ***");
  ClearSecrets();
  AddUrlSecrets("postgresql://app:p@ss@db/app");
  EXPECT_EQ(Scrub("x p@ss y"), "x *** y");
}

std::string Filtered(const std::vector<std::string>& writes, bool json) {
  std::ostringstream sink;
  {
    SecretFilter filter(sink.rdbuf(), json);
    std::ostream out(&filter);
    for (const auto& w : writes) out << w << std::flush;
  }
  return sink.str();
}

TEST_F(Secrets, TheFilterFindsASecretSplitAcrossWrites) {
  AddSecret("s3cret-value");
  EXPECT_EQ(Filtered({"before s3c", "ret-val", "ue after\n"}, false), "before *** after\n");
  EXPECT_EQ(Filtered({"ends with s3cret-"}, false), "ends with s3cret-");
  EXPECT_EQ(Filtered({"no secret at all\n"}, false), "no secret at all\n");
}

TEST_F(Secrets, TheFilterPassesTextOnAsSoonAsNoSecretCanBeCompleting) {
  AddSecret("s3cret-value");
  std::ostringstream sink;
  SecretFilter filter(sink.rdbuf(), false);
  std::ostream out(&filter);
  out << "progress " << std::flush;
  EXPECT_EQ(sink.str(), "progress ");
  out << "s3c" << std::flush;
  EXPECT_EQ(sink.str(), "progress ");
  out << "ret-value!" << std::flush;
  EXPECT_EQ(sink.str(), "progress ***!");
}

// Without a password nothing is held back; a password registered while the
// filter is in place (config is read after it is installed) is scrubbed from
// then on, also from a JSON string that began before it.
TEST_F(Secrets, TheFilterStartsScrubbingWhenTheFirstSecretIsRegistered) {
  for (bool json : {false, true}) {
    ClearSecrets();
    std::ostringstream sink;
    SecretFilter filter(sink.rdbuf(), json);
    std::ostream out(&filter);
    out << R"({"sql": "SELECT 's3c)" << std::flush;
    EXPECT_EQ(sink.str(), R"({"sql": "SELECT 's3c)") << json;
    AddSecret("s3cret-value");
    out << R"(ret-value'", "x": "s3cret-value"})" << std::flush;
    filter.Finish();
    EXPECT_EQ(sink.str(), R"({"sql": "SELECT 's3cret-value'", "x": "***"})") << json;
  }
}

TEST_F(Secrets, JsonStringsAreScrubbedDecodedAndStayValid) {
  AddSecret("Pa\"ss\\word");
  EXPECT_EQ(Filtered({R"({"a":"x\\","b":"say Pa\"ss\\word now"})", "\n"}, true),
            R"({"a":"x\\","b":"say *** now"})"
            "\n");
  // Split inside the string and inside an escape.
  EXPECT_EQ(Filtered({R"({"b":"Pa\)", R"("ss\)", R"(\word"})"}, true), R"({"b":"***"})");
  // Plain text in JSON mode is scrubbed as text.
  EXPECT_EQ(Filtered({"error: Pa\"ss\\word\n"}, true), "error: ***\n");
}

Config Load(const std::string& url) {
  ConfigInputs in;
  in.flags["url"] = url;
  // A directory without a flyrun.yaml.
  auto empty = std::filesystem::temp_directory_path() / "flyrun_secrets_test_empty";
  std::filesystem::create_directories(empty);
  return LoadConfig(in, {}, empty);
}

std::string UrlError(const std::string& url) {
  try {
    Load(url);
  } catch (const Error& e) {
    EXPECT_EQ(ExitCode::kUsage, e.code()) << url;
    return std::string(e.what()) + "\n" + e.hint();
  }
  ADD_FAILURE() << url << " was accepted";
  return {};
}

TEST_F(Secrets, MalformedUrlsAreConfigurationErrorsThatHideTheUserInfo) {
  std::string e = UrlError("postgresql://app:Ab/cd+ef@db/app");
  EXPECT_NE(e.find("postgresql://***@db/app"), std::string::npos) << e;
  EXPECT_NE(e.find("%2F"), std::string::npos) << e;
  EXPECT_EQ(e.find("cd+ef"), std::string::npos) << e;
  e = UrlError("mysql://app:s3cr?t@db/app");
  EXPECT_EQ(e.find("s3cr"), std::string::npos) << e;
  e = UrlError("postgres:/app:S3cret@db/app");
  EXPECT_EQ(e.find("S3cret"), std::string::npos) << e;
  EXPECT_NE(e.find("postgres://"), std::string::npos) << e;
  e = UrlError("host=db password=s3:cret");
  EXPECT_EQ(e.find("s3"), std::string::npos) << e;
  // Registered even though it was refused.
  EXPECT_EQ(Scrub("x Ab/cd+ef"), "x ***");
}

TEST_F(Secrets, PortsAreNumbersFrom1To65535) {
  for (const char* port : {"0", "70000", "abc", "-1", "123456"}) {
    std::string e = UrlError(std::string("postgresql://u:pw@h:") + port + "/db");
    EXPECT_NE(e.find(std::string("port '") + port + "'"), std::string::npos) << e;
    e = UrlError(std::string("mysql://u:pw@h:") + port + "/db");
    EXPECT_NE(e.find(std::string("port '") + port + "'"), std::string::npos) << e;
  }
  EXPECT_NE(UrlError("postgresql://u:pw@h:/db").find("empty"), std::string::npos);
  EXPECT_NE(UrlError("postgresql://h1:5432,h2:x/db").find("port 'x'"), std::string::npos);
  EXPECT_NE(UrlError("postgresql://[::1]:0/db").find("port '0'"), std::string::npos);
  EXPECT_NE(UrlError("postgresql://h/db?port=99999").find("port '99999'"), std::string::npos);
  for (const char* good :
       {"postgresql://u:pw@h:1/db", "postgresql://u:pw@h:65535/db", "postgresql://h1:5432,h2/db",
        "postgresql://[::1]:5432/db", "postgresql://[::1]/db", "mysql://u@h/db",
        "postgresql://u:p@ss@h:5432/db", "postgresql:///db?host=/tmp", "sqlite:x.db",
        "postgresql://h/db?user=a@b"}) {
    EXPECT_NO_THROW(Load(good)) << good;
  }
}

}  // namespace
}  // namespace flyrun
