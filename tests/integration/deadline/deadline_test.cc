// `wait --timeout` and `exec --timeout` against a server that never answers
// (a loopback listener that accepts nothing): they give up at their deadline,
// not after retries x connect_timeout. And connect_retries with connect_timeout
// stays within what they add up to. PostgreSQL and MariaDB.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "support/test_support.h"

namespace flyrun::test {
namespace {

using std::chrono::steady_clock;

/// `url` (scheme://user:password@host:port/database...) with another port.
std::string WithPort(const std::string& url, int port) {
  auto at = url.rfind('@');
  auto slash = url.find('/', at);
  auto colon = url.rfind(':', slash);
  if (colon == std::string::npos || colon < at) colon = slash;
  return url.substr(0, colon) + ":" + std::to_string(port) + url.substr(slash);
}

struct Timed {
  RunResult result;
  double seconds = 0;
};

Timed TimedRun(const std::vector<std::string>& args, const TempDir& dir) {
  auto start = steady_clock::now();
  Timed t;
  t.result = RunFlyrun(args, dir.path());
  t.seconds = std::chrono::duration<double>(steady_clock::now() - start).count();
  return t;
}

class Deadline : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, GetParam());
    silent_url_ = WithPort(url, silent_.port());
    dir_.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  }

  /// Exit 4, not before `at_least`, and not later than `at_most` seconds.
  void ExpectGivesUp(const std::vector<std::string>& command, double at_least, double at_most) {
    std::vector<std::string> args{"--url", silent_url_, "--locations", "sql"};
    args.insert(args.end(), command.begin(), command.end());
    Timed t = TimedRun(args, dir_);
    std::string shown;
    for (const auto& a : command) shown += a + " ";
    std::cout << GetParam() << ": " << shown << "gave up after " << t.seconds << " s\n";
    EXPECT_EQ(t.result.exit_code, 4) << t.result.err;
    EXPECT_GE(t.seconds, at_least) << shown << t.result.err;
    EXPECT_LE(t.seconds, at_most) << shown << t.result.err;
    EXPECT_EQ(t.result.out, "") << "exec must not start the command";
  }

  SilentListener silent_;
  std::string silent_url_;
  TempDir dir_;
};

TEST_P(Deadline, WaitGivesUpAtItsTimeout) { ExpectGivesUp({"wait", "--timeout", "5s"}, 4.5, 6.5); }

TEST_P(Deadline, ExecGivesUpAtItsTimeout) {
  ExpectGivesUp({"exec", "--timeout", "5s", "--", "echo", "started"}, 4.5, 6.5);
}

TEST_P(Deadline, RetriesTakeNoLongerThanTheirAttemptsAndIntervals) {
  // 3 attempts of 2 s and 2 intervals of 0.5 s: 7 s.
  ExpectGivesUp({"migrate", "--connect-retries", "2", "--connect-timeout", "2s",
                 "--connect-retry-interval", "500ms"},
                6.5, 8.5);
}

INSTANTIATE_TEST_SUITE_P(Servers, Deadline,
                         ::testing::Values("FLYRUN_TEST_PG_URL", "FLYRUN_TEST_MYSQL_URL"),
                         [](const auto& p) {
                           return std::string(p.param).find("_PG_") != std::string::npos
                                      ? "Postgres"
                                      : "Mariadb";
                         });

}  // namespace
}  // namespace flyrun::test
