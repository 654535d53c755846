// Through a transaction-mode pooler a script's session SET becomes SET LOCAL;
// multi-host URLs (failover) reach libpq whole and are shown without the password.
#include <gtest/gtest.h>

#include "driver/postgres/pg_session_sql.h"
#include "driver/postgres/pg_url.h"

namespace flyrun::pg {
namespace {

std::string Local(const std::string& sql) {
  auto out = AsSetLocal(sql);
  return out ? out->sql : "(unchanged)";
}

TEST(PgSessionSql, SessionSetsBecomeLocal) {
  EXPECT_EQ("SET LOCAL search_path = other", Local("SET search_path = other"));
  EXPECT_EQ("set LOCAL search_path to a, b", Local("set search_path to a, b"));
  EXPECT_EQ("SET LOCAL   search_path = x", Local("SET SESSION search_path = x"));
  EXPECT_EQ("SET LOCAL ROLE app", Local("SET ROLE app"));
  EXPECT_EQ("SET LOCAL TIME ZONE 'UTC'", Local("SET TIME ZONE 'UTC'"));
  EXPECT_EQ("SET LOCAL SESSION AUTHORIZATION app", Local("SET SESSION AUTHORIZATION app"));
  EXPECT_EQ("-- why\n/* a /* nested */ comment */ SET LOCAL\tstatement_timeout = 0",
            Local("-- why\n/* a /* nested */ comment */ SET\tstatement_timeout = 0"));
  auto inserted = AsSetLocal("SET x = 1");
  ASSERT_TRUE(inserted);
  EXPECT_EQ(3u, inserted->at);
  EXPECT_EQ(6u, inserted->inserted);
  auto replaced = AsSetLocal("SET SESSION x = 1");
  ASSERT_TRUE(replaced);
  EXPECT_EQ(0u, replaced->inserted);
}

TEST(PgSessionSql, OtherStatementsStayAsTheyAre) {
  for (const char* sql :
       {"SET LOCAL search_path = x", "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "SET CONSTRAINTS ALL DEFERRED",
        "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "SELECT set_config('search_path', 'x', false)", "RESET search_path", "SETTLE",
        "UPDATE t SET a = 1", "-- SET x = 1\nSELECT 1", "CREATE TABLE settings (a int)", ""}) {
    EXPECT_EQ("(unchanged)", Local(sql)) << sql;
    EXPECT_FALSE(IsSessionSet(sql)) << sql;
  }
  EXPECT_TRUE(IsSessionSet("  SET search_path = x"));
}

TEST(PgUrl, MultiHostUrlsReachLibpqWholeAndHideThePassword) {
  ConnectionOptions o;
  o.url =
      "postgresql://app:s3cret@standby.example:5433,primary.example:5434/prod?"
      "target_session_attrs=read-write";
  ConnectTarget t = BuildConnectTarget(o);
  EXPECT_NE(std::string::npos, t.conninfo.find("host='standby.example,primary.example'"))
      << t.conninfo;
  EXPECT_NE(std::string::npos, t.conninfo.find("port='5433,5434'")) << t.conninfo;
  EXPECT_NE(std::string::npos, t.conninfo.find("target_session_attrs='read-write'"));
  EXPECT_EQ(
      "postgresql://app:***@standby.example:5433,primary.example:5434/prod?"
      "target_session_attrs=read-write",
      t.display_url);
  EXPECT_EQ(std::string::npos, t.display_url.find("s3cret"));
}

}  // namespace
}  // namespace flyrun::pg
