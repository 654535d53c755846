#include <memory>

#include "conformance.h"
#include "driver/factory.h"
#include "pg_test_util.h"
#include "support/test_support.h"

namespace {

using flyrun::ConnectionOptions;
using flyrun::test::ConformanceDatabase;
using flyrun::test::ConformanceTarget;

// A schema of its own in the `flyrun` database: the driver creates it with the
// history table (or a test's first statement lands in the search path's next
// schema, which is why the schema is created up front), dropped afterwards.
class PgSchema final : public ConformanceDatabase {
 public:
  PgSchema() : schema_(flyrun::test::UniqueName("conf")) {
    flyrun::test::PgQuery(flyrun::test::EnvOr("FLYRUN_TEST_PG_URL"), "CREATE SCHEMA " + schema_);
  }
  ~PgSchema() override {
    try {
      flyrun::test::PgQuery(flyrun::test::EnvOr("FLYRUN_TEST_PG_URL"),
                            "DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    } catch (...) {
    }
  }
  ConnectionOptions options() const override {
    ConnectionOptions o;
    o.url = flyrun::test::EnvOr("FLYRUN_TEST_PG_URL");
    // Named after the schema, so that this test's sessions can be told apart.
    o.url += std::string(o.url.find('?') == std::string::npos ? "?" : "&") +
             "application_name=" + schema_;
    o.schema = schema_;
    o.connect_timeout = std::chrono::milliseconds(5000);
    return o;
  }
  // Every session polls with pg_try_advisory_lock, and the holder's last
  // query stays visible: a second one means a waiter has polled.
  bool SomeoneWaitsForTheLock() const override {
    return flyrun::test::PgQuery(
               flyrun::test::EnvOr("FLYRUN_TEST_PG_URL"),
               "SELECT count(*) >= 2 FROM pg_stat_activity WHERE application_name = '" + schema_ +
                   "' AND query LIKE '%pg_try_advisory_lock%'") == "t";
  }

 private:
  std::string schema_;
};

ConformanceTarget PostgresTarget() {
  ConformanceTarget t;
  t.name = "Postgres";
  t.server_env = "FLYRUN_TEST_PG_URL";
  t.create = [] { return std::make_unique<PgSchema>(); };
  t.expected_user = "flyrun";
  return t;
}

}  // namespace

FLYRUN_INSTANTIATE_DRIVER_CONFORMANCE(Postgres, PostgresTarget());
