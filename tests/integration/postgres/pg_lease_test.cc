// The lease lock when the network fails for the holder's heartbeat alone: its
// connections go through a TCP proxy that cuts the heartbeat's connection and
// refuses new ones, while the holder's own connection stays up.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <regex>

#include "core/error.h"
#include "driver/factory.h"
#include "pg_exec_forwarder.h"
#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

Statement Sql(const std::string& sql) {
  Statement st;
  st.sql = sql;
  st.index = 1;
  st.line = 1;
  return st;
}

AppliedMigration V1() {
  AppliedMigration row;
  row.version = "1";
  row.description = "create";
  row.type = "SQL";
  row.script = "V1__create.sql";
  row.checksum = "x";
  row.success = true;
  return row;
}

TEST(PgLease, NoDoubleApplyWhenTheHoldersHeartbeatConnectionIsCut) {
  FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
  std::string schema = UniqueName("lease_cut");
  PgQuery(url, "CREATE SCHEMA " + schema);
  struct Drop {
    std::string url, schema;
    ~Drop() {
      try {
        PgQuery(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      } catch (...) {
      }
    }
  } drop{url, schema};

  std::smatch m;
  ASSERT_TRUE(std::regex_search(url, m, std::regex(R"(@([^:/@]+):(\d+)/)")))
      << "URL with host:port";
  TcpForwarder proxy;
  proxy.Start(m[1] == "localhost" ? "127.0.0.1" : m[1].str(), std::stoi(m[2]));
  ConnectionOptions direct;
  direct.url = url;
  direct.schema = schema;
  direct.lock = LockMode::kTable;
  direct.lock_lease = milliseconds(1000);
  direct.connect_timeout = milliseconds(2000);
  ConnectionOptions proxied = direct;
  proxied.url = std::regex_replace(url, std::regex(R"(@[^:/@]+:\d+/)"),
                                   "@127.0.0.1:" + std::to_string(proxy.port()) + "/");

  auto a = OpenDriver(proxied);  // connection 0: the holder's own
  ASSERT_EQ(1, proxy.connections());
  auto guard_a = a->Lock(milliseconds(5000));  // connection 1: the heartbeat
  ASSERT_EQ(2, proxy.connections());
  a->EnsureHistoryTable();

  proxy.CutAllBut(1);  // the heartbeat's connection goes, and it cannot come back

  // Another run takes over once the heartbeat has stood still for a lease.
  auto b = OpenDriver(direct);
  auto start = steady_clock::now();
  std::unique_ptr<LockGuard> guard_b;
  ASSERT_NO_THROW(guard_b = b->Lock(milliseconds(20000)));
  EXPECT_GE(steady_clock::now() - start, milliseconds(900));
  b->Begin();
  b->Execute(Sql("CREATE TABLE applied_once (id INT)"));
  b->InsertHistory(V1());
  b->Commit();

  // The first holder's connection still works, but its run stops before its
  // next statement, and it can record nothing.
  a->Begin();
  Error stopped = Catch([&] { a->Execute(Sql("CREATE TABLE applied_once (id INT)")); });
  EXPECT_EQ(ExitCode::kLock, stopped.code()) << stopped.what();
  EXPECT_NE(std::string::npos, std::string(stopped.what()).find("lease")) << stopped.what();
  Error fenced = Catch([&] { a->InsertHistory(V1()); });
  EXPECT_EQ(ExitCode::kLock, fenced.code()) << fenced.what();
  a->Rollback();

  EXPECT_EQ("1", PgQuery(url, "SELECT count(*) FROM " + schema + ".flyrun_schema_history"));
  guard_a.reset();
  guard_b.reset();
  // b gave its row back; a (lost) did not delete b's.
  EXPECT_EQ("0", PgQuery(url, "SELECT count(*) FROM " + schema + ".flyrun_schema_history_lock"));
}

}  // namespace
}  // namespace flyrun::test
