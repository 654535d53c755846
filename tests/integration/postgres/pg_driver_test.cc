// The PostgreSQL driver against a real server: what the conformance suite
// cannot say portably (COPY, error fields, schemas and search_path, clean of
// every object kind, connection failures).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "core/error.h"
#include "core/interrupt.h"
#include "driver/factory.h"
#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

Statement Sql(const std::string& sql) {
  Statement st;
  st.sql = sql;
  return st;
}

std::string PasswordOf(const std::string& url) {
  auto at = url.rfind('@');
  auto colon = url.find(':', url.find("://") + 3);
  return url.substr(colon + 1, at - colon - 1);
}

std::string WithPassword(const std::string& url, const std::string& password) {
  auto at = url.rfind('@');
  auto colon = url.find(':', url.find("://") + 3);
  return url.substr(0, colon + 1) + password + url.substr(at);
}

std::string WithPort(const std::string& url, int port) {
  auto at = url.rfind('@');
  auto colon = url.find(':', at);
  auto slash = url.find('/', colon);
  return url.substr(0, colon + 1) + std::to_string(port) + url.substr(slash);
}

// A port on 127.0.0.1 that nothing listens on.
int ClosedPort() { return 1; }

// Generates `rows` lines of COPY text data in chunks, never all at once.
class GeneratedCopy final : public CopyData {
 public:
  GeneratedCopy(int rows, std::string (*line)(int)) : rows_(rows), line_(line) {}
  bool Next(std::string& out) override {
    out.clear();
    while (next_ <= rows_ && out.size() < 8192) out += line_(next_++);
    return !out.empty();
  }

 private:
  int rows_;
  int next_ = 1;
  std::string (*line_)(int);
};

// Fails after a few chunks, as a splitter does on a script cut short.
class BrokenCopy final : public CopyData {
 public:
  bool Next(std::string& out) override {
    if (++calls_ > 3) throw Error(ExitCode::kValidation, "unterminated COPY data");
    out = std::to_string(calls_) + "\n";
    return true;
  }

 private:
  int calls_ = 0;
};

std::string TextLine(int i) { return std::to_string(i) + "\tname " + std::to_string(i) + "\n"; }
std::string CsvLine(int i) {
  return std::to_string(i) + ",\"a, \"\"quoted\"\" " + std::to_string(i) + "\"\n";
}

class PgDriver : public ::testing::Test {
 protected:
  void SetUp() override {
    FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
    db_ = std::make_unique<PgScratchDatabase>();
  }
  ConnectionOptions Options(const std::string& schema = {}) const {
    ConnectionOptions o;
    o.url = db_->url();
    o.schema = schema;
    o.connect_timeout = milliseconds(5000);
    return o;
  }
  std::unique_ptr<Driver> Open(const std::string& schema = {}) const {
    return OpenDriver(Options(schema));
  }
  std::unique_ptr<PgScratchDatabase> db_;
};

TEST_F(PgDriver, ClosedPortIsAConnectErrorWithoutThePassword) {
  ConnectionOptions o = Options();
  o.url = WithPort(o.url, ClosedPort());
  Error e = Catch([&] { OpenDriver(o); });
  EXPECT_EQ(ExitCode::kConnect, e.code());
  EXPECT_TRUE(e.sqlstate.empty()) << e.sqlstate;
  std::string all = std::string(e.what()) + e.hint() + e.detail;
  EXPECT_NE(std::string::npos, all.find("127.0.0.1")) << all;
  EXPECT_EQ(std::string::npos, all.find(PasswordOf(o.url))) << all;
  EXPECT_NE(std::string::npos, all.find(":***@")) << all;
}

TEST_F(PgDriver, WrongPasswordIsAnAuthenticationErrorThatIsNotRetried) {
  ConnectionOptions o = Options();
  std::string right = PasswordOf(o.url);
  o.url = WithPassword(o.url, "wrong-pass-4711");
  o.connect_retries = 3;
  o.connect_retry_interval = milliseconds(2000);
  auto start = steady_clock::now();
  Error e = Catch([&] { OpenDriver(o); });
  EXPECT_LT(steady_clock::now() - start, milliseconds(1500)) << "authentication was retried";
  EXPECT_EQ(ExitCode::kConnect, e.code());
  EXPECT_EQ("28P01", e.sqlstate);
  std::string all = std::string(e.what()) + e.hint() + e.detail;
  EXPECT_NE(std::string::npos, all.find("password authentication failed")) << all;
  EXPECT_EQ(std::string::npos, all.find("wrong-pass-4711")) << all;
  EXPECT_EQ(std::string::npos, all.find(right)) << all;

  // The same through the password option.
  o.url = WithPassword(o.url, right);
  o.password = "wrong-pass-4712";
  e = Catch([&] { OpenDriver(o); });
  EXPECT_EQ("28P01", e.sqlstate);
  EXPECT_EQ(std::string::npos, std::string(e.what()).find("wrong-pass-4712")) << e.what();
}

TEST_F(PgDriver, RefusedConnectionsAreRetried) {
  ConnectionOptions o = Options();
  o.url = WithPort(o.url, ClosedPort());
  o.connect_retries = 2;
  o.connect_retry_interval = milliseconds(150);
  auto start = steady_clock::now();
  EXPECT_EQ(ExitCode::kConnect, Catch([&] { OpenDriver(o); }).code());
  EXPECT_GE(steady_clock::now() - start, milliseconds(300));
}

TEST_F(PgDriver, ConnectTimeoutBoundsAServerThatNeverAnswers) {
  // A socket that accepts connections (the kernel does) and never says a word.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(0, bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr));
  ASSERT_EQ(0, listen(fd, 8));
  socklen_t len = sizeof addr;
  ASSERT_EQ(0, getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len));
  ConnectionOptions o = Options();
  o.url = WithPort(o.url, ntohs(addr.sin_port));
  o.connect_timeout = milliseconds(2000);  // libpq's minimum
  auto start = steady_clock::now();
  Error e = Catch([&] { OpenDriver(o); });
  auto waited = steady_clock::now() - start;
  close(fd);
  EXPECT_EQ(ExitCode::kConnect, e.code()) << e.what();
  EXPECT_GE(waited, milliseconds(1500));
  EXPECT_LT(waited, milliseconds(6000));
}

TEST_F(PgDriver, PasswordAndUserOptionsOverrideTheUrl) {
  ConnectionOptions o = Options();
  std::string password = PasswordOf(o.url);
  o.url = WithPassword(o.url, "not-this-one");
  o.password = password;
  EXPECT_EQ("flyrun", OpenDriver(o)->CurrentUser());

  // user from the option, password from the option, none in the URL.
  std::string admin = db_->admin_url();
  o.url = "postgresql://nobody@" + admin.substr(admin.rfind('@') + 1);
  o.user = "postgres";
  o.password = PasswordOf(admin);
  EXPECT_EQ("postgres", OpenDriver(o)->CurrentUser());
}

TEST_F(PgDriver, UriParametersPassThroughToLibpq) {
  ConnectionOptions o = Options();
  o.url += "?application_name=probe_app&options=-c%20statement_timeout%3D4321";
  auto d = OpenDriver(o);
  d->Execute(Sql(
      "DO $$ BEGIN IF current_setting('application_name') <> 'probe_app' OR "
      "current_setting('statement_timeout') <> '4321ms' THEN RAISE EXCEPTION 'not passed: %, %', "
      "current_setting('application_name'), current_setting('statement_timeout'); END IF; END $$"));
}

TEST_F(PgDriver, InitSqlRunsAfterConnecting) {
  ConnectionOptions o = Options();
  o.init_sql = {"SET application_name = 'from_init'", "SET work_mem = '7MB'"};
  auto d = OpenDriver(o);
  d->Execute(
      Sql("DO $$ BEGIN IF current_setting('application_name') <> 'from_init' OR "
          "current_setting('work_mem') <> '7MB' THEN RAISE EXCEPTION 'init_sql'; "
          "END IF; END $$"));
  o.init_sql = {"SET no_such_setting_at_all = 1"};
  Error e = Catch([&] { OpenDriver(o); });
  EXPECT_EQ(ExitCode::kUsage, e.code());
  EXPECT_NE(std::string::npos, std::string(e.what()).find("init_sql")) << e.what();
}

TEST_F(PgDriver, SchemaIsCreatedAndMigrationsLandInIt) {
  auto d = Open("app_schema");
  EXPECT_EQ("\"app_schema\".\"flyrun_schema_history\"", d->history_table_sql());
  d->EnsureHistoryTable();
  EXPECT_EQ("t", db_->Query("SELECT to_regclass('app_schema.flyrun_schema_history') IS NOT NULL"));
  d->Execute(Sql("CREATE TABLE landed (id INT)"));
  EXPECT_EQ("t", db_->Query("SELECT to_regclass('app_schema.landed') IS NOT NULL"));
  EXPECT_EQ("NULL", db_->Query("SELECT to_regclass('public.landed')"));
  // Functions of public (where extensions usually live) stay visible.
  db_->Query("CREATE FUNCTION public.helper() RETURNS int LANGUAGE sql AS 'SELECT 1'");
  d->Execute(Sql("SELECT helper()"));
}

TEST_F(PgDriver, DefaultSchemaIsTheConnectionsCurrentSchema) {
  auto d = Open();
  EXPECT_EQ("\"public\".\"flyrun_schema_history\"", d->history_table_sql());
  EXPECT_EQ(db_->name(), d->DatabaseName());
  ConnectionOptions o = Options();
  o.table = "Odd \"Name\"";
  auto odd = OpenDriver(o);
  EXPECT_EQ("\"public\".\"Odd \"\"Name\"\"\"", odd->history_table_sql());
  odd->EnsureHistoryTable();
  EXPECT_TRUE(odd->HistoryTableExists());
  EXPECT_TRUE(odd->ReadHistory().empty());
}

TEST_F(PgDriver, ErrorsCarryDetailHintContextAndPosition) {
  auto d = Open();
  d->Execute(Sql("CREATE TABLE u (id INT PRIMARY KEY)"));
  d->Execute(Sql("INSERT INTO u VALUES (1)"));
  Error e = Catch([&] { d->Execute(Sql("INSERT INTO u VALUES (1)")); });
  EXPECT_EQ("23505", e.sqlstate);
  EXPECT_NE(std::string::npos, std::string(e.what()).find("duplicate key")) << e.what();
  EXPECT_NE(std::string::npos, e.detail.find("Key (id)=(1) already exists.")) << e.detail;

  e = Catch([&] {
    d->Execute(
        Sql("DO $$ BEGIN RAISE EXCEPTION 'boom' USING DETAIL = 'the detail', "
            "HINT = 'the hint'; END $$"));
  });
  EXPECT_EQ("P0001", e.sqlstate);
  EXPECT_EQ("boom", std::string(e.what()));
  EXPECT_EQ("the hint", e.hint());
  EXPECT_NE(std::string::npos, e.detail.find("the detail")) << e.detail;
  EXPECT_NE(std::string::npos, e.detail.find("CONTEXT: PL/pgSQL")) << e.detail;

  e = Catch([&] { d->Execute(Sql("SELECT 'ßß' AS a,\n       'é' AS b, no_col\n  FROM u")); });
  EXPECT_EQ("42703", e.sqlstate);
  EXPECT_EQ(2, e.line);
  EXPECT_EQ(19, e.column);

  e = Catch([&] { d->Execute(Sql("SELECT 1\nFROM u\nWHERE")); });  // at end of input
  EXPECT_EQ("42601", e.sqlstate);
  EXPECT_EQ(3, e.line);
}

// The first statement of a transaction travels with its BEGIN, the history row
// with its COMMIT: positions, errors and state must not show it.
TEST_F(PgDriver, PipelinedBeginAndCommitAreInvisible) {
  auto d = Open();
  d->EnsureHistoryTable();
  d->Execute(Sql("CREATE TABLE p (id INT)"));
  d->Begin();
  EXPECT_TRUE(d->in_transaction());
  Error e = Catch([&] { d->Execute(Sql("SELECT id,\n       nope\n  FROM p")); });
  EXPECT_EQ("42703", e.sqlstate);
  EXPECT_EQ(2, e.line);
  EXPECT_EQ(8, e.column);
  d->Rollback();
  EXPECT_FALSE(d->in_transaction());

  d->Begin();  // a syntax error stops the whole string, BEGIN included
  e = Catch([&] { d->Execute(Sql("SELECT 1\nFROM p WHERE WHERE")); });
  EXPECT_EQ("42601", e.sqlstate);
  EXPECT_EQ(2, e.line);
  EXPECT_EQ(14, e.column);
  d->Rollback();
  EXPECT_FALSE(d->in_transaction());

  d->Begin();  // an empty transaction
  d->Commit();
  EXPECT_FALSE(d->in_transaction());

  // A history row that the server refuses fails the COMMIT, which rolls back.
  d->Begin();
  d->Execute(Sql("INSERT INTO p VALUES (1)"));
  // (a version longer than its column: long descriptions are shortened).
  AppliedMigration row{0,   std::string(60, '1'), "x", "SQL", "V1__x.sql", std::nullopt, "", "", 1,
                       true};
  d->InsertHistory(row);
  e = Catch([&] { d->Commit(); });
  EXPECT_EQ(ExitCode::kMigrationFailed, e.code());
  EXPECT_EQ("22001", e.sqlstate);
  EXPECT_FALSE(d->in_transaction());
  EXPECT_EQ("0", db_->Query("SELECT count(*) FROM p"));
  EXPECT_TRUE(d->ReadHistory().empty());

  // Reading in the middle of a transaction sees its own pending row.
  d->Begin();
  row.version = "1";
  row.description = "ok";
  d->InsertHistory(row);
  EXPECT_EQ(1u, d->ReadHistory().size());
  d->Rollback();
  EXPECT_TRUE(d->ReadHistory().empty());
}

TEST_F(PgDriver, StatementsThatCannotRunInATransactionAreRecognisable) {
  auto d = Open();
  d->Execute(Sql("CREATE TABLE ix (id INT)"));
  d->Begin();
  Error e = Catch([&] { d->Execute(Sql("CREATE INDEX CONCURRENTLY ix_id ON ix (id)")); });
  EXPECT_EQ(ExitCode::kMigrationFailed, e.code());
  EXPECT_EQ("25001", e.sqlstate);
  d->Rollback();
  d->Execute(Sql("CREATE INDEX CONCURRENTLY ix_id ON ix (id)"));
  d->Execute(Sql("VACUUM ix"));
}

TEST_F(PgDriver, CommitOfAnAbortedTransactionFails) {
  auto d = Open();
  d->EnsureHistoryTable();
  d->Begin();
  Catch([&] { d->Execute(Sql("SELECT * FROM no_such_table")); });
  EXPECT_EQ(ExitCode::kMigrationFailed, Catch([&] { d->Commit(); }).code());
  EXPECT_FALSE(d->in_transaction());
}

TEST_F(PgDriver, CopyFromStdinStreamsTextAndCsv) {
  auto d = Open();
  d->Execute(Sql("CREATE TABLE c (id INT PRIMARY KEY, name TEXT)"));
  GeneratedCopy text(50000, TextLine);
  Statement st = Sql("COPY c (id, name) FROM stdin");
  st.copy_data = &text;
  d->Execute(st);
  EXPECT_EQ("50000", db_->Query("SELECT count(*) FROM c"));
  EXPECT_EQ("name 777", db_->Query("SELECT name FROM c WHERE id = 777"));

  d->Execute(Sql("CREATE TABLE c2 (id INT, name TEXT)"));
  GeneratedCopy csv(100, CsvLine);
  st = Sql("COPY c2 FROM stdin WITH (FORMAT csv)");
  st.copy_data = &csv;
  d->Begin();
  d->Execute(st);
  d->Commit();
  EXPECT_EQ("a, \"quoted\" 5", db_->Query("SELECT name FROM c2 WHERE id = 5"));
}

TEST_F(PgDriver, CopyErrorsLeaveTheConnectionUsable) {
  auto d = Open();
  d->Execute(Sql("CREATE TABLE c (id INT)"));
  GeneratedCopy text(10, TextLine);  // two columns for a one-column table
  Statement st = Sql("COPY c FROM stdin");
  st.copy_data = &text;
  Error e = Catch([&] { d->Execute(st); });
  EXPECT_EQ("22P04", e.sqlstate) << e.what();

  st.copy_data = nullptr;  // a COPY FROM stdin with no data
  e = Catch([&] { d->Execute(st); });
  EXPECT_EQ(ExitCode::kMigrationFailed, e.code());

  GeneratedCopy unused(10, TextLine);  // the server refuses before asking for data
  st = Sql("COPY no_such_table FROM stdin");
  st.copy_data = &unused;
  EXPECT_EQ("42P01", Catch([&] { d->Execute(st); }).sqlstate);

  BrokenCopy broken;  // the script cannot be read to the end of the data
  st = Sql("COPY c FROM stdin");
  st.copy_data = &broken;
  d->Begin();
  EXPECT_EQ(ExitCode::kValidation, Catch([&] { d->Execute(st); }).code());
  d->Rollback();
  EXPECT_FALSE(d->in_transaction());

  d->Execute(Sql("COPY (SELECT generate_series(1, 1000)) TO STDOUT"));  // drained
  d->Execute(Sql("INSERT INTO c VALUES (1)"));
  EXPECT_EQ("1", db_->Query("SELECT count(*) FROM c"));
}

TEST_F(PgDriver, SchemaIsEmptyCountsEveryKindOfObject) {
  auto d = Open("kinds");
  d->EnsureHistoryTable();
  EXPECT_TRUE(d->SchemaIsEmpty());
  const char* objects[] = {
      "CREATE FUNCTION kinds.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
      "CREATE TYPE kinds.mood AS ENUM ('ok')",
      "CREATE DOMAIN kinds.posint AS int CHECK (VALUE > 0)",
      "CREATE SEQUENCE kinds.seq",
      "CREATE TYPE kinds.pair AS (a int, b int)",
  };
  for (const char* sql : objects) {
    d->Execute(Sql(sql));
    EXPECT_FALSE(d->SchemaIsEmpty()) << sql;
    d->Clean();
    EXPECT_TRUE(d->SchemaIsEmpty()) << sql;
  }
}

TEST_F(PgDriver, CleanDropsEveryKindOfObjectAndOnlyInItsSchema) {
  auto d = Open("app");
  d->EnsureHistoryTable();
  d->Execute(Sql("CREATE TABLE unqualified (id INT)"));  // lands in app
  db_->Query("CREATE SCHEMA keep AUTHORIZATION flyrun");
  db_->Query("SET ROLE flyrun; CREATE TABLE keep.kept (id INT)");
  const char* objects[] = {
      "CREATE TYPE mood AS ENUM ('happy', 'sad')",
      "CREATE TYPE pair AS (a int, b text)",
      "CREATE TYPE floatrange AS RANGE (subtype = float8)",
      "CREATE DOMAIN posint AS int CHECK (VALUE > 0)",
      "CREATE SEQUENCE counter",
      "CREATE TABLE person (id serial PRIMARY KEY, m mood, p pair, n posint)",
      "CREATE TABLE measure (at date NOT NULL, v int) PARTITION BY RANGE (at)",
      "CREATE TABLE measure_2024 PARTITION OF measure FOR VALUES FROM ('2024-01-01') TO "
      "('2025-01-01')",
      "CREATE VIEW person_v AS SELECT id, m FROM person",
      "CREATE MATERIALIZED VIEW person_mv AS SELECT id FROM person",
      "CREATE FUNCTION add1(i int) RETURNS int LANGUAGE sql AS 'SELECT i + 1'",
      "CREATE FUNCTION add1(i bigint) RETURNS bigint LANGUAGE sql AS 'SELECT i + 1'",
      "CREATE PROCEDURE noop() LANGUAGE sql AS 'SELECT 1'",
      "CREATE AGGREGATE my_sum(int) (SFUNC = int4pl, STYPE = int)",
      "CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$",
      "CREATE TRIGGER person_trg BEFORE INSERT ON person FOR EACH ROW EXECUTE FUNCTION trg()",
      "CREATE VIEW keep_v AS SELECT id FROM keep.kept",
  };
  for (const char* sql : objects) d->Execute(Sql(sql));
  d->InsertHistory(
      AppliedMigration{0, "1", "x", "SQL", "V1__x.sql", std::nullopt, "", "", 1, true});
  EXPECT_FALSE(d->SchemaIsEmpty());

  d->Clean();
  EXPECT_TRUE(d->SchemaIsEmpty());
  EXPECT_FALSE(d->HistoryTableExists());
  EXPECT_EQ("0",
            db_->Query("SELECT count(*) FROM pg_class WHERE relnamespace = 'app'::regnamespace"));
  EXPECT_EQ("0",
            db_->Query("SELECT count(*) FROM pg_proc WHERE pronamespace = 'app'::regnamespace"));
  EXPECT_EQ("0",
            db_->Query("SELECT count(*) FROM pg_type WHERE typnamespace = 'app'::regnamespace"));
  EXPECT_EQ("t", db_->Query("SELECT to_regclass('keep.kept') IS NOT NULL"));
  EXPECT_EQ("t", db_->Query("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'app')"));
}

TEST_F(PgDriver, CleanOfPublicKeepsTheSchemaAndItsGrants) {
  auto d = Open();
  d->EnsureHistoryTable();
  d->Execute(Sql("CREATE TABLE t (id INT)"));
  std::string acl = db_->Query("SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public'");
  d->Clean();
  EXPECT_TRUE(d->SchemaIsEmpty());
  EXPECT_EQ(acl, db_->Query("SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public'"));
  d->EnsureHistoryTable();  // and it works again
}

TEST_F(PgDriver, HistoryIsWrittenAsTheConnectingRoleWhateverTheMigrationSet) {
  // As the superuser, a migration switches role and search path (flyway's
  // setrole case); the history row and the next migration are not affected.
  std::string role = UniqueName("r");
  db_->Query("CREATE ROLE " + role);
  ConnectionOptions o = Options("app");
  o.url = db_->admin_url();
  auto d = OpenDriver(o);
  d->EnsureHistoryTable();
  d->Begin();
  d->Execute(Sql("SET ROLE " + role));
  d->Execute(Sql("SET search_path = pg_catalog"));
  d->InsertHistory(
      AppliedMigration{0, "1", "x", "SQL", "V1__x.sql", std::nullopt, "", "", 1, true});
  d->Commit();
  d->Execute(Sql("CREATE TABLE after_restore (id INT)"));
  auto rows = d->ReadHistory();
  ASSERT_EQ(1u, rows.size());
  EXPECT_EQ("postgres", rows[0].installed_by);
  EXPECT_EQ("postgres", db_->Query("SELECT tableowner FROM pg_tables WHERE tablename = "
                                   "'after_restore' AND schemaname = 'app'"));
  d.reset();
  db_->Query("DROP ROLE " + role);
}

TEST_F(PgDriver, LockKeyDependsOnSchemaAndTable) {
  auto a = Open("one");
  auto b = Open("two");
  ConnectionOptions o = Options("one");
  o.table = "other_history";
  auto c = OpenDriver(o);
  auto ga = a->Lock(milliseconds(1000));
  auto gb = b->Lock(milliseconds(1000));
  auto gc = c->Lock(milliseconds(1000));
  EXPECT_TRUE(ga && gb && gc);
  EXPECT_EQ(ExitCode::kLock, Catch([&] { Open("one")->Lock(milliseconds(0)); }).code());
}

TEST_F(PgDriver, LockGuardMayOutliveItsDriver) {
  auto d = Open();
  auto guard = d->Lock(milliseconds(1000));
  d.reset();
  EXPECT_EQ(ExitCode::kLock, Catch([&] { Open()->Lock(milliseconds(0)); }).code());
  guard.reset();
  EXPECT_TRUE(Open()->Lock(milliseconds(0)));
}

TEST_F(PgDriver, LockHolderCanCreateAnIndexConcurrentlyWhileOthersWait) {
  auto a = Open();
  a->Execute(Sql("CREATE TABLE big AS SELECT g AS id FROM generate_series(1, 10000) g"));
  auto guard = a->Lock(milliseconds(1000));
  std::unique_ptr<LockGuard> waiter_guard;
  std::string app = UniqueName("waiter");
  std::thread waiter([&] {
    ConnectionOptions o = Options();
    o.url += "?application_name=" + app;
    auto b = OpenDriver(o);
    waiter_guard = b->Lock(milliseconds(30000));
    waiter_guard.reset();
  });
  // The waiter polls pg_try_advisory_lock (its last query stays visible
  // between polls).
  EXPECT_TRUE(PollUntil([&] {
    return db_->Query("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = '" +
                      app + "' AND query LIKE '%pg_try_advisory_lock%')") == "t";
  })) << "the waiter never polled the lock";
  auto start = steady_clock::now();
  a->Execute(Sql("CREATE INDEX CONCURRENTLY big_id ON big (id)"));
  EXPECT_LT(steady_clock::now() - start, milliseconds(10000));
  guard.reset();
  waiter.join();
}

// With the interrupt flag set, every statement is raced by a cancel request:
// short ones often complete first. Whatever wins, Execute must tell the truth:
// kInterrupted only when the statement did not happen, no error when it did.
// (In a child process: the flag, once set, stays set.)
TEST_F(PgDriver, ACancelThatComesTooLateIsNotReportedAsAnInterrupt) {
  Open()->Execute(Sql("CREATE TABLE raced (id INT)"));
  ConnectionOptions options = Options();
  auto child = [options] {
    // Connected first: a signal also ends a connection attempt.
    std::vector<std::unique_ptr<Driver>> drivers;
    for (int i = 1; i <= 40; ++i) drivers.push_back(OpenDriver(options));
    InstallInterruptHandlers();
    raise(SIGINT);
    if (!Interrupted()) _exit(2);
    int completed = 0, cancelled = 0;
    for (int i = 1; i <= 40; ++i) {
      auto& d = drivers[static_cast<size_t>(i - 1)];
      bool threw = false;
      try {
        // 0 to 7 ms: the cancel request wins some and loses some.
        d->Execute(Sql("INSERT INTO raced SELECT " + std::to_string(i) + " FROM pg_sleep(" +
                       std::to_string(i % 8) + " * 0.001)"));
      } catch (const Error& e) {
        if (e.code() != ExitCode::kInterrupted) {
          std::fprintf(stderr, "statement %d: %s\n", i, e.what());
          _exit(3);
        }
        threw = true;
      }
      d.reset();
      bool there =
          PgQuery(options.url, "SELECT count(*) FROM raced WHERE id = " + std::to_string(i)) == "1";
      if (threw == there) {
        std::fprintf(stderr, "statement %d: %s but the row is %s\n", i,
                     threw ? "reported cancelled" : "reported done", there ? "there" : "absent");
        _exit(4);
      }
      ++(threw ? cancelled : completed);
    }
    std::fprintf(stderr, "completed %d, cancelled %d\n", completed, cancelled);
    std::printf("raced cancels: %d statements completed, %d cancelled\n", completed, cancelled);
    std::fflush(stdout);
    _exit(0);
  };
  EXPECT_EXIT(child(), ::testing::ExitedWithCode(0), "completed");
}

TEST_F(PgDriver, LostConnectionIsAConnectError) {
  ConnectionOptions o = Options();
  std::string app = UniqueName("victim");
  o.url += "?application_name=" + app;
  auto d = OpenDriver(o);
  db_->Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" +
             app + "'");
  Error e = Catch([&] { d->Execute(Sql("SELECT 1")); });
  EXPECT_EQ(ExitCode::kConnect, e.code()) << e.what();
  EXPECT_EQ(std::string::npos, std::string(e.what()).find(PasswordOf(o.url))) << e.what();
  d->Rollback();  // harmless
  EXPECT_FALSE(d->in_transaction());
}

}  // namespace
}  // namespace flyrun::test
