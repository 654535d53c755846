#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dialect.h"
#include "core/lock_mode.h"
#include "core/session_lexing.h"
#include "core/statement.h"
#include "history/applied_migration.h"
#include "history/history_format.h"

namespace flyrun {

class LeaseFence;

/// How to reach the database. The password never appears in messages.
struct ConnectionOptions {
  std::string url;
  std::string user;      ///< overrides the URL's user when non-empty
  std::string password;  ///< overrides the URL's password when non-empty
  std::string schema;    ///< schema (PostgreSQL) / database (MySQL) of the history table;
                         ///< empty = the connection's default
  std::string table = "flyrun_schema_history";
  /// Statements run right after connecting, in order. The caller splits the
  /// configured `init_sql` with the dialect's splitter: drivers do not parse SQL.
  std::vector<std::string> init_sql;
  int connect_retries = 0;
  std::chrono::milliseconds connect_retry_interval{1000};
  std::chrono::milliseconds connect_timeout{10000};
  /// SQLite: create the database file when it does not exist. Commands that
  /// only read (info, validate) say that it does not exist instead, so that a
  /// mistyped path does not leave an empty database behind.
  bool create_database = true;
  /// The history table's format asked for: its definition, checksum column and
  /// the locks taken (Flyway's format also takes Flyway's lock). The driver
  /// keeps Flyway's also when it is not asked for but the existing table has
  /// Flyway's layout (Driver::history_format).
  HistoryFormat history_format = HistoryFormat::kFlyrun;
  /// Which migration lock Lock() takes (config `lock`), and the lease time of
  /// the lease lock (config `lock_lease`).
  LockMode lock = LockMode::kAuto;
  std::chrono::milliseconds lock_lease{30000};
};

/// Held migration lock; releases on destruction. Destructors never throw.
class LockGuard {
 public:
  virtual ~LockGuard() = default;
};

/// A database driver. Drivers translate SQL and errors; policy (what to apply,
/// in what order, what to record) lives in history/ and commands/.
///
/// Errors: every method throws flyrun::Error. Connection and authentication
/// failures use ExitCode::kConnect, lock timeouts kLock, SQL errors
/// kMigrationFailed with sqlstate/vendor_code and the server message (and, for
/// Execute, line/column of the failing position when the server reports one,
/// relative to the statement's first line).
///
/// Who calls what: commands/ connect through OpenDriver (factory.h), take
/// Lock() once for the whole run, EnsureHistoryTable(), then for each migration
/// Begin() / Execute()... / InsertHistory() / Commit() (or Rollback()).
class Driver {
 public:
  virtual ~Driver() = default;

  virtual Dialect dialect() const = 0;
  /// True when DDL is transactional (PostgreSQL, SQLite), false for MySQL.
  virtual bool transactional_ddl() const = 0;
  /// The history table as it appears in SQL, schema-qualified and quoted.
  virtual std::string history_table_sql() const = 0;
  /// The history format of this run, decided once when connecting:
  /// ChooseHistoryFormat(ConnectionOptions::history_format is Flyway's, the
  /// existing table's checksum column is an integer).
  virtual HistoryFormat history_format() const { return HistoryFormat::kFlyrun; }

  /// What the splitter must know of the session to lex the next script as the
  /// server will: server version, PostgreSQL standard_conforming_strings, MySQL
  /// sql_mode's NO_BACKSLASH_ESCAPES and ANSI_QUOTES. Read at connect (after
  /// init_sql) and kept current as statements run, without a round trip per
  /// statement: PostgreSQL reports these settings with every change, MySQL's
  /// sql_mode is read again only after a SET statement that names it.
  virtual SessionLexing session_lexing() const { return {}; }
  /// Called after a script with the settings its statements left as the
  /// splitter followed them; for a driver that runs nothing (the dry run) and
  /// so cannot read them back. Others ignore it.
  virtual void ScriptLeftSession(const SessionLexing& /*session*/) {}

  /// Why the server's own lock (advisory lock, GET_LOCK) is not correct on
  /// this connection, "" when it is: a pooler that hands each transaction to
  /// any server connection (PgBouncer in transaction mode), a Galera node
  /// (GET_LOCK is local to the node). With `lock: auto` Lock() then takes the
  /// lease lock. Decided when connecting.
  virtual std::string NativeLockCaveat() const { return {}; }
  /// Why this server refuses writes, "" when it accepts them: a PostgreSQL
  /// standby in recovery, a MySQL server with read_only. Commands that change
  /// the database fail at once with it (ReadOnlyError), and `wait`/`exec`
  /// retry, since a failover may be under way.
  virtual std::string ReadOnlyReason() { return {}; }

  /// Takes the migration lock, waiting at most `timeout`; throws Error(kLock)
  /// after that. The lock holds no transaction open and is released by the
  /// server if the process dies.
  virtual std::unique_ptr<LockGuard> Lock(std::chrono::milliseconds timeout) = 0;

  /// Who holds the migration lock now, as `info` shows it ("" when no one
  /// does, or the driver cannot tell): the lease row's holder and since when,
  /// or the session holding the native lock.
  virtual std::string LockHolder() { return {}; }

  /// Opens a transaction. Throws Error(kUsage) when one is already open: a
  /// nested Begin() is a bug of the caller, never silently merged.
  virtual void Begin() = 0;
  virtual void Commit() = 0;
  /// Never throws (used from destructors and error paths).
  virtual void Rollback() noexcept = 0;
  /// Whether the transaction opened by Begin() is still open as the database
  /// sees it: false once a statement of a script ended it (COMMIT, END,
  /// ROLLBACK), so the caller can tell that what followed was not covered by
  /// its transaction. Cheap: no round trip (connection status on PostgreSQL,
  /// sqlite3_get_autocommit on SQLite, the statements' own kind on MySQL).
  virtual bool in_transaction() const = 0;
  /// For databases that commit DDL implicitly (transactional_ddl() false): after
  /// Execute() failed inside Begin(), and before Rollback(), the Statement::index
  /// of the last statement of this transaction that the database has already
  /// committed on its own (0 = none); Rollback() undoes the ones after it.
  /// -1 when the driver cannot tell.
  virtual int LastCommittedStatement() { return -1; }
  /// After Rollback(): true when changes to tables that cannot roll back
  /// (MySQL MyISAM/Aria) survived it, so what the database holds is unknown.
  virtual bool RollbackWasIncomplete() { return false; }

  /// Runs one statement. For a Statement with copy_data, streams the data.
  /// Interrupts: when a signal arrives (core/interrupt.h) while the statement
  /// runs, the driver cancels it on the server (PostgreSQL cancel request,
  /// MySQL KILL QUERY from a second connection, sqlite3_interrupt) and throws
  /// Error(kInterrupted) within about a second; the statement did not complete.
  virtual void Execute(const Statement& statement) = 0;

  /// Creates the schema (where the dialect has one and it is missing) and the
  /// history table if it does not exist, with the definition of
  /// history_format() (HistoryTableStatements). In Flyway's format, refuses
  /// (LegacyFlywayTableError) when only Flyway's pre-5 `schema_version` exists.
  virtual void EnsureHistoryTable() = 0;
  virtual bool HistoryTableExists() = 0;
  /// All rows ordered by installed_rank, those with a negative rank left out;
  /// empty when the table does not exist. The checksum as text (Flyway's
  /// integer in decimal).
  virtual std::vector<AppliedMigration> ReadHistory() = 0;
  /// Inserts a row; installed_rank = max + 1 over the non-negative ranks (1 in
  /// an empty table), installed_on = now, installed_by = row.installed_by when
  /// set, else HistoryUser(). Description and
  /// script are fitted to their columns (FitHistoryRow); the other fields are
  /// used as given. Runs in the current transaction when one is open.
  virtual void InsertHistory(const AppliedMigration& row) = 0;
  virtual void DeleteHistory(int installed_rank) = 0;
  virtual void UpdateHistory(int installed_rank, const std::optional<std::string>& checksum,
                             const std::string& description, bool success) = 0;

  /// The database user, for ${flyrun:user}.
  virtual std::string CurrentUser() = 0;
  /// installed_by of a new row when none is configured, as the format has it:
  /// flyrun's CurrentUser(); Flyway's PostgreSQL current_user, MySQL the user
  /// part of USER(), SQLite "".
  virtual std::string HistoryUser() { return CurrentUser(); }
  /// The database (or file) name, for ${flyrun:database}.
  virtual std::string DatabaseName() = 0;
  /// The connection's current schema, for ${flyway:defaultSchema}: MySQL's
  /// DATABASE(), SQLite's `main`; PostgreSQL's current_schema.
  virtual std::string CurrentSchema() {
    return dialect() == Dialect::kSqlite ? "main" : DatabaseName();
  }
  /// True when the configured schema holds no objects other than the history table.
  virtual bool SchemaIsEmpty() = 0;
  /// Drops every object in the configured schema, history table included.
  virtual void Clean() = 0;

 protected:
  /// The lease lock's fence while it is held (lock/lease_lock.h), installed
  /// by TakeMigrationLock: drivers call ThrowIfLost() before each statement
  /// and Check() in the transaction of each history write.
  std::shared_ptr<LeaseFence> lease_fence_;
};

/// Rolls back unless Commit() was called. Commit/Rollback go through the driver.
class Transaction {
 public:
  explicit Transaction(Driver& driver) : driver_(driver) { driver_.Begin(); }
  ~Transaction() {
    if (!done_) driver_.Rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit() {
    driver_.Commit();
    done_ = true;
  }

 private:
  Driver& driver_;
  bool done_ = false;
};

}  // namespace flyrun
