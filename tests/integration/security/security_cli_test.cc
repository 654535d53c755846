// Secrets through the real binary: malformed URLs, port errors, passwords
// with quotes and backslashes in every output path, exec's environment,
// password_file permissions.

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "support/test_support.h"
#ifdef FLYRUN_TEST_WITH_POSTGRES
#include "integration/postgres/pg_test_util.h"
#endif

namespace flyrun::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::string All(const RunResult& r) { return r.out + "\n" + r.err; }

bool IsJson(const std::string& text) { return nlohmann::json::accept(text); }

/// Every byte but letters, digits and "-._~" as %XX.
std::string PercentEncoded(const std::string& text) {
  std::string out;
  char buf[4];
  for (unsigned char c : text) {
    bool plain = std::isalnum(c) ||
                 std::string_view("-._~").find(static_cast<char>(c)) != std::string_view::npos;
    std::snprintf(buf, sizeof buf, "%%%02X", c);
    out += plain ? std::string(1, static_cast<char>(c)) : std::string(buf);
  }
  return out;
}

std::string JsonEscaped(const std::string& text) {
  std::string quoted = nlohmann::json(text).dump();
  return quoted.substr(1, quoted.size() - 2);
}

/// The password as written, percent-encoded and JSON-escaped.
std::vector<std::string> Spellings(const std::string& password) {
  return {password, PercentEncoded(password), JsonEscaped(password)};
}

::testing::AssertionResult NothingOf(const std::vector<std::string>& forbidden,
                                     const RunResult& r) {
  for (const auto& text : forbidden) {
    if (All(r).find(text) != std::string::npos)
      return ::testing::AssertionFailure() << "'" << text << "' was printed:\n" << All(r);
  }
  return ::testing::AssertionSuccess();
}

/// `url` (scheme://user:password@host:port/rest) with another port text.
std::string WithPortText(const std::string& url, const std::string& port) {
  size_t at = url.rfind('@');
  size_t slash = url.find('/', at);
  std::string hostport = url.substr(at + 1, slash - at - 1);
  std::string host = hostport.substr(0, hostport.rfind(':'));
  return url.substr(0, at + 1) + host + ":" + port + url.substr(slash);
}

std::string PasswordOf(const std::string& url) {
  size_t start = url.find("://") + 3;
  size_t at = url.rfind('@');
  size_t colon = url.find(':', start);
  return url.substr(colon + 1, at - colon - 1);
}

struct MalformedUrl {
  std::string url;
  int exit_code;
  std::vector<std::string> forbidden;  ///< the password and the pieces that leaked before
};

TEST(SecurityCli, MalformedUrlsNeverPrintTheirPassword) {
  TempDir dir;
  dir.Write("sql/V1__t.sql", "CREATE TABLE t (id INT);\n");
  std::vector<MalformedUrl> cases = {
      {"postgresql://app:Ab/cd+ef@db/app", 2, {"Ab/cd", "cd+ef", "app:Ab", "\"Ab\""}},
      {"postgres:/app:S3cret@db/app", 2, {"S3cret", "app:S3"}},
      {"mysql://app:s3cr?t@db/app", 2, {"s3cr", "t@db"}},
      {"mysql://app:ab/cd@db/app", 2, {"ab/cd", "app:ab", "'ab'", "cd@db"}},
      // The user-info ends at the last '@', as the host cannot hold one: the
      // URL is well formed, the host does not answer.
      {"postgresql://app:p@ss@db/app", 4, {"p@ss", "p%40ss", "app:p@", "ss@db"}},
  };
  for (auto& c : cases) {
    // The password (what follows "app:" up to the last '@') in every spelling.
    std::string password = c.url.substr(c.url.find("app:") + 4);
    password = password.substr(0, password.rfind('@'));
    for (const auto& spelling : Spellings(password)) c.forbidden.push_back(spelling);
    for (const char* command : {"info", "validate", "migrate"}) {
      for (const char* output : {"text", "json"}) {
        RunResult r = RunFlyrun({"--url", c.url, "--locations", "sql", "--output", output,
                                 "--connect-timeout", "2s", command},
                                dir.path());
        std::string what = c.url + " " + command + " --output " + output;
        EXPECT_EQ(c.exit_code, r.exit_code) << what << "\n" << All(r);
        EXPECT_TRUE(NothingOf(c.forbidden, r)) << what;
        if (c.exit_code == 2 && c.url.find("://") != std::string::npos) {
          EXPECT_NE(std::string::npos, All(r).find("percent-encode")) << what << "\n" << All(r);
          EXPECT_NE(std::string::npos, All(r).find("://***@db/app")) << what << "\n" << All(r);
        }
        if (std::string(output) == "json") {
          EXPECT_TRUE(IsJson(r.out)) << what << r.out;
        }
      }
    }
    RunResult r = RunFlyrun({"--url", c.url, "--log-format", "json", "--connect-timeout", "2s",
                             "--locations", "sql", "migrate"},
                            dir.path());
    EXPECT_TRUE(NothingOf(c.forbidden, r)) << c.url << " --log-format json";
  }
}

/// Every malformed port of `url`'s server is a configuration error at once,
/// never retried; a port where nothing listens stays a connection error.
void ExpectPortErrors(const std::string& url) {
  TempDir dir;
  dir.Write("sql/V1__t.sql", "CREATE TABLE sec_t (id INT);\n");
  std::string password = PasswordOf(url);
  for (const std::string port : {"0", "70000", "abc", "-1", "", "99999999999"}) {
    std::string bad = WithPortText(url, port);
    for (const char* command : {"info", "migrate"}) {
      auto start = steady_clock::now();
      RunResult r = RunFlyrun({"--url", bad, "--locations", "sql", "--connect-retries", "5",
                               "--connect-retry-interval", "2s", command},
                              dir.path());
      auto took = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
      std::string what = bad + " " + command;
      EXPECT_EQ(2, r.exit_code) << what << "\n" << All(r);
      EXPECT_LT(took.count(), 1500) << what << ": retried?\n" << All(r);
      EXPECT_EQ(std::string::npos, r.err.find("retrying")) << what << "\n" << r.err;
      std::string named = port.empty() ? "port after ':' is empty" : "port '" + port + "'";
      EXPECT_NE(std::string::npos, r.err.find(named)) << what << "\n" << r.err;
      EXPECT_TRUE(NothingOf(Spellings(password), r)) << what;
    }
  }
  int port = 0;
  int fd = BindLoopback(port);  // bound, not listening: connections are refused
  std::string closed = WithPortText(url, std::to_string(port));
  RunResult r = RunFlyrun({"--url", closed, "--locations", "sql", "--connect-retries", "1",
                           "--connect-retry-interval", "100ms", "info"},
                          dir.path());
  close(fd);
  EXPECT_EQ(4, r.exit_code) << All(r);
  EXPECT_NE(std::string::npos, r.err.find("retrying")) << r.err;
  EXPECT_TRUE(NothingOf(Spellings(password), r));
}

TEST(SecurityCli, PostgresPortErrorsAreConfigurationErrors) {
  FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
  ExpectPortErrors(url);
  // libpq also takes the port as a parameter.
  TempDir dir;
  RunResult r =
      RunFlyrun({"--url", url + "?port=5432,abc", "--connect-retries", "5", "info"}, dir.path());
  EXPECT_EQ(2, r.exit_code) << All(r);
  EXPECT_NE(std::string::npos, r.err.find("port 'abc'")) << r.err;
}

TEST(SecurityCli, MysqlPortErrorsAreConfigurationErrors) {
  FLYRUN_SERVER_URL(url, "FLYRUN_TEST_MYSQL_URL");
  ExpectPortErrors(url);
}

TEST(SecurityCli, ExecStartsTheCommandWithoutFlyrunVariables) {
  TempDir dir;
  dir.Write("sql/V1__t.sql", "CREATE TABLE t (id INT);\n");
  const std::string password = "Exec-Secret-31337";
  std::map<std::string, std::string> env = {
      {"FLYRUN_URL", "sqlite:app.db"}, {"FLYRUN_LOCATIONS", "sql"},
      {"FLYRUN_PASSWORD", password},   {"FLYRUN_PLACEHOLDERS_APP_USER", "web"},
      {"FLYRUN_SOMETHING_ELSE", "x"},  {"SEC_APP_SETTING", "kept"},
  };
  // The child shows its environment and its command line.
  const std::string show =
      "tr '\\0' '\\n' < /proc/$$/environ; tr '\\0' ' ' < /proc/$$/cmdline; echo";
  RunResult r = RunFlyrun({"--password", password + "-flag", "exec", "--", "sh", "-c", show},
                          dir.path(), env);
  ASSERT_EQ(0, r.exit_code) << All(r);
  EXPECT_EQ(std::string::npos, r.out.find("FLYRUN_")) << r.out;
  EXPECT_EQ(std::string::npos, r.out.find(password)) << r.out;
  EXPECT_NE(std::string::npos, r.out.find("SEC_APP_SETTING=kept")) << r.out;

  r = RunFlyrun({"exec", "--keep-env", "FLYRUN_PLACEHOLDERS_*", "--keep-env",
                 "FLYRUN_SOMETHING_ELSE", "--", "sh", "-c", show},
                dir.path(), env);
  ASSERT_EQ(0, r.exit_code) << All(r);
  EXPECT_NE(std::string::npos, r.out.find("FLYRUN_PLACEHOLDERS_APP_USER=web")) << r.out;
  EXPECT_NE(std::string::npos, r.out.find("FLYRUN_SOMETHING_ELSE=x")) << r.out;
  EXPECT_EQ(std::string::npos, r.out.find("FLYRUN_PASSWORD")) << r.out;
  EXPECT_EQ(std::string::npos, r.out.find("FLYRUN_URL")) << r.out;

  dir.Write("flyrun.yaml", "exec_keep_env: [FLYRUN_URL]\n");
  r = RunFlyrun({"exec", "--", "sh", "-c", show}, dir.path(), env);
  ASSERT_EQ(0, r.exit_code) << All(r);
  EXPECT_NE(std::string::npos, r.out.find("FLYRUN_URL=sqlite:app.db")) << r.out;
  EXPECT_EQ(std::string::npos, r.out.find("FLYRUN_PASSWORD")) << r.out;
}

TEST(SecurityCli, PasswordFileReadableByOthersIsWarnedAboutAndUsed) {
  TempDir dir;
  auto file = dir.Write("secrets/pw", "File-Secret-4711\n");
  ASSERT_EQ(0, chmod(file.c_str(), 0644));
  std::vector<std::string> args = {"--url",           "sqlite:app.db", "--locations", "sql",
                                   "--password-file", "secrets/pw",    "migrate"};
  dir.Write("sql/V1__t.sql", "CREATE TABLE t (id INT);\n");
  RunResult r = RunFlyrun(args, dir.path());
  EXPECT_EQ(0, r.exit_code) << All(r);
  EXPECT_NE(std::string::npos,
            r.err.find("password_file secrets/pw has group or world access; permissions should "
                       "be u=rw (0600) or less"))
      << r.err;
  EXPECT_EQ(std::string::npos, All(r).find("File-Secret-4711")) << All(r);

  ASSERT_EQ(0, chmod(file.c_str(), 0640));
  r = RunFlyrun(args, dir.path());
  EXPECT_NE(std::string::npos, r.err.find("group or world access")) << r.err;

  ASSERT_EQ(0, chmod(file.c_str(), 0600));
  r = RunFlyrun(args, dir.path());
  EXPECT_EQ(0, r.exit_code) << All(r);
  EXPECT_EQ(std::string::npos, r.err.find("group or world access")) << r.err;
}

#ifdef FLYRUN_TEST_WITH_POSTGRES
/// A role with a password full of quotes, backslashes and slashes, and a
/// database it owns; both dropped at the end.
class OddPasswordRole {
 public:
  explicit OddPasswordRole(const std::string& admin_url)
      : admin_url_(admin_url), name_(UniqueName("sec_")) {
    password_ = "Pa\"ss\\wo/rd'" + name_.substr(name_.size() - 6);
    std::string literal;
    for (char c : password_) literal += c == '\'' ? std::string("''") : std::string(1, c);
    PgQuery(admin_url_, "CREATE ROLE " + name_ + " LOGIN PASSWORD '" + literal + "'");
    PgQuery(admin_url_, "CREATE DATABASE " + name_ + " OWNER " + name_);
  }
  ~OddPasswordRole() {
    try {
      PgQuery(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
      PgQuery(admin_url_, "DROP ROLE IF EXISTS " + name_);
    } catch (...) {
    }
  }
  /// The URL without a password.
  std::string url() const {
    std::string u = WithDatabase(admin_url_, name_);
    size_t start = u.find("://") + 3;
    return u.substr(0, start) + name_ + u.substr(u.rfind('@'));
  }
  const std::string& password() const { return password_; }
  /// The password as an SQL string literal.
  std::string Literal() const {
    std::string out = "'";
    for (char c : password_) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }

 private:
  std::string admin_url_;
  std::string name_;
  std::string password_;
};

TEST(SecurityCli, APasswordWithQuotesAndBackslashesIsScrubbedFromEveryOutput) {
  FLYRUN_SERVER_URL(admin_url, "FLYRUN_TEST_PG_ADMIN_URL");
  OddPasswordRole role(admin_url);
  TempDir dir;
  // The server repeats the password in a notice and in an error; the
  // dry run prints the SQL that holds it.
  dir.Write("sql/V1__t.sql", "CREATE TABLE sec_t (id INT);\n");
  dir.Write("sql/V2__fail.sql", "DO $$ BEGIN RAISE NOTICE 'the password is %', " + role.Literal() +
                                    "; END $$;\nSELECT " + role.Literal() + "::int;\n");
  auto file = dir.Write("pw", role.password() + "\n");
  chmod(file.c_str(), 0600);
  std::vector<std::string> forbidden = Spellings(role.password());
  forbidden.push_back("Pa\"ss");
  forbidden.push_back("ss\\wo");
  forbidden.push_back("ss\\\\wo");

  struct Way {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
  };
  std::vector<Way> ways = {
      {{"--password", role.password()}, {}},
      {{}, {{"FLYRUN_PASSWORD", role.password()}}},
      {{"--password-file", "pw"}, {}},
  };
  std::vector<std::vector<std::string>> runs = {
      {"migrate"},
      {"--output", "json", "migrate"},
      {"--output", "json", "--log-format", "json", "migrate"},
      {"--log-format", "json", "migrate"},
      {"migrate", "--dry-run"},
      {"--output", "json", "migrate", "--dry-run"},
      {"info"},
      {"--output", "json", "info"},
  };
  for (const auto& way : ways) {
    for (const auto& run : runs) {
      std::vector<std::string> args = {"--url", role.url(), "--locations", "sql", "-v"};
      args.insert(args.end(), way.args.begin(), way.args.end());
      args.insert(args.end(), run.begin(), run.end());
      RunResult r = RunFlyrun(args, dir.path(), way.env);
      std::string what;
      for (const auto& a : args) what += a + " ";
      EXPECT_TRUE(NothingOf(forbidden, r)) << what;
      if (run[0] == "--output") {
        EXPECT_TRUE(IsJson(r.out)) << what << "\n" << r.out;
      }
      if (std::find(run.begin(), run.end(), "--log-format") != run.end()) {
        size_t start = 0;
        while (start < r.err.size()) {
          size_t nl = std::min(r.err.find('\n', start), r.err.size());
          std::string line = r.err.substr(start, nl - start);
          EXPECT_TRUE(IsJson(line)) << what << "\n" << line;
          start = nl + 1;
        }
      }
    }
  }
  // The password was right: V1 is applied.
  RunResult r = RunFlyrun({"--url", role.url(), "--password", role.password(), "--locations", "sql",
                           "--output", "json", "info"},
                          dir.path());
  EXPECT_EQ(0, r.exit_code) << All(r);
  EXPECT_NE(std::string::npos, r.out.find("\"state\": \"Success\"")) << r.out;
}

TEST(SecurityCli, AnUnencodedAtInThePasswordEndsAtTheLastAt) {
  FLYRUN_SERVER_URL(admin_url, "FLYRUN_TEST_PG_ADMIN_URL");
  OddPasswordRole role(admin_url);
  std::string name = role.url().substr(role.url().find("://") + 3);
  name = name.substr(0, name.find('@'));
  std::string at_password = "p@ss@" + name;
  PgQuery(admin_url, "ALTER ROLE " + name + " PASSWORD '" + at_password + "'");
  std::string url = role.url();
  url.insert(url.find('@'), ":" + at_password);
  TempDir dir;
  dir.Write("sql/V1__t.sql", "CREATE TABLE sec_t (id INT);\n");
  RunResult r = RunFlyrun({"--url", url, "--locations", "sql", "migrate"}, dir.path());
  EXPECT_EQ(0, r.exit_code) << All(r);
  EXPECT_TRUE(NothingOf(Spellings(at_password), r));
}
#endif

}  // namespace
}  // namespace flyrun::test
