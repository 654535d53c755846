#include <memory>

#include "conformance.h"
#include "support/test_support.h"

namespace {

using flyrun::ConnectionOptions;
using flyrun::test::ConformanceDatabase;
using flyrun::test::ConformanceTarget;

// A database file in a directory of its own, removed after the test.
class SqliteFile final : public ConformanceDatabase {
 public:
  ConnectionOptions options() const override {
    ConnectionOptions o;
    o.url = "sqlite://" + (dir_.path() / "conformance.db").string();
    o.connect_timeout = std::chrono::milliseconds(2000);
    return o;
  }

 private:
  flyrun::test::TempDir dir_;
};

ConformanceTarget SqliteTarget() {
  ConformanceTarget t;
  t.name = "Sqlite";
  t.create = [] { return std::make_unique<SqliteFile>(); };
  return t;
}

}  // namespace

FLYRUN_INSTANTIATE_DRIVER_CONFORMANCE(Sqlite, SqliteTarget());
