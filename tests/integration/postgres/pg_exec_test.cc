// `flyrun exec` as a container entrypoint against a real PostgreSQL server
// (SPEC 5 `exec`, SPEC 8): replicas started at once, a database that comes up
// late, bad credentials, secrets from a file, SIGTERM, environment-only
// configuration. One scratch database per test.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "pg_exec_forwarder.h"
#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr char kWrongPassword[] = "Wr0ngPassw0rd-xyzzy";

double Seconds(steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// postgresql://user:password@host:port/rest, taken apart so a test can swap
// the password or the port.
struct PgUrl {
  std::string scheme, user, password, host, port, rest;

  explicit PgUrl(const std::string& url) {
    auto authority = url.find("://") + 3;
    auto slash = url.find('/', authority);
    auto at = url.rfind('@', slash);
    scheme = url.substr(0, authority);
    std::string userinfo = url.substr(authority, at - authority);
    auto colon = userinfo.find(':');
    user = userinfo.substr(0, colon);
    password = colon == std::string::npos ? std::string() : userinfo.substr(colon + 1);
    std::string hostport = url.substr(at + 1, slash - at - 1);
    auto port_colon = hostport.rfind(':');
    host = hostport.substr(0, port_colon);
    port = hostport.substr(port_colon + 1);
    rest = url.substr(slash);
  }
  std::string With(const std::string& pw, const std::string& p) const {
    return scheme + user + (pw.empty() ? "" : ":" + pw) + "@" + host + ":" + p + rest;
  }
  std::string WithoutPassword() const { return With("", port); }
  std::string WithPassword(const std::string& pw) const { return With(pw, port); }
  std::string WithPort(int p) const { return With(password, std::to_string(p)); }
};

std::string All(const RunResult& r) { return r.out + r.err; }

// The lines of `err` that are not one JSON object each, for a log collector.
std::string NonJsonLines(const std::string& err) {
  std::istringstream lines(err);
  std::string line, bad;
  while (std::getline(lines, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) bad += line + "\n";
  }
  return bad;
}

class PgExec : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
    db_ = std::make_unique<PgScratchDatabase>();
  }

  std::string Url() const { return db_->url(); }
  std::string Password() const { return PgUrl(Url()).password; }
  // flyrun --url URL --locations sql GLOBALS... exec EXEC_OPTIONS... -- sh -c SCRIPT
  std::vector<std::string> ExecArgs(const std::string& url, std::vector<std::string> globals = {},
                                    const std::string& script = "echo started",
                                    std::vector<std::string> exec_options = {}) const {
    std::vector<std::string> args{"--url", url, "--locations", "sql"};
    args.insert(args.end(), globals.begin(), globals.end());
    args.push_back("exec");
    args.insert(args.end(), exec_options.begin(), exec_options.end());
    args.insert(args.end(), {"--", "sh", "-c", script});
    return args;
  }
  std::string Q(const std::string& sql) const { return db_->Query(sql); }
  std::string History(const std::string& what = "count(*)", const std::string& where = "true") {
    return Q("SELECT " + what + " FROM flyrun_schema_history WHERE " + where);
  }
  bool WaitFor(const std::string& sql, milliseconds limit = milliseconds(20000)) const {
    auto deadline = steady_clock::now() + limit;
    while (steady_clock::now() < deadline) {
      if (Q(sql) == "t") return true;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return false;
  }
  bool SomeoneHoldsAnAdvisoryLock() const {
    return Q("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
             "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))") ==
           "t";
  }
  std::string SleepingQuery() const {
    return "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = '" + db_->name() +
           "' AND query LIKE '%pg_sleep%' AND state = 'active' AND pid <> pg_backend_pid())";
  }
  // Neither the right password nor the wrong one may be printed.
  void ExpectNoPassword(const RunResult& r, const char* what) const {
    EXPECT_EQ(std::string::npos, All(r).find(Password())) << what << "\n" << All(r);
    EXPECT_EQ(std::string::npos, All(r).find(kWrongPassword)) << what << "\n" << All(r);
  }

  TempDir dir_;
  std::unique_ptr<PgScratchDatabase> db_;
};

TEST_F(PgExec, EightReplicasStartTheAppAndApplyEachMigrationOnce) {
  constexpr int kMigrations = 10;
  for (int v = 1; v <= kMigrations; ++v) {
    std::string t = "t" + std::to_string(v);
    dir_.Write("sql/V" + std::to_string(v) + "__step.sql",
               "CREATE TABLE " + t + " (id INT);\nINSERT INTO " + t +
                   " VALUES (1);\nSELECT pg_sleep(0.05);\n");
  }
  auto start = steady_clock::now();
  std::vector<Background> replicas;
  for (int i = 0; i < 8; ++i)
    replicas.push_back(StartFlyrun(ExecArgs(Url(), {"--lock-timeout", "60s"}), dir_.path()));
  for (const auto& replica : replicas) {
    RunResult r = Wait(replica);
    EXPECT_EQ(0, r.exit_code) << r.err;
    EXPECT_EQ("started\n", r.out) << r.err;  // the app owns stdout
  }
  double seconds = Seconds(steady_clock::now() - start);
  std::cout << "8 replicas of exec, " << kMigrations << " migrations: " << seconds << " s\n";
  RecordProperty("eight_replicas_seconds", std::to_string(seconds));

  EXPECT_EQ(std::to_string(kMigrations), History());
  EXPECT_EQ(std::to_string(kMigrations), History("count(DISTINCT version)"));
  EXPECT_EQ(std::to_string(kMigrations), History("count(*)", "success"));
  EXPECT_EQ("0", Q("SELECT count(*) FROM (SELECT version FROM flyrun_schema_history "
                   "GROUP BY version HAVING count(*) <> 1) twice"));
  for (int v = 1; v <= kMigrations; ++v)
    EXPECT_EQ("1", Q("SELECT count(*) FROM t" + std::to_string(v))) << "t" << v;
  EXPECT_FALSE(SomeoneHoldsAnAdvisoryLock());
}

TEST_F(PgExec, AFailingMigrationNeverStartsTheApp) {
  dir_.Write("sql/V1__init.sql", "CREATE TABLE a (id INT);\n");
  dir_.Write("sql/V2__broken.sql",
             "CREATE TABLE b (id INT);\nINSERT INTO no_such_table VALUES (1);\n");
  RunResult r = RunFlyrun(ExecArgs(Url(), {}, "echo started; touch app-ran"), dir_.path());
  EXPECT_EQ(1, r.exit_code) << All(r);
  EXPECT_EQ(std::string::npos, r.out.find("started")) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "app-ran"));
  EXPECT_NE(std::string::npos, r.err.find("V2__broken.sql:2")) << r.err;
  EXPECT_EQ("1", History());  // V1 only: V2 rolled back wholly
  EXPECT_EQ("NULL", Q("SELECT to_regclass('public.b')"));
  EXPECT_FALSE(SomeoneHoldsAnAdvisoryLock());
}

TEST_F(PgExec, ADatabaseThatComesUpThreeSecondsLaterIsWaitedFor) {
  dir_.Write("sql/V1__init.sql", "CREATE TABLE a (id INT);\n");
  PgUrl real(Url());
  TcpForwarder late;  // refuses connections until Start()
  auto start = steady_clock::now();
  Background bg = StartFlyrun(
      ExecArgs(real.WithPort(late.port()), {}, "echo started", {"--timeout", "30s"}), dir_.path());
  std::this_thread::sleep_for(milliseconds(3000));
  late.Start(real.host, std::stoi(real.port));
  RunResult r = Wait(bg);
  double seconds = Seconds(steady_clock::now() - start);
  late.Stop();
  std::cout << "exec against a database up 3 s late: " << seconds << " s, " << late.connections()
            << " forwarded connection(s)\n";
  RecordProperty("late_database_seconds", std::to_string(seconds));

  EXPECT_EQ(0, r.exit_code) << r.err;
  EXPECT_EQ("started\n", r.out) << r.err;
  EXPECT_GE(seconds, 3.0);
  EXPECT_LT(seconds, 15.0);
  EXPECT_GE(late.connections(), 1);
  EXPECT_NE(std::string::npos, r.err.find("retrying")) << r.err;  // it did retry
  EXPECT_EQ(std::string::npos, All(r).find(real.password)) << All(r);
  EXPECT_EQ("1", History());
}

TEST_F(PgExec, AWrongPasswordFailsAtOnceDespiteRetries) {
  dir_.Write("sql/V1__init.sql", "CREATE TABLE a (id INT);\n");
  std::string wrong = PgUrl(Url()).WithPassword(kWrongPassword);
  struct Case {
    const char* what;
    std::vector<std::string> extra;
  };
  for (const Case& c : {Case{"--connect-retries 30", {"--connect-retries", "30"}},
                        Case{"default wait (60 s of retries)", {}}}) {
    auto start = steady_clock::now();
    RunResult r = RunFlyrun(ExecArgs(wrong, c.extra, "echo started; touch app-ran"), dir_.path());
    double seconds = Seconds(steady_clock::now() - start);
    std::cout << "wrong password, " << c.what << ": exit " << r.exit_code << " in " << seconds
              << " s\n";
    EXPECT_EQ(4, r.exit_code) << c.what << "\n" << All(r);
    EXPECT_LT(seconds, 3.0) << c.what;
    EXPECT_EQ(std::string::npos, r.out.find("started")) << c.what;
    EXPECT_EQ(std::string::npos, r.err.find("retrying")) << c.what << "\n" << r.err;
    EXPECT_NE(std::string::npos, r.err.find("password authentication failed")) << r.err;
    ExpectNoPassword(r, c.what);
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "app-ran"));
  EXPECT_EQ("NULL", Q("SELECT to_regclass('public.flyrun_schema_history')"));
}

TEST_F(PgExec, PasswordFileSuppliesTheSecretAndIsNeverPrinted) {
  dir_.Write("sql/V1__init.sql", "CREATE TABLE a (id INT);\n");
  auto right_file = dir_.Write("secrets/right", Password() + "\n");
  auto wrong_file = dir_.Write("secrets/wrong", std::string(kWrongPassword) + "\n");
  std::string no_pw = PgUrl(Url()).WithoutPassword();
  ASSERT_EQ(std::string::npos, no_pw.find(Password()));

  RunResult r =
      RunFlyrun(ExecArgs(no_pw, {"-v"}), dir_.path(), {{"FLYRUN_PASSWORD_FILE", right_file}});
  EXPECT_EQ(0, r.exit_code) << All(r);
  EXPECT_EQ("started\n", r.out) << r.err;
  ExpectNoPassword(r, "exec -v, password_file");
  EXPECT_EQ("1", History());

  dir_.Write("sql/V2__more.sql", "CREATE TABLE b (id INT);\n");
  r = RunFlyrun({"--url", no_pw, "--locations", "sql", "--password-file", right_file.string(), "-v",
                 "migrate"},
                dir_.path());
  EXPECT_EQ(0, r.exit_code) << All(r);
  ExpectNoPassword(r, "migrate -v, --password-file");
  EXPECT_EQ("2", History());

  // The file is what authenticates: the wrong one, or none, fails with exit 4.
  r = RunFlyrun(ExecArgs(no_pw, {"--connect-retries", "30"}), dir_.path(),
                {{"FLYRUN_PASSWORD_FILE", wrong_file}});
  EXPECT_EQ(4, r.exit_code) << All(r);
  EXPECT_EQ(std::string::npos, r.out.find("started")) << r.out;
  ExpectNoPassword(r, "exec, wrong password_file");
  r = RunFlyrun({"--url", no_pw, "--locations", "sql", "-v", "migrate"}, dir_.path());
  EXPECT_EQ(4, r.exit_code) << All(r);
}

// PgCli.SignalDuringATransactionalMigrationRollsItBack covers `migrate`; this
// is the entrypoint: SIGTERM while exec migrates, then the next start.
TEST_F(PgExec, SigtermDuringExecMigrationRollsBackAndFreesTheLock) {
  dir_.Write("sql/V1__init.sql", "CREATE TABLE a (id INT);\n");
  ASSERT_EQ(0, RunFlyrun({"--url", Url(), "--locations", "sql", "migrate"}, dir_.path()).exit_code);
  dir_.Write("sql/V2__slow.sql",
             "CREATE TABLE half (id INT);\nSELECT pg_sleep(30);\nCREATE TABLE never (id INT);\n");
  Background bg = StartFlyrun(ExecArgs(Url(), {}, "echo started; touch app-ran"), dir_.path());
  if (!WaitFor(SleepingQuery())) {
    kill(bg.pid, SIGKILL);
    FAIL() << "the migration never reached pg_sleep\n" << Wait(bg).err;
  }
  ASSERT_TRUE(SomeoneHoldsAnAdvisoryLock());
  auto start = steady_clock::now();
  kill(bg.pid, SIGTERM);
  RunResult r = Wait(bg);
  double seconds = Seconds(steady_clock::now() - start);
  std::cout << "SIGTERM during exec's migration: exit " << r.exit_code << " after " << seconds
            << " s\n";
  EXPECT_EQ(130, r.exit_code) << r.err;
  EXPECT_LT(seconds, 5.0);
  EXPECT_EQ(std::string::npos, r.out.find("started")) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "app-ran"));
  EXPECT_EQ("NULL", Q("SELECT to_regclass('public.half')"));
  EXPECT_EQ("NULL", Q("SELECT to_regclass('public.never')"));
  EXPECT_EQ("1", History());
  EXPECT_EQ("0", History("count(*)", "version = '2'"));
  EXPECT_FALSE(SomeoneHoldsAnAdvisoryLock());

  // The lock is free: with the script fixed the next run takes it at once.
  dir_.Write("sql/V2__slow.sql", "CREATE TABLE half (id INT);\nCREATE TABLE never (id INT);\n");
  RunResult next = RunFlyrun(
      {"--url", Url(), "--locations", "sql", "migrate", "--lock-timeout", "1"}, dir_.path());
  EXPECT_EQ(0, next.exit_code) << All(next);
  EXPECT_EQ("2", History("count(*)", "success"));
}

// A container's whole configuration from FLYRUN_* variables, no config file,
// the database up 1.5 s after flyrun: FLYRUN_CONNECT_RETRIES does the waiting
// and every line on stderr (retry warnings included) is JSON.
TEST_F(PgExec, ConfigurationFromTheEnvironmentOnlyWithJsonLogs) {
  dir_.Write("migrations/V1__init.sql", "CREATE TABLE a (id INT);\n");
  auto secret = dir_.Write("run/secrets/db_password", Password() + "\n");
  ASSERT_FALSE(std::filesystem::exists(dir_.path() / "flyrun.yaml"));
  ASSERT_FALSE(std::filesystem::exists(dir_.path() / "conf"));
  PgUrl real(Url());
  TcpForwarder late;
  auto start = steady_clock::now();
  Background bg = StartFlyrun({"-v", "exec", "--", "sh", "-c", "echo started"}, dir_.path(),
                              {{"FLYRUN_URL", PgUrl(real.WithPort(late.port())).WithoutPassword()},
                               {"FLYRUN_LOCATIONS", "migrations"},
                               {"FLYRUN_PASSWORD_FILE", secret.string()},
                               {"FLYRUN_CONNECT_RETRIES", "10"},
                               {"FLYRUN_LOG_FORMAT", "json"}});
  std::this_thread::sleep_for(milliseconds(1500));
  late.Start(real.host, std::stoi(real.port));
  RunResult r = Wait(bg);
  double seconds = Seconds(steady_clock::now() - start);
  late.Stop();
  std::cout << "environment-only exec, database up 1.5 s late: " << seconds << " s\n";

  EXPECT_EQ(0, r.exit_code) << All(r);
  EXPECT_EQ("started\n", r.out) << r.err;
  EXPECT_GE(seconds, 1.5);
  EXPECT_EQ("1", History());
  // FLYRUN_CONNECT_RETRIES=10, not exec's default of --timeout worth of retries.
  EXPECT_NE(std::string::npos, r.err.find("of 11)")) << r.err;
  ExpectNoPassword(r, "environment only");
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ("", NonJsonLines(r.err)) << "FLYRUN_LOG_FORMAT=json, stderr:\n" << r.err;
}

// --log-format json on every path a container log collector sees: exec's
// results, a retry warning quoting the server's message, a fatal error.
TEST_F(PgExec, JsonLogFormatCoversResultsRetriesAndErrors) {
  dir_.Write("sql/V1__init.sql", "CREATE TABLE a (id INT);\n");
  RunResult r = RunFlyrun(ExecArgs(Url(), {"--log-format", "json"}), dir_.path());
  EXPECT_EQ(0, r.exit_code) << All(r);
  EXPECT_EQ("started\n", r.out) << r.err;
  EXPECT_EQ("", NonJsonLines(r.err)) << "exec succeeded, stderr:\n" << r.err;

  r = RunFlyrun(ExecArgs(PgUrl(Url()).WithPassword(kWrongPassword), {"--log-format", "json"}),
                dir_.path());
  EXPECT_EQ(4, r.exit_code) << All(r);
  EXPECT_EQ("", NonJsonLines(r.err)) << "wrong password, stderr:\n" << r.err;
  ExpectNoPassword(r, "wrong password, json");

  TcpForwarder closed;  // never started: connections are refused
  r = RunFlyrun(ExecArgs(PgUrl(Url()).WithPort(closed.port()),
                         {"--log-format", "json", "--connect-retries", "1"}),
                dir_.path());
  EXPECT_EQ(4, r.exit_code) << All(r);
  EXPECT_EQ("", NonJsonLines(r.err)) << "refused, one retry, stderr:\n" << r.err;
}

}  // namespace
}  // namespace flyrun::test
