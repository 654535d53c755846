// Mixed fleets on MySQL/MariaDB: with the history in Flyway's format, flyrun
// takes Flyway's GET_LOCK name as well as its own, so that a Flyway process and
// a flyrun process migrating one database exclude each other.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "driver/common/flyway_lock.h"
#include "driver/mysql/mysql_sql.h"
#include "mysql_driver_fixture.h"

namespace flyrun::mysql_test {
namespace {

class MysqlFlywayLock : public MysqlDriverTest {
 protected:
  ConnectionOptions Options(HistoryFormat format) const {
    ConnectionOptions o;
    o.table = "flyway_schema_history";
    o.history_format = format;
    return o;
  }
  std::string FlywayName() const {
    return FlywayMysqlLockName(db_->name(), "flyway_schema_history");
  }
  /// The connection id holding GET_LOCK `name`, "" when free.
  std::string UsedBy(const std::string& name) const {
    return MysqlScalar(url(), "SELECT IS_USED_LOCK(" + SqlLiteral(name) + ")");
  }
  /// A session of another client holding Flyway's lock, as Flyway takes it.
  std::unique_ptr<Driver> FlywayHolding() const {
    auto flyway = Open(url());
    flyway->Execute(Stmt("DO GET_LOCK(" + SqlLiteral(FlywayName()) + ", 10)"));
    EXPECT_NE("", UsedBy(FlywayName()));
    return flyway;
  }
};

TEST_F(MysqlFlywayLock, NameIsFlywaysForTheDefaultTable) {
  EXPECT_EQ("Flyway--320650056", FlywayMysqlLockName("app", "flyway_schema_history"));
}

TEST_F(MysqlFlywayLock, WaitsWhileFlywayHoldsItsLockAndGoesOnOnceReleased) {
  auto flyway = FlywayHolding();
  auto d = Open(url(), Options(HistoryFormat::kFlyway));
  std::atomic<bool> released{false};
  std::thread release([&] {
    // Seen waiting in GET_LOCK on Flyway's name, with its own lock already held.
    bool waiting = test::PollUntil([&] {
      return MysqlScalar(url(),
                         "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE "
                         "'SELECT GET_LOCK(''" +
                             FlywayName() + "''%'") != "0" &&
             UsedBy(LockName(db_->name(), "flyway_schema_history")) != "";
    });
    EXPECT_TRUE(waiting) << "flyrun was never seen waiting for Flyway's lock";
    released = true;
    flyway->Execute(Stmt("DO RELEASE_LOCK(" + SqlLiteral(FlywayName()) + ")"));
  });
  std::unique_ptr<LockGuard> guard;
  EXPECT_NO_THROW(guard = d->Lock(milliseconds(20000)));
  EXPECT_TRUE(released) << "flyrun took the lock while Flyway held it";
  release.join();
  // Both held by the one session.
  std::string mine = UsedBy(LockName(db_->name(), "flyway_schema_history"));
  EXPECT_NE("", mine);
  EXPECT_EQ(mine, UsedBy(FlywayName()));
  guard.reset();
  EXPECT_EQ("", UsedBy(FlywayName()));
  EXPECT_EQ("", UsedBy(LockName(db_->name(), "flyway_schema_history")));
}

TEST_F(MysqlFlywayLock, TimeoutNamesFlywaysLockAndItsHolderAndLetsGoOfItsOwn) {
  auto flyway = FlywayHolding();
  std::string holder = UsedBy(FlywayName());
  auto d = Open(url(), Options(HistoryFormat::kFlyway));
  auto start = std::chrono::steady_clock::now();
  Error e = ExpectError([&] { d->Lock(milliseconds(400)); });
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ExitCode::kLock, e.code());
  EXPECT_TRUE(Contains(e.what(), "Flyway's lock")) << e.what();
  EXPECT_TRUE(Contains(e.what(), FlywayName())) << e.what();
  EXPECT_TRUE(Contains(e.what(), "held by connection " + holder)) << e.what();
  EXPECT_TRUE(Contains(e.hint(), "Flyway")) << e.hint();
  EXPECT_GE(waited, milliseconds(350));
  EXPECT_LT(waited, milliseconds(3000));
  EXPECT_EQ("", UsedBy(LockName(db_->name(), "flyway_schema_history")));
}

TEST_F(MysqlFlywayLock, FlywayCannotTakeItsLockWhileFlyrunHoldsIt) {
  auto d = Open(url(), Options(HistoryFormat::kFlyway));
  auto guard = d->Lock(milliseconds(1000));
  EXPECT_EQ("0", MysqlScalar(url(), "SELECT GET_LOCK(" + SqlLiteral(FlywayName()) + ", 0)"));
  guard.reset();
  EXPECT_EQ("1", MysqlScalar(url(), "SELECT GET_LOCK(" + SqlLiteral(FlywayName()) + ", 0)"));
}

TEST_F(MysqlFlywayLock, FlyrunsOwnFormatIgnoresFlywaysLock) {
  auto flyway = FlywayHolding();
  auto d = Open(url(), Options(HistoryFormat::kFlyrun));
  EXPECT_NO_THROW(d->Lock(milliseconds(0)));
}

}  // namespace
}  // namespace flyrun::mysql_test
