#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "conformance.h"
#include "core/error.h"
#include "driver/factory.h"
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
  // The lock is an flock on a file beside the database: a waiter has it open
  // besides the holder (both in this process).
  bool SomeoneWaitsForTheLock() const override {
    auto lock_file = dir_.path() / "conformance.db.flyrun-lock";
    int open_count = 0;
    std::error_code ec;
    for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
      std::error_code link_ec;
      if (std::filesystem::read_symlink(fd.path(), link_ec) == lock_file) ++open_count;
    }
    return open_count >= 2;
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

namespace {

flyrun::Statement Sql(const std::string& sql) {
  flyrun::Statement s;
  s.sql = sql;
  s.index = 1;
  s.line = 1;
  return s;
}

/// After Clean, an orphan child row is refused exactly when init_sql switched
/// foreign keys on: Clean puts the setting back as it found it.
bool OrphanRefusedAfterClean(const std::string& init_sql) {
  flyrun::test::TempDir dir;
  ConnectionOptions o;
  o.url = "sqlite://" + (dir.path() / "fk.db").string();
  if (!init_sql.empty()) o.init_sql = {init_sql};
  auto driver = flyrun::OpenDriver(o);
  driver->EnsureHistoryTable();
  driver->Execute(Sql("CREATE TABLE p (id INTEGER PRIMARY KEY)"));
  driver->Execute(Sql("CREATE TABLE c (p_id INTEGER REFERENCES p (id) ON DELETE CASCADE)"));
  driver->Clean();
  driver->Execute(Sql("CREATE TABLE p (id INTEGER PRIMARY KEY)"));
  driver->Execute(Sql("CREATE TABLE c (p_id INTEGER REFERENCES p (id))"));
  try {
    driver->Execute(Sql("INSERT INTO c VALUES (42)"));
  } catch (const flyrun::Error&) {
    return true;
  }
  return false;
}

TEST(SqliteForeignKeys, OffByDefaultAndCleanLeavesTheSettingAsItFoundIt) {
  EXPECT_FALSE(OrphanRefusedAfterClean(""));
  EXPECT_TRUE(OrphanRefusedAfterClean("PRAGMA foreign_keys = ON"));
}

}  // namespace
