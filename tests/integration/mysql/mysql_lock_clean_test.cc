// The MySQL/MariaDB driver against a real server: the lock, SchemaIsEmpty,
// Clean and TLS.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "driver/mysql/mysql_sql.h"
#include "mysql_driver_fixture.h"

namespace flyrun::mysql_test {
namespace {

TEST_F(MysqlDriverTest, LockExcludesOthersUntilReleased) {
  auto a = Open(url());
  auto b = Open(url());
  auto guard = a->Lock(milliseconds(1000));
  auto start = std::chrono::steady_clock::now();
  Error e = ExpectError([&] { b->Lock(milliseconds(400)); });
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(e.code(), ExitCode::kLock);
  EXPECT_TRUE(Contains(e.what(), db_->name())) << e.what();
  EXPECT_TRUE(Contains(e.what(), "held by connection")) << e.what();
  EXPECT_GE(waited, milliseconds(350));
  EXPECT_LT(waited, milliseconds(2500));

  // Another history table is another lock.
  ConnectionOptions other;
  other.table = "other_history";
  auto c = Open(url(), other);
  EXPECT_NO_THROW(c->Lock(milliseconds(0)));

  guard.reset();
  EXPECT_NO_THROW(b->Lock(milliseconds(1000)));
}

TEST_F(MysqlDriverTest, WaitingForTheLockSucceedsWhenItIsReleased) {
  auto a = Open(url());
  auto b = Open(url());
  auto guard = a->Lock(milliseconds(0));
  // Released once b is seen waiting in GET_LOCK on the server.
  std::atomic<bool> released{false};
  std::thread release([&] {
    test::PollUntil([&] {
      return MysqlScalar(url(), "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '" +
                                    db_->name() + "' AND INFO LIKE 'SELECT GET_LOCK(%'") != "0";
    });
    released = true;
    guard.reset();
  });
  EXPECT_NO_THROW(b->Lock(milliseconds(20000)));
  EXPECT_TRUE(released) << "b took the lock before it was released";
  release.join();
}

TEST_F(MysqlDriverTest, LockGuardMayOutliveItsDriver) {
  auto a = Open(url());
  auto guard = a->Lock(milliseconds(0));
  a.reset();
  auto b = Open(url());
  EXPECT_THROW(b->Lock(milliseconds(0)), Error);
  guard.reset();
  EXPECT_NO_THROW(b->Lock(milliseconds(0)));
}

TEST_F(MysqlDriverTest, LockDiesWithItsProcess) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child takes the lock and is then killed without any cleanup.
    close(ready[0]);
    try {
      auto d = Open(url());
      auto guard = d->Lock(milliseconds(5000));
      char ok = 'y';
      if (write(ready[1], &ok, 1) != 1) _exit(2);
      pause();
    } catch (...) {
    }
    _exit(1);
  }
  close(ready[1]);
  char got = 0;
  ASSERT_EQ(read(ready[0], &got, 1), 1);
  close(ready[0]);
  auto b = Open(url());
  EXPECT_THROW(b->Lock(milliseconds(200)), Error);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_NO_THROW(b->Lock(milliseconds(5000)));
}

TEST_F(MysqlDriverTest, LongLockNamesAreHashed) {
  std::string table(64, 'h');
  EXPECT_LE(LockName(db_->name(), table).size(), 64u);
  EXPECT_NE(LockName(db_->name(), table), LockName(db_->name(), table + "x"));
  EXPECT_EQ(LockName("db", "t"), "flyrun:db.t");
  ConnectionOptions options;
  options.table = table;
  auto a = Open(url(), options);
  auto b = Open(url(), options);
  auto guard = a->Lock(milliseconds(0));
  EXPECT_THROW(b->Lock(milliseconds(0)), Error);
}

TEST_F(MysqlDriverTest, SchemaIsEmptySeesEveryKindOfObject) {
  auto d = Open(url());
  d->Execute(Stmt("CREATE PROCEDURE only_me() BEGIN END"));
  EXPECT_FALSE(d->SchemaIsEmpty());
  d->Execute(Stmt("DROP PROCEDURE only_me"));
  EXPECT_TRUE(d->SchemaIsEmpty());
  d->Execute(Stmt("CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1"));
  EXPECT_FALSE(d->SchemaIsEmpty());
  d->Execute(Stmt("DROP EVENT ev"));
  d->Execute(Stmt("CREATE VIEW v AS SELECT 1 AS one"));
  EXPECT_FALSE(d->SchemaIsEmpty());
}

TEST_F(MysqlDriverTest, CleanDropsEverythingForeignKeysNotwithstanding) {
  auto d = Open(url());
  d->EnsureHistoryTable();
  d->InsertHistory(Row("1", "init"));
  for (const char* sql : {
           "CREATE TABLE parent (id INT PRIMARY KEY, child_id INT)",
           "CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, "
           "FOREIGN KEY (parent_id) REFERENCES parent (id))",
           "ALTER TABLE parent ADD FOREIGN KEY (child_id) REFERENCES child (id)",
           "CREATE TABLE `we``ird name` (id INT)",
           "CREATE VIEW v1 AS SELECT id FROM parent",
           "CREATE VIEW v2 AS SELECT id FROM v1",
           "CREATE PROCEDURE proc() BEGIN SELECT 1; END",
           "CREATE FUNCTION fn() RETURNS INT DETERMINISTIC RETURN 1",
           "CREATE TRIGGER trg BEFORE INSERT ON child FOR EACH ROW SET NEW.id = NEW.id",
           "CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM child",
           "CREATE SEQUENCE seq",
       }) {
    d->Execute(Stmt(sql));
  }
  EXPECT_FALSE(d->SchemaIsEmpty());
  d->Clean();
  EXPECT_TRUE(d->SchemaIsEmpty());
  EXPECT_FALSE(d->HistoryTableExists());
  std::string db = "'" + db_->name() + "'";
  EXPECT_EQ(MysqlScalar(url(),
                        "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                        "TABLE_SCHEMA = " +
                            db +
                            ") + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE "
                            "ROUTINE_SCHEMA = " +
                            db +
                            ") + (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                            "TRIGGER_SCHEMA = " +
                            db +
                            ") + (SELECT COUNT(*) FROM information_schema.EVENTS WHERE "
                            "EVENT_SCHEMA = " +
                            db + ")"),
            "0");
  // Foreign key checks are back on for the session.
  d->Execute(Stmt("CREATE TABLE p (id INT PRIMARY KEY)"));
  d->Execute(Stmt("CREATE TABLE c (p_id INT, FOREIGN KEY (p_id) REFERENCES p (id))"));
  Error e = ExpectError([&] { d->Execute(Stmt("INSERT INTO c VALUES (42)")); });
  EXPECT_EQ(e.vendor_code, 1452);
  d->Clean();  // and Clean runs twice
  EXPECT_TRUE(d->SchemaIsEmpty());
}

class MysqlTlsTest : public MysqlDriverTest {
 protected:
  void SetUp() override {
    MysqlDriverTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ca_ = test::EnvOr("FLYRUN_TEST_MYSQL_SSL_CA");
    admin_ = test::EnvOr("FLYRUN_TEST_MYSQL_ADMIN_URL");
    if (ca_.empty() || admin_.empty()) GTEST_SKIP() << "the test server has no TLS certificate";
    // A user that may only log in over TLS proves the connection is encrypted.
    user_ = "flyrun_tls";
    MysqlQuery(admin_, "CREATE USER IF NOT EXISTS '" + user_ + "'@'%' IDENTIFIED BY '" + pw_ +
                           "' REQUIRE SSL");
    MysqlQuery(admin_, "GRANT ALL ON `flyrun%`.* TO '" + user_ + "'@'%'");
    std::string port = std::to_string(test::MysqlUrlPort(url()));
    tls_url_ = "mysql://" + user_ + ":" + pw_ + "@127.0.0.1:" + port + "/" + db_->name();
  }

  std::string ca_, admin_, user_, tls_url_;
  std::string pw_ = "tls-only-pw";
};

TEST_F(MysqlTlsTest, SslModes) {
  EXPECT_NO_THROW(Open(test::MysqlUrlWithParam(tls_url_, "ssl-mode=REQUIRED")));
  EXPECT_NO_THROW(Open(test::MysqlUrlWithParam(tls_url_, "ssl-mode=VERIFY_CA&ssl-ca=" + ca_)));
  EXPECT_NO_THROW(
      Open(test::MysqlUrlWithParam(tls_url_, "ssl-mode=VERIFY_IDENTITY&ssl-ca=" + ca_)));

  Error e = ExpectError([&] { Open(test::MysqlUrlWithParam(tls_url_, "ssl-mode=DISABLED")); });
  EXPECT_EQ(e.code(), ExitCode::kConnect);
  EXPECT_EQ(e.vendor_code, 1045);

  // Verification without the CA that signed the server's certificate fails.
  e = ExpectError([&] { Open(test::MysqlUrlWithParam(tls_url_, "ssl-mode=VERIFY_IDENTITY")); });
  EXPECT_EQ(e.code(), ExitCode::kConnect);
  EXPECT_FALSE(Contains(e.what(), pw_));
}

}  // namespace
}  // namespace flyrun::mysql_test
