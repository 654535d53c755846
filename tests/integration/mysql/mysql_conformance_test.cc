#include <memory>

#include "conformance.h"
#include "mysql_test_util.h"
#include "support/test_support.h"

namespace {

using flyrun::ConnectionOptions;
using flyrun::test::ConformanceDatabase;
using flyrun::test::ConformanceTarget;

// A database of its own on the test server, dropped after the test.
class MysqlDatabase final : public ConformanceDatabase {
 public:
  MysqlDatabase() : db_(flyrun::test::EnvOr("FLYRUN_TEST_MYSQL_URL"), "conf") {}
  ConnectionOptions options() const override {
    ConnectionOptions o;
    o.url = db_.url();
    o.connect_timeout = std::chrono::milliseconds(5000);
    return o;
  }
  // The holder is idle; a waiter sits in GET_LOCK (in one-second slices).
  bool SomeoneWaitsForTheLock() const override {
    return flyrun::test::MysqlScalar(
               db_.url(), "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '" +
                              db_.name() + "' AND INFO LIKE 'SELECT GET_LOCK(%'") != "0";
  }

 private:
  flyrun::test::ScratchDatabase db_;
};

ConformanceTarget MysqlTarget() {
  ConformanceTarget t;
  t.name = "Mysql";
  t.server_env = "FLYRUN_TEST_MYSQL_URL";
  t.create = [] { return std::make_unique<MysqlDatabase>(); };
  t.expected_user = "flyrun";
  return t;
}

}  // namespace

FLYRUN_INSTANTIATE_DRIVER_CONFORMANCE(Mysql, MysqlTarget());
