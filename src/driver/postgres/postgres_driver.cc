#include "driver/postgres/postgres_driver.h"

#include <libpq-fe.h>

#include <spdlog/spdlog.h>
#include <algorithm>
#include <cstdint>
#include <optional>
#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/interrupt.h"
#include "driver/common/flyway_lock.h"
#include "driver/common/history_checks.h"
#include "driver/common/history_sql.h"
#include "driver/postgres/pg_catalog_sql.h"
#include "driver/postgres/pg_connection.h"
#include "driver/postgres/pg_exec.h"
#include "driver/postgres/pg_session_sql.h"
#include "driver/postgres/pg_url.h"
#include "lock/migration_lock.h"

namespace flyrun {
namespace {

std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

// libpq messages span lines ("...failed: Connection refused\n\tIs the server
// running..."); one line reads better in a log.
std::string OneLine(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n') {
      out += text[i] == '\t' ? ' ' : text[i];
      continue;
    }
    while (i + 1 < text.size() && (text[i + 1] == '\t' || text[i + 1] == ' ')) ++i;
    if (i + 1 < text.size()) out += "; ";
  }
  return out;
}

bool Contains(const std::string& text, const char* what) {
  return text.find(what) != std::string::npos;
}

// libpq reports connection failures as text only; authentication failures get
// an SQLSTATE of class 28 so that the factory does not retry them.
std::string AuthSqlstate(const std::string& message) {
  if (Contains(message, "password authentication failed") ||
      Contains(message, "no password supplied"))
    return "28P01";
  if (Contains(message, "authentication failed") || Contains(message, "pg_hba.conf") ||
      (Contains(message, "role \"") && Contains(message, "does not exist")))
    return "28000";
  return {};
}

Error ConnectError(const std::string& libpq_message, const pg::ConnectTarget& target) {
  std::string why = OneLine(TrimRight(libpq_message));
  std::string sqlstate = AuthSqlstate(why);
  std::string hint =
      sqlstate.empty()
          ? "check that the server runs and accepts connections at that host and port; "
            "connect_retries and connect_retry_interval wait for a server that is starting"
          : "check the user and the password (url, user, password, password_file or "
            "FLYRUN_PASSWORD) and the server's pg_hba.conf";
  Error e(ExitCode::kConnect, "cannot connect to " + target.display_url + ": " + why, hint);
  e.sqlstate = sqlstate;
  return e;
}

// 64-bit FNV-1a: a stable lock key for database + schema + table.
int64_t LockKey(const std::string& database, const std::string& schema, const std::string& table) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;  // separator, so ("ab", "c") differs from ("a", "bc")
    h *= 1099511628211ULL;
  };
  mix("flyrun");
  mix(database);
  mix(schema);
  mix(table);
  return static_cast<int64_t>(h);
}

/// The connection and what every user of it needs; shared by the driver and
/// its lock guard so that either may outlive the other.
struct Session {
  Session(const std::string& conninfo, std::chrono::milliseconds connect_timeout)
      : conn(conninfo, connect_timeout) {}
  pg::Connection conn;
  std::string display_url;

  PGconn* raw() const { return conn.raw(); }

  pg::RunOptions Run(bool cancel_on_interrupt = false) const {
    pg::RunOptions o;
    o.cancel_on_interrupt = cancel_on_interrupt;
    o.display_url = display_url;
    return o;
  }

  /// Runs `f` and turns libpqxx's exceptions into flyrun::Error.
  template <typename F>
  auto Guard(F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const Error&) {
      throw;
    } catch (const pqxx::broken_connection& e) {
      throw Error(ExitCode::kConnect,
                  "lost the connection to " + display_url + ": " + OneLine(TrimRight(e.what())));
    } catch (const pqxx::sql_error& e) {
      std::string message = TrimRight(e.what());
      for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
        if (message.rfind(prefix, 0) == 0) message.erase(0, std::string(prefix).size());
      }
      message = message.substr(0, message.find('\n'));
      Error err(ExitCode::kMigrationFailed, message);
      err.sqlstate = e.sqlstate();
      throw err;
    } catch (const std::exception& e) {
      throw Error(ExitCode::kMigrationFailed, OneLine(TrimRight(e.what())));
    }
  }

  /// A query of ours with parameters, outside any transaction of its own.
  template <typename... Args>
  pqxx::result Query(const std::string& sql, Args&&... args) {
    Flush();
    return Guard([&] {
      pqxx::nontransaction tx(conn);
      return tx.exec_params(sql, std::forward<Args>(args)...);
    });
  }
  /// The same without parameters, possibly several statements (the result
  /// is the last one's).
  pqxx::result QueryText(const std::string& sql) {
    Flush();
    return Guard([&] {
      pqxx::nontransaction tx(conn);
      return tx.exec(sql);
    });
  }

  /// Runs statements of ours, after whatever is pending, in one round trip.
  void Exec(const std::string& sql) {
    std::string all = std::move(pending);
    pending.clear();
    pg::RunSql(raw(), all + sql, nullptr, Run());
  }
  void Flush() {
    if (!pending.empty()) Exec("");
  }

  /// SQL not sent yet, ending with "; ": a BEGIN, history rows of the open
  /// transaction. It goes with the next statement, saving round trips (a
  /// migration costs BEGIN+first statement, the rest, history row+COMMIT).
  std::string pending;
  static constexpr std::string_view kBegin = "BEGIN; ";
  bool begin_pending() const { return pending.rfind(kBegin, 0) == 0; }
};

/// A session-level advisory lock. Polled with pg_try_advisory_lock rather than
/// waited for in pg_advisory_lock: a waiting statement holds a snapshot, and
/// CREATE INDEX CONCURRENTLY in the session holding the lock would wait for it
/// forever. A session-level lock conflicts with Flyway's transaction-level one
/// on the same key.
class AdvisoryLock final : public NativeLock {
 public:
  AdvisoryLock(std::shared_ptr<Session> session, int64_t key, std::string what, std::string hint)
      : s_(std::move(session)), key_(key), what_(std::move(what)), hint_(std::move(hint)) {}
  std::string name() const override { return what_; }
  std::string hint() const override {
    return hint_ +
           ". The holder: SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND "
           "((classid::bigint << 32) | objid::bigint) = " +
           std::to_string(key_);
  }
  bool TryOnce(std::chrono::milliseconds /*wait*/) override {
    return s_->Query("SELECT pg_try_advisory_lock($1)", key_)[0][0].as<bool>();
  }
  void Release() noexcept override {
    PGconn* conn = s_->raw();
    if (!conn || PQstatus(conn) != CONNECTION_OK) return;  // the server released it
    // An aborted transaction refuses every statement, the unlock included.
    if (PQtransactionStatus(conn) == PQTRANS_INERROR) pg::RunQuietly(conn, "ROLLBACK");
    std::string sql = "SELECT pg_advisory_unlock(" + std::to_string(key_) + ")";
    pg::RunQuietly(conn, sql.c_str());
  }
  std::string Holder() noexcept override {
    try {
      // A bigint key is split into classid (high half) and objid, objsubid 1.
      pqxx::result r = s_->Query(
          "SELECT l.pid, a.application_name, a.usename, host(a.client_addr), "
          "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
          "FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid "
          "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
          "AND l.database = (SELECT oid FROM pg_catalog.pg_database "
          "WHERE datname = current_database()) "
          "AND ((l.classid::bigint << 32) | l.objid::bigint) = $1 LIMIT 1",
          key_);
      if (r.empty()) return {};
      std::string out = " (held by pid " + r[0][0].as<std::string>();
      if (!r[0][1].is_null() && !r[0][1].as<std::string>().empty())
        out += ", " + r[0][1].as<std::string>();
      if (!r[0][2].is_null()) {
        out += ", " + r[0][2].as<std::string>();
        if (!r[0][3].is_null()) out += "@" + r[0][3].as<std::string>();
      }
      if (!r[0][4].is_null()) out += ", connected since " + r[0][4].as<std::string>();
      return out + ")";
    } catch (...) {
      return {};  // the message without the holder rather than another error
    }
  }

 private:
  std::shared_ptr<Session> s_;
  int64_t key_;
  std::string what_;
  std::string hint_;
};

/// The lease lock's SQL on a session: `?` becomes $1, $2, ...; a write
/// conflict (serialization failure, deadlock, lock wait timeout, a unique
/// violation of concurrent creators) becomes LeaseConflict.
class PgLeaseSql final : public LeaseSql {
 public:
  explicit PgLeaseSql(std::shared_ptr<Session> session) : s_(std::move(session)) {}
  int64_t Exec(const std::string& sql, const std::vector<LeaseValue>& params) override {
    return static_cast<int64_t>(Run(sql, params).affected_rows());
  }
  std::vector<LeaseRow> Query(const std::string& sql,
                              const std::vector<LeaseValue>& params) override {
    std::vector<LeaseRow> rows;
    for (const auto& r : Run(sql, params)) {
      LeaseRow row;
      for (const auto& field : r) {
        row.push_back(field.is_null() ? std::nullopt
                                      : std::optional<std::string>(field.as<std::string>()));
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

 private:
  pqxx::result Run(const std::string& sql, const std::vector<LeaseValue>& params) {
    std::string text;
    int n = 0;
    for (char ch : sql) text += ch == '?' ? "$" + std::to_string(++n) : std::string(1, ch);
    std::vector<std::string> values;
    for (const LeaseValue& value : params) {
      values.push_back(std::holds_alternative<int64_t>(value)
                           ? std::to_string(std::get<int64_t>(value))
                           : std::get<std::string>(value));
    }
    s_->Flush();
    try {
      return s_->Guard([&] {
        pqxx::nontransaction tx(s_->conn);
        return tx.exec_params(text, pqxx::prepare::make_dynamic_params(values));
      });
    } catch (const Error& e) {
      for (const char* conflict : {"40001", "40P01", "55P03", "23505"}) {
        if (e.sqlstate == conflict) throw LeaseConflict(e.what());
      }
      throw;
    }
  }

  std::shared_ptr<Session> s_;
};

class PostgresDriver final : public Driver {
 public:
  explicit PostgresDriver(const ConnectionOptions& options);

  Dialect dialect() const override { return Dialect::kPostgres; }
  bool transactional_ddl() const override { return true; }
  std::string history_table_sql() const override { return qualified_; }
  HistoryFormat history_format() const override { return format_; }

  std::unique_ptr<LockGuard> Lock(std::chrono::milliseconds timeout) override;
  std::string LockHolder() override;

  void Begin() override;
  void Commit() override;
  void Rollback() noexcept override;
  bool in_transaction() const override;

  void Execute(const Statement& statement) override;

  void EnsureHistoryTable() override;
  bool HistoryTableExists() override;
  std::vector<AppliedMigration> ReadHistory() override;
  void InsertHistory(const AppliedMigration& row) override;
  void DeleteHistory(int installed_rank) override;
  void UpdateHistory(int installed_rank, const std::optional<std::string>& checksum,
                     const std::string& description, bool success) override;

  std::string CurrentUser() override { return user_; }
  std::string DatabaseName() override { return database_; }
  std::string CurrentSchema() override { return schema_; }
  bool SchemaIsEmpty() override;
  void Clean() override;

  SessionLexing session_lexing() const override;
  std::string NativeLockCaveat() const override { return pooler_caveat_; }
  std::string ReadOnlyReason() override { return read_only_reason_; }

 private:
  /// Runs init_sql and sets up the session (schema first on the search path),
  /// then reads what the driver needs to know of it and of the history table.
  /// Through a pooler the setup becomes a prologue of SET LOCALs that every
  /// transaction begins with.
  void SetUpSession(const ConnectionOptions& options);
  bool SchemaExists();
  /// The locks Lock() may take: flyrun's advisory lock (and Flyway's), or
  /// the lease row beside the history table.
  LockPlan MakeLockPlan();
  /// Puts back the role and search_path the session had after connecting, so
  /// that a migration's SET ROLE or SET search_path does not leak into the
  /// history row or the next migration (as Flyway does).
  std::string RestoreSessionSql();

  std::shared_ptr<Session> s_;
  std::string conninfo_;  ///< for the lease lock's own connections
  std::chrono::milliseconds connect_timeout_;
  LockMode lock_mode_;
  std::chrono::milliseconds lock_lease_;
  std::unique_ptr<PgLeaseSql> own_lease_sql_;
  std::string schema_;
  std::string table_;
  std::string qualified_;
  std::string user_;
  std::string database_;
  std::string role_;
  std::string search_path_;
  HistoryFormat format_ = HistoryFormat::kFlyrun;
  bool scs_reset_ = true;  ///< standard_conforming_strings' reset value (RESET goes back to it)
  /// Non-empty when a pooler hands our transactions to server connections
  /// shared with other clients (NativeLockCaveat()).
  std::string pooler_caveat_;
  std::string read_only_reason_;
  /// What Begin() sends: "BEGIN; ", and through a pooler the session setup
  /// (init_sql and the search path) as SET LOCALs after it.
  std::string begin_sql_{Session::kBegin};
};

PostgresDriver::PostgresDriver(const ConnectionOptions& options)
    : connect_timeout_(options.connect_timeout),
      lock_mode_(options.lock),
      lock_lease_(options.lock_lease),
      table_(options.table) {
  pg::ConnectTarget target = pg::BuildConnectTarget(options);
  conninfo_ = target.conninfo;
  try {
    s_ = std::make_shared<Session>(target.conninfo, options.connect_timeout);
  } catch (const Error&) {
    throw;  // interrupted while connecting
  } catch (const std::exception& e) {
    throw ConnectError(e.what(), target);
  }
  s_->display_url = target.display_url;

  // libpq's backend pid is the one the server sent when we connected; behind
  // a pooler (PgBouncer) it is the pooler's own and differs from the pid of
  // the server process that runs our statements. Asked before anything sets
  // session state, which a pooler would hand on to other clients.
  pqxx::result first = s_->QueryText(
      "SELECT pg_backend_pid(), pg_is_in_recovery(), current_setting('transaction_read_only'), "
      "current_setting('default_transaction_read_only')");
  int libpq_pid = PQbackendPID(s_->raw());
  int server_pid = first[0][0].as<int>();
  if (libpq_pid != server_pid) {
    pooler_caveat_ =
        "the connection goes through a connection pooler (libpq's backend pid " +
        std::to_string(libpq_pid) + " is not the server's pg_backend_pid() " +
        std::to_string(server_pid) +
        ", as behind PgBouncer): session advisory locks are not reliable through a pooler "
        "that hands each transaction to any server connection";
  }
  // CockroachDB speaks PostgreSQL's protocol and announces itself with a
  // crdb_version parameter; its pg_try_advisory_lock always answers true.
  if (pooler_caveat_.empty() && PQparameterStatus(s_->raw(), "crdb_version") != nullptr) {
    pooler_caveat_ = "the server is CockroachDB, whose advisory locks always succeed";
  }
  if (first[0][1].as<bool>()) {
    read_only_reason_ = "the server is a standby in recovery (pg_is_in_recovery())";
  } else if (first[0][3].as<std::string>() == "on") {
    read_only_reason_ = "default_transaction_read_only is on for this session";
  } else if (first[0][2].as<std::string>() == "on") {
    read_only_reason_ = "transaction_read_only is on for this session";
  }
  SetUpSession(options);
}

void PostgresDriver::SetUpSession(const ConnectionOptions& options) {
  bool pooled = !pooler_caveat_.empty();
  std::string prologue;  // through a pooler: sent after every BEGIN
  if (pooled) {
    for (const auto& sql : options.init_sql) {
      auto local = pg::AsSetLocal(sql);
      prologue += (local ? local->sql : sql) + "; ";
    }
  }
  if (!options.init_sql.empty() && !pooled) {
    try {
      for (const auto& sql : options.init_sql) s_->Exec(sql);
    } catch (const Error& e) {
      if (e.code() != ExitCode::kMigrationFailed) throw;
      Error err(ExitCode::kUsage, "init_sql failed: " + std::string(e.what()), e.hint());
      err.sqlstate = e.sqlstate;
      err.detail = e.detail;
      throw err;
    }
  }
  // One round trip for the session's setup and what we need to know of it.
  std::string setup;
  // A backend whose client died mid-statement (kill -9 during a long
  // migration) notices it within a second and releases the lock, instead of
  // finishing the statement first.
  if (PQserverVersion(s_->raw()) >= 140000 && !pooled)
    setup += "SET client_connection_check_interval = 1000; ";
  if (!options.schema.empty()) {
    // The schema goes first on the search path, so unqualified objects of the
    // migrations land there; the rest of the path stays (extensions in public).
    std::string schema = s_->conn.quote(options.schema);
    setup +=
        "SELECT set_config('search_path', CASE WHEN current_setting('search_path') = '' "
        "THEN quote_ident(" +
        schema + ") ELSE quote_ident(" + schema +
        ") || ', ' || current_setting('search_path') END, " + (pooled ? "true" : "false") + "); ";
  }
  if (pooled) {
    // The setup itself runs in a transaction that begins with it.
    prologue += setup;
    setup.clear();
    begin_sql_ = std::string(Session::kBegin) + prologue;
    s_->pending = begin_sql_;
  }
  setup +=
      "SELECT current_user, current_database(), current_schema(), "
      "current_setting('search_path'), current_setting('role'), "
      "(SELECT reset_val FROM pg_catalog.pg_settings WHERE name = "
      "'standard_conforming_strings')";
  pqxx::result r;
  try {
    r = s_->QueryText(setup);
    if (pooled) s_->Exec("COMMIT");
  } catch (const Error& e) {
    if (!pooled || e.code() != ExitCode::kMigrationFailed) throw;
    Rollback();
    Error err(ExitCode::kUsage, "init_sql failed: " + std::string(e.what()), e.hint());
    err.sqlstate = e.sqlstate;
    err.detail = e.detail;
    throw err;
  }
  user_ = r[0][0].as<std::string>();
  database_ = r[0][1].as<std::string>();
  schema_ = options.schema;
  if (schema_.empty()) {
    if (r[0][2].is_null())
      throw UsageError(
          "the connection has no current schema (search_path: " + r[0][3].as<std::string>() + ")",
          "set `schema` to the schema that holds the history table");
    schema_ = r[0][2].as<std::string>();
  }
  search_path_ = r[0][3].as<std::string>();
  role_ = r[0][4].as<std::string>();
  scs_reset_ = r[0][5].is_null() || r[0][5].as<std::string>() != "off";
  qualified_ = s_->conn.quote_name(schema_) + "." + s_->conn.quote_name(table_);
  own_lease_sql_ = std::make_unique<PgLeaseSql>(s_);

  std::optional<bool> integer_checksum;
  if (options.history_format != HistoryFormat::kFlyway) {
    pqxx::result c = s_->Query(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
        "to_regclass($1) AND attname = 'checksum' AND NOT attisdropped",
        qualified_);
    if (!c.empty()) integer_checksum = IsIntegerColumnType(c[0][0].as<std::string>());
  }
  format_ = ChooseHistoryFormat(options.history_format == HistoryFormat::kFlyway, integer_checksum);
}

// libpq keeps the server's report of standard_conforming_strings (a
// GUC_REPORT setting) current after every statement, a script's SET and a
// rolled-back SET included: no round trip.
SessionLexing PostgresDriver::session_lexing() const {
  SessionLexing lexing;
  lexing.reset.standard_conforming_strings = scs_reset_;
  PGconn* conn = s_->raw();
  if (!conn) return lexing;
  lexing.server_version = PQserverVersion(conn) / 10000;
  const char* scs = PQparameterStatus(conn, "standard_conforming_strings");
  lexing.now.standard_conforming_strings = scs == nullptr || std::string_view(scs) != "off";
  return lexing;
}

// Flyrun's own lock first, then (history in Flyway's format) Flyway's: always in
// this order, so two flyruns never hold one each. lock_timeout covers both.
LockPlan PostgresDriver::MakeLockPlan() {
  LockPlan plan;
  plan.mode = lock_mode_;
  plan.lease = lock_lease_;
  plan.caveat = NativeLockCaveat();
  std::string place = s_->display_url + " (schema " + schema_ + ", table " + table_ + ")";
  plan.native.push_back(std::make_unique<AdvisoryLock>(
      s_, LockKey(database_, schema_, table_), "the migration lock on " + place,
      "another flyrun is migrating this database; wait for it or raise lock_timeout"));
  if (format_ == HistoryFormat::kFlyway) {
    int64_t key = FlywayPostgresLockKey(schema_, table_);
    plan.native.push_back(std::make_unique<AdvisoryLock>(
        s_, key,
        "Flyway's lock (advisory lock " + std::to_string(key) + " of " +
            FlywayQuotedTable(schema_, table_, '"') + ") on " + s_->display_url,
        "a Flyway run is migrating this database; wait for it or raise lock_timeout"));
  }
  LeasePlan& lease = plan.lease_plan;
  lease.dialect = Dialect::kPostgres;
  lease.table_sql =
      s_->conn.quote_name(schema_) + "." + s_->conn.quote_name(LeaseTableName(table_));
  lease.prepare = [this] {
    std::vector<std::string> statements;
    if (!SchemaExists())
      statements.push_back("CREATE SCHEMA IF NOT EXISTS " + s_->conn.quote_name(schema_));
    return statements;
  };
  lease.place = place;
  std::string conninfo = conninfo_;
  auto timeout = connect_timeout_;
  std::string display_url = s_->display_url;
  // Lock waits end within a second so that the heartbeat is never stuck
  // behind a row lock; a statement never runs longer than half a lease.
  auto lock_wait =
      std::clamp(lock_lease_ / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  auto statement_limit = std::max(lock_lease_ / 2, std::chrono::milliseconds(50));
  lease.open = [conninfo, timeout, display_url, lock_wait, statement_limit] {
    std::shared_ptr<Session> session;
    try {
      session = std::make_shared<Session>(conninfo, timeout);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(ExitCode::kConnect, "could not connect to " + display_url +
                                          " for the lease lock: " + OneLine(TrimRight(e.what())));
    }
    session->display_url = display_url;
    session->Exec("SET lock_timeout = " + std::to_string(lock_wait.count()) +
                  "; SET statement_timeout = " + std::to_string(statement_limit.count()));
    return std::unique_ptr<LeaseSql>(std::make_unique<PgLeaseSql>(session));
  };
  lease.install_fence = [this](std::shared_ptr<LeaseFence> fence) {
    lease_fence_ = std::move(fence);
  };
  return plan;
}

std::unique_ptr<LockGuard> PostgresDriver::Lock(std::chrono::milliseconds timeout) {
  return TakeMigrationLock(MakeLockPlan(), timeout);
}

std::string PostgresDriver::LockHolder() {
  return DescribeLockHolder(MakeLockPlan(), *own_lease_sql_);
}

void PostgresDriver::Begin() {
  if (in_transaction()) throw UsageError("internal error: a transaction was begun inside another");
  s_->pending.insert(0, begin_sql_);
}

void PostgresDriver::Execute(const Statement& statement) {
  if (lease_fence_) lease_fence_->ThrowIfLost();
  // Cancelled on a signal in or out of a transaction: what a cancelled
  // statement leaves behind is for the caller to record (SPEC 8).
  pg::RunOptions options = s_->Run(/*cancel_on_interrupt=*/true);
  const std::string* sql = &statement.sql;
  std::optional<pg::LocalSet> local;
  if (!pooler_caveat_.empty()) {
    // Through a pooler a session SET would stay on the server connection for
    // its next client, and be gone for our next transaction: inside ours it
    // is made local to it. Outside a transaction nothing can keep it.
    if (in_transaction()) {
      local = pg::AsSetLocal(statement.sql);
      if (local) sql = &local->sql;
    } else if (pg::IsSessionSet(statement.sql)) {
      spdlog::warn(
          "the SET at line {} runs outside a transaction through a connection pooler: it "
          "applies to whichever server connection runs it, not to the next statements",
          statement.line);
    }
  }
  try {
    // Only a lone pending BEGIN travels with a statement of the script: an
    // error in a pending history row must not be blamed on the statement.
    if (s_->pending == begin_sql_ && !statement.copy_data) {
      s_->pending.clear();
      options.prefix_length = begin_sql_.size();
      pg::RunSql(s_->raw(), begin_sql_ + *sql, nullptr, options);
      return;
    }
    s_->Flush();
    pg::RunSql(s_->raw(), *sql, statement.copy_data, options);
  } catch (Error& e) {
    // Positions after the inserted " LOCAL" (on its line) move back to the script's text.
    if (local && local->inserted > 0 && e.line >= 1) {
      int at_line = 1;
      size_t line_start = 0;
      for (size_t i = 0; i < local->at; ++i) {
        if (local->sql[i] == '\n') {
          ++at_line;
          line_start = i + 1;
        }
      }
      int at_column = static_cast<int>(local->at - line_start) + 1;
      if (e.line == at_line && e.column > at_column)
        e.column = std::max(at_column, e.column - static_cast<int>(local->inserted));
    }
    throw;
  }
}

void PostgresDriver::Commit() {
  if (s_->pending == begin_sql_) {  // nothing happened in this transaction
    s_->pending.clear();
    return;
  }
  PGconn* conn = s_->raw();
  // COMMIT of an aborted transaction "succeeds" as a ROLLBACK: say so instead.
  if (conn && PQtransactionStatus(conn) == PQTRANS_INERROR) {
    Rollback();
    throw Error(ExitCode::kMigrationFailed,
                "the transaction was aborted by an earlier error and has been rolled back");
  }
  try {
    s_->Exec("COMMIT");  // with the pending history rows: one round trip
  } catch (const Error&) {
    Rollback();
    throw;
  }
}

void PostgresDriver::Rollback() noexcept {
  s_->pending.clear();
  PGconn* conn = s_->raw();
  if (conn && PQtransactionStatus(conn) != PQTRANS_IDLE) pg::RunQuietly(conn, "ROLLBACK");
}

bool PostgresDriver::in_transaction() const {
  if (s_->begin_pending()) return true;
  PGconn* conn = s_->raw();
  if (!conn) return false;
  auto status = PQtransactionStatus(conn);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

bool PostgresDriver::SchemaExists() {
  return s_->Query("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema_)[0][0]
      .as<bool>();
}

bool PostgresDriver::HistoryTableExists() {
  return !s_->Query("SELECT to_regclass($1)", qualified_)[0][0].is_null();
}

void PostgresDriver::EnsureHistoryTable() {
  if (HistoryTableExists()) return;
  // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on
  // the database even when the schema is there.
  bool create_schema = !SchemaExists();
  if (format_ == HistoryFormat::kFlyway && !create_schema && table_ != kFlywayLegacyTable) {
    std::string legacy =
        s_->conn.quote_name(schema_) + "." + s_->conn.quote_name(std::string(kFlywayLegacyTable));
    if (!s_->Query("SELECT to_regclass($1)", legacy)[0][0].is_null())
      throw LegacyFlywayTableError(legacy, table_);
  }
  bool own_tx = !in_transaction();
  try {
    if (own_tx) Begin();
    if (create_schema) s_->Exec("CREATE SCHEMA IF NOT EXISTS " + s_->conn.quote_name(schema_));
    HistoryTableNames names{qualified_, s_->conn.quote_name(table_ + "_pk"),
                            s_->conn.quote_name(table_ + "_s_idx")};
    for (const auto& sql : HistoryTableStatements(format_, Dialect::kPostgres, names))
      s_->Exec(sql);
    if (own_tx) Commit();
  } catch (const Error& e) {
    if (own_tx) Rollback();
    // Another process created it at the same moment (unique violation in the
    // catalog); what matters is that it exists now.
    if (own_tx && (e.sqlstate == "23505" || e.sqlstate == "42P07" || e.sqlstate == "42P06") &&
        HistoryTableExists())
      return;
    if (e.code() != ExitCode::kMigrationFailed) throw;
    // No CREATE privilege on the schema (or the database, for the schema),
    // or a read-only session or server.
    bool refused = e.sqlstate == "42501" || e.sqlstate == "25006";
    throw HistoryCreateError(
        e, qualified_, refused,
        "grant the user what it needs (GRANT CREATE ON SCHEMA " + s_->conn.quote_name(schema_) +
            " TO " + s_->conn.quote_name(user_) +
            (create_schema ? ", or GRANT CREATE ON DATABASE to create the schema" : "") +
            ") and connect read-write (not default_transaction_read_only, not a standby)");
  }
}

std::vector<AppliedMigration> PostgresDriver::ReadHistory() {
  std::vector<AppliedMigration> rows;
  if (!HistoryTableExists()) return rows;
  pqxx::result r;
  try {
    r = s_->Query(
        "SELECT installed_rank, version, description, type, script, checksum, installed_by, "
        "to_char(installed_on, 'YYYY-MM-DD HH24:MI:SS'), execution_time, success FROM " +
        qualified_ + " WHERE " + kHistoryRowsOnly + " ORDER BY installed_rank");
  } catch (const Error& e) {
    if (e.sqlstate != "42703") throw;  // undefined_column
    std::vector<std::string> columns;
    for (const auto& f : s_->Query("SELECT attname FROM pg_attribute WHERE attrelid = "
                                   "to_regclass($1) AND attnum > 0 AND NOT attisdropped "
                                   "ORDER BY attnum",
                                   qualified_))
      columns.push_back(f[0].as<std::string>());
    throw NotAHistoryTable(qualified_, columns);
  }
  rows.reserve(r.size());
  for (const auto& f : r) {
    AppliedMigration m;
    m.installed_rank = f[0].as<int>();
    if (!f[1].is_null()) m.version = f[1].as<std::string>();
    m.description = f[2].as<std::string>();
    m.type = f[3].as<std::string>();
    m.script = f[4].as<std::string>();
    if (!f[5].is_null()) m.checksum = f[5].as<std::string>();
    m.installed_by = f[6].as<std::string>();
    m.installed_on = f[7].as<std::string>();
    m.execution_time = f[8].as<int>();
    m.success = f[9].as<bool>();
    rows.push_back(std::move(m));
  }
  RefuseHistoryOfTheOtherFormat(qualified_, rows, format_);
  return rows;
}

std::string PostgresDriver::RestoreSessionSql() {
  // Through a pooler the session's settings are those of the transaction.
  std::string local = pooler_caveat_.empty() ? "false" : "true";
  return "SELECT set_config('role', " + s_->conn.quote(role_) + ", " + local + "), " +
         "set_config('search_path', " + s_->conn.quote(search_path_) + ", " + local + "); ";
}

void PostgresDriver::InsertHistory(const AppliedMigration& given) {
  if (lease_fence_) {
    // The migration's own role and search_path go first: they may not reach
    // the lock table.
    s_->pending += RestoreSessionSql();
    lease_fence_->Check(*own_lease_sql_);
  }
  AppliedMigration row = FitHistoryRow(given);
  auto& c = s_->conn;
  auto quote_opt = [&c](const std::optional<std::string>& v) {
    return v ? c.quote(*v) : std::string("NULL");
  };
  // In INSERT ... SELECT a quoted literal is text: Flyway's column is an integer.
  std::string checksum = quote_opt(row.checksum);
  if (row.checksum && format_ == HistoryFormat::kFlyway) checksum += "::integer";
  // Restore the session, then rank = max + 1 and installed_by = current_user
  // computed by the server; inside a transaction it travels with the COMMIT.
  std::string sql = RestoreSessionSql() + "INSERT INTO " + qualified_ +
                    " (installed_rank, version, description, type, script, checksum, "
                    "installed_by, execution_time, success) "
                    "SELECT COALESCE(MAX(installed_rank), 0) + 1, " +
                    quote_opt(row.version) + ", " + c.quote(row.description) + ", " +
                    c.quote(row.type) + ", " + c.quote(row.script) + ", " + checksum + ", " +
                    (row.installed_by.empty() ? "current_user" : c.quote(row.installed_by)) + ", " +
                    std::to_string(row.execution_time) + ", " + (row.success ? "TRUE" : "FALSE") +
                    " FROM " + qualified_ + " WHERE " + kHistoryRowsOnly + "; ";
  if (in_transaction()) {
    s_->pending += sql;  // sent with the COMMIT
  } else {
    s_->Exec(sql);
  }
}

void PostgresDriver::DeleteHistory(int installed_rank) {
  if (lease_fence_) lease_fence_->Check(*own_lease_sql_);
  s_->Query("DELETE FROM " + qualified_ + " WHERE installed_rank = $1", installed_rank);
}

void PostgresDriver::UpdateHistory(int installed_rank, const std::optional<std::string>& checksum,
                                   const std::string& description, bool success) {
  if (lease_fence_) lease_fence_->Check(*own_lease_sql_);
  s_->Query("UPDATE " + qualified_ +
                " SET checksum = $1, description = $2, success = $3 WHERE installed_rank = $4",
            checksum, FitColumn(description, kDescriptionWidth), success, installed_rank);
}

bool PostgresDriver::SchemaIsEmpty() {
  return s_->Query(pg::kSchemaIsEmptySql, schema_, table_, LeaseTableName(table_))[0][0].as<bool>();
}

// Drops the schema's objects one by one rather than the schema itself: the
// schema keeps its owner and grants (think of `public`), and a schema the user
// does not own can still be cleaned of the objects they own.
void PostgresDriver::Clean() {
  if (!SchemaExists()) return;
  bool own_tx = !in_transaction();
  try {
    if (own_tx) Begin();
    s_->Exec("SET LOCAL client_min_messages = warning");  // no "drop cascades to" notices
    pqxx::result r = s_->Query(pg::kCleanStatementsSql, schema_, LeaseTableName(table_));
    for (const auto& f : r) s_->Exec(f[0].as<std::string>());
    if (own_tx) Commit();
  } catch (...) {
    if (own_tx) Rollback();
    throw;
  }
}

}  // namespace

std::unique_ptr<Driver> OpenPostgres(const ConnectionOptions& options) {
  return std::make_unique<PostgresDriver>(options);
}

}  // namespace flyrun
