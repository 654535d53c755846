// PostgreSQL primary + streaming standby (scripts/lib/pg_standby.sh): a
// multi-host URL reaches the primary, a standby-only URL makes changing
// commands fail at once naming read-only (reading ones work), and `exec`
// retries until a standby it waits on is promoted, then migrates on it.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

/// "host:port" of a postgresql://user:pw@host:port/db URL.
std::string HostPort(const std::string& url) {
  size_t at = url.rfind('@');
  size_t slash = url.find('/', at);
  return url.substr(at + 1, slash - at - 1);
}

/// `url` with its host:port replaced by `hosts`.
std::string WithHosts(const std::string& url, const std::string& hosts) {
  size_t at = url.rfind('@');
  size_t slash = url.find('/', at);
  return url.substr(0, at + 1) + hosts + url.substr(slash);
}

std::string Password(const std::string& url) {
  size_t scheme = url.find("://") + 3;
  size_t colon = url.find(':', scheme);
  return url.substr(colon + 1, url.rfind('@') - colon - 1);
}

void ExpectNoPassword(const RunResult& r, const std::string& url) {
  std::string pw = Password(url);
  EXPECT_EQ(std::string::npos, r.out.find(pw)) << r.out;
  EXPECT_EQ(std::string::npos, r.err.find(pw)) << r.err;
}

class PgFailover : public ::testing::Test {
 protected:
  void SetUp() override {
    standby_ = EnvOr("FLYRUN_TEST_PG_STANDBY_URL");
    standby_admin_ = EnvOr("FLYRUN_TEST_PG_STANDBY_ADMIN_URL");
    if (standby_.empty() || EnvOr("FLYRUN_TEST_PG_URL").empty()) {
      if (EnvOr("FLYRUN_REQUIRE_SERVERS") == "1")
        FAIL() << "FLYRUN_TEST_PG_STANDBY_URL is not set but FLYRUN_REQUIRE_SERVERS=1";
      GTEST_SKIP() << "set FLYRUN_TEST_PG_STANDBY_URL (scripts/test.sh does) to run this test";
    }
    db_ = std::make_unique<PgScratchDatabase>();
    WriteTableMigrations(dir_, {{1, "failover_a"}, {2, "failover_b"}});
  }

  /// Waits until the standby has replayed the scratch database's creation.
  void AwaitOnStandby(const std::string& admin_url) {
    ASSERT_TRUE(PollUntil([&] {
      try {
        return PgQuery(WithDatabase(admin_url, db_->name()), "SELECT 1") == "1";
      } catch (const std::exception&) {
        return false;
      }
    })) << "the standby never showed database "
        << db_->name();
  }

  std::string standby_, standby_admin_;
  std::unique_ptr<PgScratchDatabase> db_;
  TempDir dir_;
};

TEST_F(PgFailover, AMultiHostUrlWhoseFirstHostIsTheStandbyReachesThePrimary) {
  AwaitOnStandby(standby_admin_);
  std::string url = WithHosts(db_->url(), HostPort(standby_) + "," + HostPort(db_->url())) +
                    "?target_session_attrs=read-write";
  RunResult r = RunAgainst(url, dir_, {"migrate"});
  ASSERT_EQ(0, r.exit_code) << r.out << r.err;
  EXPECT_EQ("2", db_->Query("SELECT count(*) FROM flyrun_schema_history WHERE success"));
  r = RunAgainst(url, dir_, {"info"});
  EXPECT_EQ(0, r.exit_code) << r.out << r.err;
  ExpectNoPassword(r, url);
  r = RunAgainst(url, dir_, {"-v", "validate"});
  EXPECT_EQ(0, r.exit_code) << r.out << r.err;
  ExpectNoPassword(r, url);
}

TEST_F(PgFailover, AStandbyOnlyUrlFailsAtOnceNamingReadOnlyWhileInfoWorks) {
  AwaitOnStandby(standby_admin_);
  std::string url = WithDatabase(standby_, db_->name());
  auto start = steady_clock::now();
  // 10 retries 1 s apart would take 10 s for a connection failure.
  RunResult r = RunAgainst(
      url, dir_, {"--connect-retries", "10", "--connect-retry-interval", "1s", "migrate"});
  auto ms = duration_cast<milliseconds>(steady_clock::now() - start).count();
  std::printf("migrate against a standby failed after %lld ms\n", static_cast<long long>(ms));
  EXPECT_EQ(4, r.exit_code) << r.out << r.err;
  EXPECT_NE(std::string::npos, r.err.find("read-only")) << r.err;
  EXPECT_NE(std::string::npos, r.err.find("standby")) << r.err;
  EXPECT_NE(std::string::npos, r.err.find("target_session_attrs=read-write")) << r.err;
  EXPECT_EQ(std::string::npos, r.err.find("retrying")) << r.err;
  EXPECT_LT(ms, 3000);
  ExpectNoPassword(r, url);
  for (const char* command : {"baseline", "repair", "undo"}) {
    r = RunAgainst(url, dir_, {command});
    EXPECT_EQ(4, r.exit_code) << command << "\n" << r.out << r.err;
    EXPECT_NE(std::string::npos, r.err.find("read-only")) << command << "\n" << r.err;
  }
  r = RunAgainst(url, dir_, {"info"});
  EXPECT_EQ(0, r.exit_code) << r.out << r.err;
  EXPECT_NE(std::string::npos, r.out.find("failover a")) << r.out;
}

/// A standby of its own, which the test promotes.
class OwnStandby {
 public:
  explicit OwnStandby(const TempDir& dir) : dir_(dir) {
    std::string script = EnvOr("FLYRUN_TEST_PG_STANDBY_SCRIPT",
                               std::string(FLYRUN_SOURCE_DIR) + "/scripts/lib/pg_standby.sh");
    script_ = script;
    RunResult r =
        RunProgram("/bin/bash", {script_, "new", dir_.path().string()}, dir_.path(), Env());
    if (r.exit_code != 0) throw std::runtime_error("pg_standby.sh new failed:\n" + r.err);
    for (size_t pos = 0; pos < r.out.size();) {
      size_t end = r.out.find('\n', pos);
      std::string line = r.out.substr(pos, end - pos);
      if (line.rfind("url=", 0) == 0) url_ = line.substr(4);
      if (line.rfind("admin_url=", 0) == 0) admin_url_ = line.substr(10);
      if (end == std::string::npos) break;
      pos = end + 1;
    }
  }
  ~OwnStandby() {
    RunProgram("/bin/bash", {script_, "remove", dir_.path().string()}, dir_.path(), Env());
  }
  const std::string& url() const { return url_; }
  const std::string& admin_url() const { return admin_url_; }

 private:
  // What the script needs of the primary (RunProgram passes no FLYRUN_* on).
  static std::map<std::string, std::string> Env() {
    std::map<std::string, std::string> env;
    for (const char* name :
         {"FLYRUN_TEST_PG_URL", "FLYRUN_TEST_PG_ADMIN_URL", "FLYRUN_TEST_PG_BINDIR"})
      env[name] = EnvOr(name);
    return env;
  }
  const TempDir& dir_;
  std::string script_, url_, admin_url_;
};

TEST_F(PgFailover, ExecRetriesWhileTheStandbyIsPromotedThenMigratesOnIt) {
  TempDir standby_dir;
  OwnStandby standby(standby_dir);
  ASSERT_FALSE(standby.url().empty());
  std::string url = WithDatabase(standby.url(), db_->name());
  std::string admin = WithDatabase(standby.admin_url(), db_->name());
  AwaitOnStandby(standby.admin_url());
  ASSERT_EQ("t", PgQuery(admin, "SELECT pg_is_in_recovery()"));

  auto started = steady_clock::now();
  Background exec =
      StartFlyrun({"--url", url, "--locations", "sql", "--connect-retry-interval", "200ms", "exec",
                   "--timeout", "60s", "--", "sh", "-c", "echo the app runs"},
                  dir_.path());
  // It is retrying because the server is read-only (not failing).
  ASSERT_TRUE(ReachedOrKill(
      exec, [&] { return ReadFile(exec.err_file).find("read-only") != std::string::npos; },
      "exec saying that the standby is read-only"));
  auto promote_at = steady_clock::now();
  ASSERT_EQ("t", PgQuery(admin, "SELECT pg_promote()"));
  RunResult r = WaitAtMost(exec, std::chrono::seconds(60));
  auto done = steady_clock::now();
  std::printf("exec: %lld ms retrying on the standby, migrated %lld ms after pg_promote()\n",
              static_cast<long long>(duration_cast<milliseconds>(promote_at - started).count()),
              static_cast<long long>(duration_cast<milliseconds>(done - promote_at).count()));
  EXPECT_EQ(0, r.exit_code) << r.out << r.err;
  EXPECT_EQ("the app runs\n", r.out) << r.err;
  EXPECT_EQ("2", PgQuery(admin, "SELECT count(*) FROM flyrun_schema_history WHERE success"));
  // On the new primary only: the old one never saw these migrations.
  EXPECT_EQ("NULL", db_->Query("SELECT to_regclass('flyrun_schema_history')::text"));
  ExpectNoPassword(r, url);
}

}  // namespace
}  // namespace flyrun::test
