#include "driver/mysql/mysql_driver.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

#include "core/error.h"
#include "core/interrupt.h"
#include "driver/common/flyway_lock.h"
#include "driver/common/history_checks.h"
#include "driver/common/history_sql.h"
#include "driver/mysql/mysql_catalog.h"
#include "driver/mysql/mysql_connect.h"
#include "driver/mysql/mysql_galera.h"
#include "driver/mysql/mysql_killer.h"
#include "driver/mysql/mysql_session.h"
#include "driver/mysql/mysql_sql.h"
#include "driver/mysql/mysql_url.h"
#include "lock/migration_lock.h"

namespace flyrun {
namespace {

constexpr int kEmptyQuery = 1065;   // ER_EMPTY_QUERY: a statement of comments only
constexpr int kNoSuchTable = 1146;  // ER_NO_SUCH_TABLE
constexpr int kBadDatabase = 1049;  // ER_BAD_DB_ERROR
constexpr int kBadField = 1054;     // ER_BAD_FIELD_ERROR

/// Errors that mean the user may not create the history table (or its
/// database) here: a missing privilege, or a read-only session or server.
bool CreateRefused(int code) {
  return code == 1044      // ER_DBACCESS_DENIED_ERROR
         || code == 1142   // ER_TABLEACCESS_DENIED_ERROR
         || code == 1227   // ER_SPECIFIC_ACCESS_DENIED_ERROR
         || code == 1290   // ER_OPTION_PREVENTS_STATEMENT (read_only)
         || code == 1792;  // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
}

/// The lease lock's SQL on a session: `?` becomes a literal of the value; a
/// write conflict (deadlock or Galera certification failure, lock wait
/// timeout, a duplicate key) becomes LeaseConflict. `before` runs first (the
/// driver's own session: autocommit back on outside a transaction).
class MysqlLeaseSql final : public LeaseSql {
 public:
  explicit MysqlLeaseSql(std::shared_ptr<MysqlSession> session, std::function<void()> before = {})
      : session_(std::move(session)), before_(std::move(before)) {}
  int64_t Exec(const std::string& sql, const std::vector<LeaseValue>& params) override {
    return Guard([&] { return session_->Update(Bind(sql, params)); });
  }
  std::vector<LeaseRow> Query(const std::string& sql,
                              const std::vector<LeaseValue>& params) override {
    return Guard([&] { return session_->Query(Bind(sql, params)); });
  }

 private:
  static std::string Bind(const std::string& sql, const std::vector<LeaseValue>& params) {
    std::string out;
    size_t next = 0;
    for (char ch : sql) {
      if (ch != '?' || next >= params.size()) {
        out += ch;
        continue;
      }
      const LeaseValue& value = params[next++];
      out += std::holds_alternative<int64_t>(value) ? std::to_string(std::get<int64_t>(value))
                                                    : SqlLiteral(std::get<std::string>(value));
    }
    return out;
  }
  template <typename F>
  auto Guard(F&& f) -> decltype(f()) {
    if (before_) before_();
    try {
      return f();
    } catch (const Error& e) {
      // 1213 deadlock (on Galera also a certification failure), 1205 lock
      // wait timeout, 1062 duplicate key, 1050 table exists (concurrent creators).
      if (e.vendor_code == 1213 || e.vendor_code == 1205 || e.vendor_code == 1062 ||
          e.vendor_code == 1050)
        throw LeaseConflict(e.what());
      throw;
    }
  }

  std::shared_ptr<MysqlSession> session_;
  std::function<void()> before_;
};

/// Whether a session may hold several GET_LOCK names at once (MySQL 5.7,
/// MariaDB 10.0.2 and later); before, each GET_LOCK released the previous one.
bool HoldsSeveralNamedLocks(std::string_view version) {
  int major = MajorVersion(version);
  auto dot = version.find('.');
  int minor = dot == std::string_view::npos ? 0 : MajorVersion(version.substr(dot + 1));
  return major > 5 || (major == 5 && minor >= 7);
}

std::string Seconds(std::chrono::milliseconds ms) {
  std::ostringstream out;
  out << ms.count() / 1000.0;
  return out.str();
}

std::string Nullable(const std::optional<std::string>& value) {
  return value ? SqlLiteral(*value) : "NULL";
}

/// Transactions use autocommit=0 rather than START TRANSACTION: after a DDL
/// statement commits implicitly, the next statement opens a new transaction by
/// itself, so the statements after the last DDL and the history row still
/// commit or roll back together (START TRANSACTION would leave them in
/// autocommit mode, one commit each). Autocommit is switched back on lazily,
/// before the next statement outside a transaction, so that consecutive
/// migrations cost no extra round trip.
class MysqlDriver : public Driver {
 public:
  MysqlDriver(std::shared_ptr<MysqlSession> session, MysqlTarget target,
              const ConnectionOptions& options)
      : session_(std::move(session)),
        target_(std::move(target)),
        connect_timeout_(options.connect_timeout),
        lock_mode_(options.lock),
        lock_lease_(options.lock_lease),
        database_(options.schema.empty() ? target_.database : options.schema),
        table_(options.table) {}

  /// Learns the connection's id (and the user, asked for by every migration
  /// anyway: no extra round trip), USEs the history database when it exists,
  /// then runs init_sql.
  void Init(const ConnectionOptions& options) {
    auto rows = session_->Query(
        "SELECT CONNECTION_ID(), CURRENT_USER(), @@SESSION.sql_mode, @@GLOBAL.sql_mode, "
        "VERSION(), USER()");
    if (rows.empty() || rows[0].size() < 6 || !rows[0][0])
      throw Error(ExitCode::kConnect, "the server did not tell its connection id");
    killer_ = std::make_unique<MysqlQueryKiller>(target_, std::stoull(*rows[0][0]));
    SetCurrentUser(rows[0][1].value_or(""));
    std::string login = rows[0][5].value_or("");
    flyway_user_ = login.substr(0, login.rfind('@'));
    lexing_.now = LexModesOfSqlMode(rows[0][2].value_or(""));
    lexing_.reset = LexModesOfSqlMode(rows[0][3].value_or(""));
    lexing_.server_version = MajorVersion(rows[0][4].value_or(""));
    several_locks_ = HoldsSeveralNamedLocks(rows[0][4].value_or(""));
    in_database_ = !database_.empty() && database_ == target_.database;
    if (!database_.empty() && !in_database_) {
      try {
        Run("USE " + QuoteIdent(database_));
        in_database_ = true;
      } catch (const Error& e) {
        if (e.vendor_code != kBadDatabase) throw;  // EnsureHistoryTable creates it
      }
    }
    // A SET sql_mode in init_sql is read back by Execute.
    if (!options.init_sql.empty()) RunInitSql(options.init_sql);
    RestoreAutocommit();
    galera_ = PrepareGaleraSession(*session_, database_, table_);

    std::optional<bool> integer_checksum;
    if (options.history_format != HistoryFormat::kFlyway && !database_.empty()) {
      auto type = Scalar("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                         SqlLiteral(database_) + " AND TABLE_NAME = " + SqlLiteral(table_) +
                         " AND COLUMN_NAME = 'checksum'");
      if (type) integer_checksum = IsIntegerColumnType(*type);
    }
    format_ =
        ChooseHistoryFormat(options.history_format == HistoryFormat::kFlyway, integer_checksum);
  }

  SessionLexing session_lexing() const override { return lexing_; }
  std::string NativeLockCaveat() const override {
    return galera_.on ? GaleraLockCaveat() : std::string();
  }
  /// Asked by commands that change the database, once, right after connecting.
  std::string ReadOnlyReason() override {
    auto rows = session_->Query("SELECT @@GLOBAL.read_only, @@GLOBAL.innodb_read_only");
    if (rows.empty() || rows[0].size() < 2) return {};
    auto on = [](const std::optional<std::string>& v) { return v && *v != "0" && *v != "OFF"; };
    if (on(rows[0][0])) return "read_only is on (a replica, or a server set aside)";
    if (on(rows[0][1])) return "innodb_read_only is on";
    return {};
  }

  Dialect dialect() const override { return Dialect::kMysql; }
  HistoryFormat history_format() const override { return format_; }
  bool transactional_ddl() const override { return false; }
  std::string history_table_sql() const override {
    return database_.empty() ? QuoteIdent(table_)
                             : QuoteIdent(database_) + "." + QuoteIdent(table_);
  }

  std::unique_ptr<LockGuard> Lock(std::chrono::milliseconds timeout) override {
    return TakeMigrationLock(MakeLockPlan(), timeout);
  }
  std::string LockHolder() override {
    MysqlLeaseSql own(session_, [this] { RestoreAutocommit(); });
    return DescribeLockHolder(MakeLockPlan(), own);
  }

  void Begin() override {
    if (in_tx_) throw UsageError("internal error: a transaction was begun inside another");
    if (!autocommit_off_) {
      session_->Run("SET autocommit = 0");
      autocommit_off_ = true;
    }
    in_tx_ = true;
    last_executed_ = 0;
    last_committed_ = 0;
    failed_commits_ = false;
    ended_by_script_ = false;
    rollback_incomplete_ = false;
  }
  void Commit() override {
    session_->Run("COMMIT");
    in_tx_ = false;
  }
  void Rollback() noexcept override {
    rollback_incomplete_ = false;
    try {
      session_->Run("ROLLBACK");
      // ER_WARNING_NOT_COMPLETE_ROLLBACK: MyISAM/Aria changes stayed.
      if (in_tx_) rollback_incomplete_ = WarnedIncompleteRollback();
    } catch (...) {
      // Nothing to roll back on a dead connection: the server did it.
    }
    in_tx_ = false;
  }
  bool RollbackWasIncomplete() override { return rollback_incomplete_; }
  // With autocommit off the server always has a transaction open, so what ends
  // ours is a statement of the script that commits or rolls back by name
  // (implicit commits by DDL are counted by LastCommittedStatement instead).
  bool in_transaction() const override { return in_tx_ && !ended_by_script_; }

  int LastCommittedStatement() override {
    if (!in_tx_) return -1;
    if (ended_by_script_) return last_committed_;
    // No open transaction means nothing is left to roll back: all that ran is
    // committed (also when the failing statement was DDL that committed before
    // failing). Otherwise the statements after the last implicit commit are open.
    try {
      auto open = session_->Scalar("SELECT @@in_transaction");
      if (open && *open == "0") return last_executed_;
      if (open && *open == "1") return last_committed_;
    } catch (const Error&) {
      // MySQL has no @@in_transaction: judge by the statements alone.
    }
    return failed_commits_ ? last_executed_ : last_committed_;
  }

  void Execute(const Statement& statement) override {
    if (lease_fence_) lease_fence_->ThrowIfLost();
    if (statement.copy_data) {
      throw Error(ExitCode::kMigrationFailed, "COPY ... FROM stdin is a PostgreSQL statement",
                  "use LOAD DATA or INSERT on MySQL");
    }
    // Each script starts in the history database, whatever a USE in the one
    // before it selected (no round trip unless one did).
    if (statement.index == 1) EnterDatabase();
    bool commits = in_tx_ && ImplicitlyCommits(statement.sql);
    if (SelectsDatabase(statement.sql)) in_database_ = false;
    // A procedure commits only if its body does: asked after it ran.
    bool may_commit = commits && IsCall(statement.sql);
    try {
      bool killed = false;
      QueryCancellable(statement.sql, killed);
      if (killed) throw KilledBySignal();
    } catch (const Error& e) {
      // A statement of comments only (e.g. mariadb-dump's "/*M!999999\- ... */")
      // is nothing to run.
      if (e.vendor_code == kEmptyQuery) return;
      failed_commits_ = commits;
      throw;
    }
    if (MayChangeSqlMode(statement.sql)) ReadSqlMode();
    if (in_tx_) {
      last_executed_ = statement.index;
      if (may_commit) {
        auto open = session_->Scalar("SELECT @@in_transaction");
        commits = !(open && *open == "1");
      }
      if (commits) last_committed_ = statement.index;
      if (!statement.transaction_control.empty()) {
        ended_by_script_ = true;
        // ROLLBACK keeps only what DDL committed before it; the others commit.
        if (statement.transaction_control != "ROLLBACK") last_committed_ = statement.index;
      }
    }
  }

  bool HistoryTableExists() override {
    if (database_.empty()) return false;
    auto n = Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                    SqlLiteral(database_) + " AND TABLE_NAME = " + SqlLiteral(table_));
    return n && *n != "0";
  }

  void EnsureHistoryTable() override {
    if (database_.empty()) {
      throw UsageError("the MySQL URL names no database and no schema is set",
                       "add the database to the URL (mysql://user@host/DATABASE) or set schema");
    }
    try {
      // USE first: CREATE DATABASE needs a privilege even when the database exists.
      if (!in_database_) {
        try {
          Run("USE " + QuoteIdent(database_));
        } catch (const Error& e) {
          if (e.vendor_code != kBadDatabase) throw;
          Run("CREATE DATABASE IF NOT EXISTS " + QuoteIdent(database_));
          Run("USE " + QuoteIdent(database_));
        }
        in_database_ = true;
      }
      if (HistoryTableExists()) return;
      if (format_ == HistoryFormat::kFlyway && table_ != kFlywayLegacyTable) {
        auto n = Scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                        SqlLiteral(database_) +
                        " AND TABLE_NAME = " + SqlLiteral(std::string(kFlywayLegacyTable)));
        if (n && *n != "0")
          throw LegacyFlywayTableError(
              QuoteIdent(database_) + "." + QuoteIdent(std::string(kFlywayLegacyTable)), table_);
      }
      HistoryTableNames names{history_table_sql(), QuoteIdent(table_ + "_pk"),
                              QuoteIdent(table_ + "_s_idx")};
      for (const auto& sql : HistoryTableStatements(format_, Dialect::kMysql, names)) Run(sql);
    } catch (const Error& e) {
      if (e.code() != ExitCode::kMigrationFailed) throw;
      throw HistoryCreateError(e, history_table_sql(), CreateRefused(e.vendor_code),
                               "GRANT CREATE, ALTER, INSERT, UPDATE, DELETE, SELECT ON " +
                                   QuoteIdent(database_) +
                                   ".* TO the user, and connect "
                                   "read-write (not read_only, not a READ ONLY transaction)");
    }
  }

  std::vector<AppliedMigration> ReadHistory() override {
    std::vector<AppliedMigration> rows;
    if (database_.empty()) return rows;
    std::vector<MysqlSession::Row> result;
    try {
      result = Query(
          "SELECT installed_rank, version, description, type, script, checksum, installed_by, "
          "DATE_FORMAT(installed_on, '%Y-%m-%d %H:%i:%s'), execution_time, success FROM " +
          history_table_sql() + " WHERE " + kHistoryRowsOnly + " ORDER BY installed_rank");
    } catch (const Error& e) {
      if (e.vendor_code == kNoSuchTable || e.vendor_code == kBadDatabase) return rows;
      if (e.vendor_code != kBadField) throw;
      std::vector<std::string> columns;
      for (auto& r : Query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE "
                           "TABLE_SCHEMA = " +
                           SqlLiteral(database_) + " AND TABLE_NAME = " + SqlLiteral(table_) +
                           " ORDER BY ORDINAL_POSITION"))
        columns.push_back(r[0].value_or(""));
      throw NotAHistoryTable(history_table_sql(), columns);
    }
    rows.reserve(result.size());
    for (auto& r : result) {
      AppliedMigration m;
      m.installed_rank = std::stoi(r[0].value_or("0"));
      m.version = r[1];
      m.description = r[2].value_or("");
      m.type = r[3].value_or("");
      m.script = r[4].value_or("");
      m.checksum = r[5];
      m.installed_by = r[6].value_or("");
      m.installed_on = r[7].value_or("");
      m.execution_time = std::stoi(r[8].value_or("0"));
      m.success = r[9].value_or("0") != "0";
      rows.push_back(std::move(m));
    }
    RefuseHistoryOfTheOtherFormat(history_table_sql(), rows, format_);
    return rows;
  }

  void InsertHistory(const AppliedMigration& given) override {
    EnterDatabase();  // after a script's USE, so that what follows starts there
    Fence();
    AppliedMigration row = FitHistoryRow(given);
    std::string t = history_table_sql();
    std::string user = row.installed_by.empty() ? HistoryUser() : row.installed_by;
    // INSERT ... SELECT may read the table it inserts into (a subquery in
    // VALUES may not).
    Run("INSERT INTO " + t + " (" + kHistoryColumns +
        ") SELECT COALESCE(MAX(installed_rank), 0) + 1, " + Nullable(row.version) + ", " +
        SqlLiteral(row.description) + ", " + SqlLiteral(row.type) + ", " + SqlLiteral(row.script) +
        ", " + Nullable(row.checksum) + ", " + SqlLiteral(user) + ", CURRENT_TIMESTAMP, " +
        std::to_string(row.execution_time) + ", " + (row.success ? "1" : "0") + " FROM " + t +
        " WHERE " + kHistoryRowsOnly);
  }

  void DeleteHistory(int installed_rank) override {
    Fence();
    Run("DELETE FROM " + history_table_sql() +
        " WHERE installed_rank = " + std::to_string(installed_rank));
  }

  void UpdateHistory(int installed_rank, const std::optional<std::string>& checksum,
                     const std::string& description, bool success) override {
    Fence();
    Run("UPDATE " + history_table_sql() + " SET checksum = " + Nullable(checksum) +
        ", description = " + SqlLiteral(FitColumn(description, kDescriptionWidth)) +
        ", success = " + (success ? "1" : "0") +
        " WHERE installed_rank = " + std::to_string(installed_rank));
  }

  std::string CurrentUser() override { return user_; }
  std::string HistoryUser() override {
    return format_ == HistoryFormat::kFlyway ? flyway_user_ : user_;
  }

  std::string DatabaseName() override { return database_; }

  bool SchemaIsEmpty() override {
    RestoreAutocommit();
    return MysqlSchemaIsEmpty(*session_, database_, table_, LeaseTableName(table_));
  }

  void Clean() override {
    RestoreAutocommit();
    MysqlCleanSchema(*session_, database_, LeaseTableName(table_));
  }

 private:
  /// Makes the history database the session's current one again when a USE
  /// (in a script or init_sql) may have left another one selected.
  void EnterDatabase() {
    if (in_database_ || database_.empty()) return;
    try {
      Run("USE " + QuoteIdent(database_));
      in_database_ = true;
    } catch (const Error& e) {
      if (e.vendor_code != kBadDatabase) throw;  // EnsureHistoryTable creates it
    }
  }

  /// Before anything outside a transaction: autocommit back on (which also
  /// commits the empty transaction a read may have opened).
  void RestoreAutocommit() {
    if (autocommit_off_ && !in_tx_) {
      session_->Run("SET autocommit = 1");
      autocommit_off_ = false;
    }
  }

  /// After a statement that may have set sql_mode: one round trip, only then.
  void ReadSqlMode() {
    try {
      lexing_.now = LexModesOfSqlMode(session_->Scalar("SELECT @@SESSION.sql_mode").value_or(""));
    } catch (const Error& e) {
      // The statement itself succeeded; the next one will meet a dead connection.
      spdlog::debug("could not read sql_mode back: {}", e.what());
    }
  }

  void SetCurrentUser(const std::string& current) {
    user_ = current.substr(0, current.rfind('@'));
    // An anonymous account matches any login name: record the login name.
    if (user_.empty()) user_ = target_.user;
  }

  static Error KilledBySignal() {
    return Error(ExitCode::kInterrupted,
                 "interrupted by signal: the statement was killed on the server (KILL QUERY)");
  }

  /// Runs a statement that a signal may cancel, under the watch of killer_.
  /// `killed` tells whether KILL QUERY was sent while it ran: then its error
  /// (ER_QUERY_INTERRUPTED, usually) is dropped, and a success is suspect too,
  /// as a killed SLEEP() returns without an error.
  std::vector<MysqlSession::Row> QueryCancellable(const std::string& sql, bool& killed) {
    RestoreAutocommit();
    MysqlQueryKiller::Watch watch(*killer_);
    std::vector<MysqlSession::Row> rows;
    try {
      rows = session_->Query(sql);
    } catch (const Error&) {
      killed = watch.End();
      if (!killed) throw;
      return rows;
    }
    killed = watch.End();
    return rows;
  }

  void Run(const std::string& sql) {
    RestoreAutocommit();
    session_->Run(sql);
  }
  std::vector<MysqlSession::Row> Query(const std::string& sql) {
    RestoreAutocommit();
    return session_->Query(sql);
  }
  std::optional<std::string> Scalar(const std::string& sql) {
    RestoreAutocommit();
    return session_->Scalar(sql);
  }

  void RunInitSql(const std::vector<std::string>& init_sql) {
    for (const auto& sql : init_sql) {
      Statement statement;
      statement.sql = sql;
      try {
        Execute(statement);
      } catch (const Error& e) {
        if (e.code() == ExitCode::kInterrupted) throw;
        Error err(ExitCode::kUsage, "init_sql failed: " + std::string(e.what()),
                  "check the init_sql setting");
        err.sqlstate = e.sqlstate;
        err.vendor_code = e.vendor_code;
        throw err;
      }
    }
  }

  /// Whether the warnings of the last statement include 1196
  /// (ER_WARNING_NOT_COMPLETE_ROLLBACK).
  bool WarnedIncompleteRollback() {
    try {
      for (const auto& row : session_->Query("SHOW WARNINGS"))
        if (row.size() > 1 && row[1] && *row[1] == "1196") return true;
    } catch (const Error&) {
    }
    return false;
  }

  /// Flyrun's own lock first, then (history in Flyway's format) Flyway's:
  /// always in this order, so two flyruns never hold one each. lock_timeout
  /// covers both. A server whose session holds one name at a time gets
  /// Flyway's alone: every flyrun on a Flyway-format history takes it too.
  LockPlan MakeLockPlan() {
    LockPlan plan;
    plan.mode = lock_mode_;
    plan.lease = lock_lease_;
    plan.caveat = NativeLockCaveat();
    bool flyway_lock = format_ == HistoryFormat::kFlyway;
    if (!flyway_lock || several_locks_) {
      plan.native.push_back(std::make_unique<NamedLock>(
          *this, LockName(database_, table_), "the migration lock on " + history_table_sql(),
          "another flyrun is migrating this database; wait for it, raise lock_timeout, or end "
          "the session holding the lock"));
    }
    if (flyway_lock) {
      plan.native.push_back(std::make_unique<NamedLock>(
          *this, FlywayMysqlLockName(database_, table_), "Flyway's lock on " + history_table_sql(),
          "a Flyway run is migrating this database; wait for it, raise lock_timeout, or end the "
          "session holding the lock"));
    }
    LeasePlan& lease = plan.lease_plan;
    lease.dialect = Dialect::kMysql;
    std::string lock_table = QuoteIdent(LeaseTableName(table_));
    lease.table_sql = database_.empty() ? lock_table : QuoteIdent(database_) + "." + lock_table;
    if (!database_.empty() && !in_database_) {
      lease.prepare = [create = "CREATE DATABASE IF NOT EXISTS " + QuoteIdent(database_)] {
        return std::vector<std::string>{create};
      };
    }
    lease.place = target_.Describe() + " (" + history_table_sql() + ")";
    MysqlTarget target = target_;
    auto timeout = connect_timeout_;
    lease.open = [target, timeout] {
      auto session = ConnectMysql(target, timeout);
      // Row lock waits end within a second, so that the heartbeat is never
      // stuck behind one; on Galera, reads wait for what the cluster committed.
      session->Run("SET SESSION innodb_lock_wait_timeout = 1");
      try {
        session->Run("SET SESSION wsrep_sync_wait = 1");
      } catch (const Error&) {
        // Not a Galera server.
      }
      return std::unique_ptr<LeaseSql>(std::make_unique<MysqlLeaseSql>(session));
    };
    lease.install_fence = [this](std::shared_ptr<LeaseFence> fence) {
      lease_fence_ = std::move(fence);
    };
    return plan;
  }

  /// One GET_LOCK name: tried at once, then waited for on the server in
  /// slices, so that a wait is announced before it starts and an interrupt is
  /// seen within a second.
  class NamedLock final : public NativeLock {
   public:
    NamedLock(MysqlDriver& driver, std::string lock_name, std::string what, std::string hint)
        : driver_(driver),
          session_(driver.session_),
          lock_name_(std::move(lock_name)),
          what_(std::move(what)),
          hint_(std::move(hint)) {}
    std::string name() const override { return what_ + " (GET_LOCK '" + lock_name_ + "')"; }
    std::string hint() const override { return hint_; }
    bool waits_on_server() const override { return true; }
    bool TryOnce(std::chrono::milliseconds wait) override {
      bool killed = false;
      auto got = driver_.QueryCancellable(
          "SELECT GET_LOCK(" + SqlLiteral(lock_name_) + ", " + Seconds(wait) + ")", killed);
      if (!got.empty() && !got[0].empty() && got[0][0] == "1") return true;
      if (killed) throw KilledBySignal();
      if (got.empty() || got[0].empty() || !got[0][0])
        throw Error(ExitCode::kLock, "GET_LOCK('" + lock_name_ + "') failed on the server");
      return false;
    }
    void Release() noexcept override {
      try {
        session_->Run("DO RELEASE_LOCK(" + SqlLiteral(lock_name_) + ")");
      } catch (...) {
        // The server releases the lock when the connection ends.
      }
    }
    std::string Holder() noexcept override {
      try {
        auto rows =
            driver_.Query("SELECT l.id, CONCAT(p.USER, '@', p.HOST) FROM (SELECT IS_USED_LOCK(" +
                          SqlLiteral(lock_name_) +
                          ") AS id) l LEFT JOIN information_schema.PROCESSLIST p ON p.ID = l.id");
        if (rows.empty() || !rows[0][0]) return {};
        std::string out = " (held by connection " + *rows[0][0];
        if (rows[0][1]) out += ", " + *rows[0][1];
        return out + ")";
      } catch (...) {
        return {};
      }
    }

   private:
    MysqlDriver& driver_;  ///< for TryOnce and Holder, used while the driver lives
    std::shared_ptr<MysqlSession> session_;
    std::string lock_name_;
    std::string what_;
    std::string hint_;
  };

  /// In the transaction of a history write: the lease is still ours.
  void Fence() {
    if (!lease_fence_) return;
    MysqlLeaseSql own(session_, [this] { RestoreAutocommit(); });
    lease_fence_->Check(own);
  }

  std::shared_ptr<MysqlSession> session_;
  MysqlTarget target_;
  std::chrono::milliseconds connect_timeout_;
  LockMode lock_mode_;
  std::chrono::milliseconds lock_lease_;
  std::unique_ptr<MysqlQueryKiller> killer_;  ///< set by Init
  std::string database_;
  std::string table_;
  GaleraNode galera_;          ///< set by Init
  bool several_locks_ = true;  ///< the session may hold several GET_LOCK names
  std::string user_;
  std::string flyway_user_;  ///< the user part of USER(): Flyway's installed_by
  HistoryFormat format_ = HistoryFormat::kFlyrun;
  bool in_tx_ = false;
  bool autocommit_off_ = false;
  bool in_database_ = false;     ///< the session's current database is database_
  int last_executed_ = 0;        ///< Statement::index of the last statement run in this transaction
  int last_committed_ = 0;       ///< ... of the last one that committed implicitly
  bool failed_commits_ = false;  ///< the failed statement is one that commits implicitly
  bool ended_by_script_ = false;  ///< a COMMIT/ROLLBACK/BEGIN of the script ended the transaction
  bool rollback_incomplete_ = false;  ///< the last ROLLBACK warned that MyISAM/Aria changes stayed
  SessionLexing lexing_;              ///< sql_mode as read at connect and after each SET naming it
};

}  // namespace

std::unique_ptr<Driver> OpenMysql(const ConnectionOptions& options) {
  MysqlTarget target = ParseMysqlUrl(options.url);
  if (!options.user.empty()) target.user = options.user;
  if (!options.password.empty()) target.password = options.password;
  auto driver =
      std::make_unique<MysqlDriver>(ConnectMysql(target, options.connect_timeout), target, options);
  driver->Init(options);
  return driver;
}

}  // namespace flyrun
