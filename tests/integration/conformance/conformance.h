#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "driver/driver.h"

namespace flyrun::test {

/// A database (or schema, or file) made for one test and removed after it.
class ConformanceDatabase {
 public:
  virtual ~ConformanceDatabase() = default;
  /// Options that reach the fresh, empty database; the same on every call.
  virtual ConnectionOptions options() const = 0;
  /// Whether a connection other than the holder is seen waiting for the
  /// migration lock (on the server's session list, or the lock file open
  /// twice in this process): a test releases the lock only then, instead of
  /// sleeping and hoping the waiter has started.
  virtual bool SomeoneWaitsForTheLock() const = 0;
};

/// One driver under test.
struct ConformanceTarget {
  std::string name;  ///< suffix of the test names: letters, digits, '_'
  /// Environment variable with the server's URL, for server databases: when it
  /// is unset the tests are skipped (failed under FLYRUN_REQUIRE_SERVERS=1).
  /// Empty for file databases.
  std::string server_env;
  /// Makes a fresh database for one test (called after the server_env check).
  std::function<std::unique_ptr<ConformanceDatabase>()> create;
  /// What CurrentUser() must return; empty = anything non-empty.
  std::string expected_user;
  /// The lock Lock() takes: the suite runs once with the native lock and once
  /// with the lease lock (LeaseVariant).
  LockMode lock = LockMode::kAuto;
};

/// The same target with `lock: table` and a short lease: the lease lock must
/// pass every lock case the native one passes.
ConformanceTarget LeaseVariant(ConformanceTarget target);

void PrintTo(const ConformanceTarget& target, std::ostream* os);
std::string ConformanceTargetName(const ::testing::TestParamInfo<ConformanceTarget>& info);

/// The suite every driver must pass (golang-migrate's idea): history
/// create/read/insert/update/delete, transactions, statements and their errors,
/// the lock, CurrentUser, SchemaIsEmpty and Clean. SQL in it is portable
/// across PostgreSQL, MySQL/MariaDB and SQLite.
///
/// Register a driver from any test executable that links flyrun_conformance:
///   FLYRUN_INSTANTIATE_DRIVER_CONFORMANCE(Postgres, MakePostgresTarget());
class DriverConformance : public ::testing::TestWithParam<ConformanceTarget> {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// A new connection to the test's database (OpenDriver, so through the factory).
  std::unique_ptr<Driver> Open() const;
  const ConnectionOptions& options() const { return options_; }
  const ConformanceDatabase& database() const { return *db_; }
  /// Whether a second connection is seen waiting for the lock: the
  /// database's own evidence for the native lock; for the lease lock (which
  /// leaves no trace on the server while waiting) the waiter's announcement.
  bool SomeoneWaitsForTheLock() const;
  bool lease() const { return GetParam().lock == LockMode::kTable; }

 private:
  std::unique_ptr<ConformanceDatabase> db_;
  ConnectionOptions options_;
};

}  // namespace flyrun::test

/// Instantiates DriverConformance for `target` (a ConformanceTarget); `prefix`
/// is an identifier that names the instantiation (e.g. Postgres).
#define FLYRUN_INSTANTIATE_DRIVER_CONFORMANCE(prefix, target)                               \
  using ::flyrun::test::DriverConformance;                                                  \
  INSTANTIATE_TEST_SUITE_P(prefix, DriverConformance,                                       \
                           ::testing::Values(target, ::flyrun::test::LeaseVariant(target)), \
                           ::flyrun::test::ConformanceTargetName)
