#include "driver/sqlite/sqlite_driver.h"
#include "lock/migration_lock.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>
#include <utility>

#include "core/error.h"
#include "core/fd.h"
#include "core/interrupt.h"
#include "driver/common/history_checks.h"
#include "driver/common/history_sql.h"

namespace flyrun {
namespace {

constexpr std::string_view kMemory = ":memory:";

/// "sqlite:relative/path.db", "sqlite:///absolute/path.db", "sqlite::memory:".
std::string PathOfUrl(const std::string& url) {
  std::string rest = url.substr(url.find(':') + 1);
  if (rest.rfind("//", 0) == 0) rest = rest.substr(2);
  auto query = rest.find('?');
  if (query != std::string::npos) rest = rest.substr(0, query);
  if (rest.empty())
    throw UsageError("SQLite URL '" + url + "' names no file",
                     "use sqlite:path/to/file.db, sqlite:///abs/path.db or sqlite::memory:");
  return rest;
}

std::string QuoteIdent(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

Error SqlError(const SQLite::Exception& e) {
  // The progress handler aborted the statement (SQLITE_INTERRUPT), or the
  // busy handler stopped waiting for another connection (SQLITE_BUSY),
  // because of a signal: the statement did not complete.
  int code = e.getErrorCode();
  if (Interrupted() && (code == SQLITE_INTERRUPT || code == SQLITE_BUSY))
    return Error(ExitCode::kInterrupted, "interrupted by signal: the statement was aborted");
  Error err(ExitCode::kMigrationFailed, e.what());
  err.vendor_code = e.getExtendedErrorCode();
  return err;
}

/// The lease lock's SQL on a connection: parameters bound in order; SQLite's
/// busy and locked become LeaseConflict.
class SqliteLeaseSql final : public LeaseSql {
 public:
  explicit SqliteLeaseSql(std::shared_ptr<SQLite::Database> db) : db_(std::move(db)) {}
  int64_t Exec(const std::string& sql, const std::vector<LeaseValue>& params) override {
    return Guard([&] {
      SQLite::Statement q(*db_, sql);
      Bind(q, params);
      return static_cast<int64_t>(q.exec());
    });
  }
  std::vector<LeaseRow> Query(const std::string& sql,
                              const std::vector<LeaseValue>& params) override {
    return Guard([&] {
      SQLite::Statement q(*db_, sql);
      Bind(q, params);
      std::vector<LeaseRow> rows;
      while (q.executeStep()) {
        LeaseRow row;
        for (int c = 0; c < q.getColumnCount(); ++c) {
          auto column = q.getColumn(c);
          row.push_back(column.isNull() ? std::nullopt
                                        : std::optional<std::string>(column.getString()));
        }
        rows.push_back(std::move(row));
      }
      return rows;
    });
  }

 private:
  static void Bind(SQLite::Statement& q, const std::vector<LeaseValue>& params) {
    int index = 0;
    for (const LeaseValue& value : params) {
      ++index;
      if (std::holds_alternative<int64_t>(value)) {
        q.bind(index, static_cast<int64_t>(std::get<int64_t>(value)));
      } else {
        q.bind(index, std::get<std::string>(value));
      }
    }
  }
  template <typename F>
  auto Guard(F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const SQLite::Exception& e) {
      int code = e.getErrorCode() & 0xff;
      if (code == SQLITE_BUSY || code == SQLITE_LOCKED) throw LeaseConflict(e.what());
      throw SqlError(e);
    }
  }

  std::shared_ptr<SQLite::Database> db_;
};

/// SQLite has no server-side session lock, so the native lock is an flock on
/// a file beside the database: the kernel drops it when the process dies.
class FileLock final : public NativeLock {
 public:
  FileLock(std::string path, Fd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string name() const override { return "the migration lock on " + path_; }
  std::string hint() const override {
    return "another flyrun is migrating this database; wait for it or raise lock_timeout";
  }
  bool TryOnce(std::chrono::milliseconds /*wait*/) override {
    return flock(fd_.get(), LOCK_EX | LOCK_NB) == 0;
  }
  void Release() noexcept override { flock(fd_.get(), LOCK_UN); }
  std::string Holder() noexcept override { return {}; }

 private:
  std::string path_;
  Fd fd_;
};

class NoLock : public LockGuard {};

/// How long a statement waits for another connection's lock on the database.
constexpr std::chrono::milliseconds kBusyTimeout{10000};

/// Waits like sqlite3_busy_timeout(kBusyTimeout), in short naps, but gives up
/// at once when a signal arrived: the statement then fails with SQLITE_BUSY
/// and Execute reports the interrupt.
int OnBusy(void* started_at, int count) {
  auto* start = static_cast<std::chrono::steady_clock::time_point*>(started_at);
  auto now = std::chrono::steady_clock::now();
  if (count == 0) *start = now;
  if (Interrupted() || now - *start >= kBusyTimeout) return 0;
  std::this_thread::sleep_for(std::chrono::milliseconds(count < 10 ? 2 : 10));
  return 1;
}

class SqliteDriver : public Driver {
 public:
  SqliteDriver(std::string path, const ConnectionOptions& options)
      : path_(std::move(path)),
        lock_mode_(options.lock),
        lock_lease_(options.lock_lease),
        table_(options.table),
        db_(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_FULLMUTEX |
                       (options.create_database ? SQLite::OPEN_CREATE : 0)) {
    sqlite3_busy_handler(db_.getHandle(), OnBusy, &busy_since_);
    // Lets SIGINT/SIGTERM abort a long statement instead of waiting for it.
    sqlite3_progress_handler(
        db_.getHandle(), 10000, [](void*) { return Interrupted() ? 1 : 0; }, nullptr);
    // foreign_keys stays as SQLite leaves it (off, like the sqlite3 shell):
    // SQLite's documented table rebuild (CREATE new, copy, DROP old, RENAME)
    // would otherwise delete every child row through ON DELETE CASCADE.
    // Users who want enforcement say so in init_sql.
    for (const auto& sql : options.init_sql) Run(sql);
    if (options.history_format == HistoryFormat::kFlyway) format_ = HistoryFormat::kFlyway;
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  bool transactional_ddl() const override { return true; }
  std::string history_table_sql() const override { return QuoteIdent(table_); }
  /// Decided on first use rather than at connect: reading the schema waits for
  /// another connection's lock on the file, which must happen after the
  /// migration lock is held (and so can be interrupted as a wait for it).
  HistoryFormat history_format() const override {
    if (!format_) {
      std::optional<bool> integer_checksum;
      try {
        SQLite::Statement q(db_, "SELECT type FROM pragma_table_info(?) WHERE name = 'checksum'");
        q.bind(1, table_);
        if (q.executeStep()) integer_checksum = IsIntegerColumnType(q.getColumn(0).getString());
      } catch (const SQLite::Exception& e) {
        throw SqlError(e);
      }
      format_ = ChooseHistoryFormat(false, integer_checksum);
    }
    return *format_;
  }

  std::unique_ptr<LockGuard> Lock(std::chrono::milliseconds timeout) override {
    if (path_ == kMemory) return std::make_unique<NoLock>();
    return TakeMigrationLock(MakeLockPlan(), timeout);
  }
  std::string LockHolder() override {
    if (path_ == kMemory) return {};
    // The file lock does not say who holds it: the lease row alone.
    return DescribeLockHolder(MakeLockPlan(/*native=*/false), OwnLeaseSql());
  }

  void Begin() override {
    if (in_transaction())
      throw UsageError("internal error: a transaction was begun inside another");
    Run("BEGIN");
  }
  void Commit() override { Run("COMMIT"); }
  void Rollback() noexcept override {
    try {
      if (in_transaction()) db_.exec("ROLLBACK");
    } catch (...) {
    }
  }
  // SQLite's own word: a script's COMMIT or ROLLBACK shows at once.
  bool in_transaction() const override {
    return db_.getHandle() && sqlite3_get_autocommit(db_.getHandle()) == 0;
  }

  void Execute(const Statement& statement) override {
    if (lease_fence_) lease_fence_->ThrowIfLost();
    if (statement.copy_data) {
      throw Error(ExitCode::kMigrationFailed, "COPY ... FROM stdin is PostgreSQL only");
    }
    Run(statement.sql);  // Error(kInterrupted) when a signal aborted it
  }

  bool HistoryTableExists() override { return TableExists(table_); }

  bool TableExists(const std::string& name) {
    try {
      SQLite::Statement q(db_, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?");
      q.bind(1, name);
      q.executeStep();
      return q.getColumn(0).getInt() > 0;
    } catch (const SQLite::Exception& e) {
      throw SqlError(e);
    }
  }

  void EnsureHistoryTable() override {
    if (HistoryTableExists()) return;
    if (history_format() == HistoryFormat::kFlyway && table_ != kFlywayLegacyTable &&
        TableExists(std::string(kFlywayLegacyTable)))
      throw LegacyFlywayTableError(QuoteIdent(std::string(kFlywayLegacyTable)), table_);
    try {
      HistoryTableNames names{"\"main\"." + QuoteIdent(table_), QuoteIdent(table_ + "_pk"),
                              "\"main\"." + QuoteIdent(table_ + "_s_idx")};
      if (history_format() == HistoryFormat::kFlyrun) names.qualified = QuoteIdent(table_);
      for (const auto& sql : HistoryTableStatements(history_format(), Dialect::kSqlite, names))
        Run(sql);
    } catch (const Error& e) {
      if (e.code() != ExitCode::kMigrationFailed) throw;
      int primary = e.vendor_code & 0xff;
      bool refused = primary == SQLITE_READONLY || primary == SQLITE_PERM ||
                     primary == SQLITE_AUTH || primary == SQLITE_CANTOPEN;
      throw HistoryCreateError(e, history_table_sql() + " in " + path_, refused,
                               "make the database file and its directory writable for this "
                               "user (and take PRAGMA query_only out of init_sql)");
    }
  }

  std::vector<AppliedMigration> ReadHistory() override {
    std::vector<AppliedMigration> rows;
    if (!HistoryTableExists()) return rows;
    try {
      SQLite::Statement q(db_, std::string("SELECT ") + kHistoryColumns + " FROM " +
                                   QuoteIdent(table_) + " WHERE " + kHistoryRowsOnly +
                                   " ORDER BY installed_rank");
      while (q.executeStep()) {
        AppliedMigration r;
        r.installed_rank = q.getColumn(0).getInt();
        if (!q.getColumn(1).isNull()) r.version = q.getColumn(1).getString();
        r.description = q.getColumn(2).getString();
        r.type = q.getColumn(3).getString();
        r.script = q.getColumn(4).getString();
        if (!q.getColumn(5).isNull()) r.checksum = q.getColumn(5).getString();
        r.installed_by = q.getColumn(6).getString();
        r.installed_on = q.getColumn(7).getString().substr(0, 19);  // Flyway keeps ms
        r.execution_time = q.getColumn(8).getInt();
        r.success = q.getColumn(9).getInt() != 0;
        rows.push_back(std::move(r));
      }
    } catch (const SQLite::Exception& e) {
      if (std::string(e.what()).find("no such column") != std::string::npos)
        throw NotAHistoryTable(history_table_sql(), Columns());
      throw SqlError(e);
    }
    RefuseHistoryOfTheOtherFormat(history_table_sql(), rows, history_format());
    return rows;
  }

  void InsertHistory(const AppliedMigration& given) override {
    if (lease_fence_) lease_fence_->Check(OwnLeaseSql());
    AppliedMigration row = FitHistoryRow(given);
    // Flyway's format leaves installed_on to its default (with milliseconds).
    bool flyway = history_format() == HistoryFormat::kFlyway;
    try {
      SQLite::Statement q(
          db_, "INSERT INTO " + QuoteIdent(table_) +
                   " (installed_rank, version, description, type, script, checksum, "
                   "installed_by, " +
                   (flyway ? "" : "installed_on, ") +
                   "execution_time, success) VALUES ((SELECT COALESCE(MAX(installed_rank), 0) + "
                   "1 FROM " +
                   QuoteIdent(table_) + " WHERE " + kHistoryRowsOnly + "), ?, ?, ?, ?, ?, ?, " +
                   (flyway ? "" : "strftime('%Y-%m-%d %H:%M:%S', 'now'), ") + "?, ?)");
      if (row.version) q.bind(1, *row.version);
      q.bind(2, row.description);
      q.bind(3, row.type);
      q.bind(4, row.script);
      if (row.checksum) q.bind(5, *row.checksum);
      q.bind(6, row.installed_by.empty() ? HistoryUser() : row.installed_by);
      q.bind(7, row.execution_time);
      q.bind(8, row.success ? 1 : 0);
      q.exec();
    } catch (const SQLite::Exception& e) {
      throw SqlError(e);
    }
  }

  void DeleteHistory(int installed_rank) override {
    if (lease_fence_) lease_fence_->Check(OwnLeaseSql());
    try {
      SQLite::Statement q(db_, "DELETE FROM " + QuoteIdent(table_) + " WHERE installed_rank = ?");
      q.bind(1, installed_rank);
      q.exec();
    } catch (const SQLite::Exception& e) {
      throw SqlError(e);
    }
  }

  void UpdateHistory(int installed_rank, const std::optional<std::string>& checksum,
                     const std::string& description, bool success) override {
    if (lease_fence_) lease_fence_->Check(OwnLeaseSql());
    try {
      SQLite::Statement q(db_, "UPDATE " + QuoteIdent(table_) +
                                   " SET checksum = ?, description = ?, success = ? "
                                   "WHERE installed_rank = ?");
      if (checksum) q.bind(1, *checksum);
      q.bind(2, FitColumn(description, kDescriptionWidth));
      q.bind(3, success ? 1 : 0);
      q.bind(4, installed_rank);
      q.exec();
    } catch (const SQLite::Exception& e) {
      throw SqlError(e);
    }
  }

  /// The history table's columns, in order.
  std::vector<std::string> Columns() {
    std::vector<std::string> out;
    SQLite::Statement q(db_, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
    q.bind(1, table_);
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  }

  std::string HistoryUser() override {
    return history_format() == HistoryFormat::kFlyway ? std::string() : CurrentUser();
  }
  std::string CurrentUser() override {
    // SQLite has no users: the OS account, looked up once (getpwuid reads NSS).
    if (user_.empty()) {
      const passwd* pw = getpwuid(geteuid());
      user_ = pw ? pw->pw_name : "sqlite";
    }
    return user_;
  }

  std::string DatabaseName() override {
    return path_ == kMemory ? path_ : std::filesystem::path(path_).filename().string();
  }

  bool SchemaIsEmpty() override {
    try {
      // tbl_name: the history table and what belongs to it (the index of
      // Flyway's definition) do not count.
      SQLite::Statement q(db_,
                          "SELECT count(*) FROM sqlite_master WHERE tbl_name NOT IN (?, ?) AND "
                          "name NOT LIKE 'sqlite_%'");
      q.bind(1, table_);
      q.bind(2, LeaseTableName(table_));
      q.executeStep();
      return q.getColumn(0).getInt() == 0;
    } catch (const SQLite::Exception& e) {
      throw SqlError(e);
    }
  }

  void Clean() override {
    bool enforced = false;
    {
      SQLite::Statement q(db_, "PRAGMA foreign_keys");
      if (q.executeStep()) enforced = q.getColumn(0).getInt() != 0;
    }
    // Dropping in any order must not trip or cascade through foreign keys.
    if (enforced) Run("PRAGMA foreign_keys = OFF");
    std::vector<std::pair<std::string, std::string>> objects;
    {
      SQLite::Statement q(db_,
                          "SELECT type, name FROM sqlite_master WHERE type IN "
                          "('view','trigger','table') AND name NOT LIKE 'sqlite_%' AND name <> ? "
                          "ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN 'view' THEN 1 ELSE 2 END");
      q.bind(1, LeaseTableName(table_));
      while (q.executeStep())
        objects.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
    }
    try {
      for (const auto& [type, name] : objects) {
        std::string kind = type == "view" ? "VIEW" : (type == "trigger" ? "TRIGGER" : "TABLE");
        Run("DROP " + kind + " IF EXISTS " + QuoteIdent(name));
      }
    } catch (...) {
      if (enforced) Run("PRAGMA foreign_keys = ON");
      throw;
    }
    if (enforced) Run("PRAGMA foreign_keys = ON");
  }

 private:
  LockPlan MakeLockPlan(bool native = true) {
    LockPlan plan;
    plan.mode = lock_mode_;
    plan.lease = lock_lease_;
    if (native) plan.native.push_back(OpenFileLock());
    LeasePlan& lease = plan.lease_plan;
    lease.dialect = Dialect::kSqlite;
    lease.table_sql = QuoteIdent(LeaseTableName(table_));
    lease.place = path_;
    std::string path = path_;
    // A write waits at most a second behind another connection's: SQLite
    // locks the whole file while a migration writes.
    auto lock_wait =
        std::clamp(lock_lease_ / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    lease.open = [path, lock_wait] {
      auto db = std::make_shared<SQLite::Database>(
          path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
      db->setBusyTimeout(static_cast<int>(lock_wait.count()));
      return std::unique_ptr<LeaseSql>(std::make_unique<SqliteLeaseSql>(db));
    };
    lease.install_fence = [this](std::shared_ptr<LeaseFence> fence) {
      lease_fence_ = std::move(fence);
    };
    return plan;
  }

  /// The native lock: an flock on a file beside the database.
  std::unique_ptr<NativeLock> OpenFileLock() {
    std::string lock_path = path_ + ".flyrun-lock";
    Fd fd(open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (fd.get() < 0) {
      // Not a lock held by someone else: nothing waiting would change.
      int error = errno;
      throw UsageError("cannot create the lock file " + lock_path + ": " + std::strerror(error),
                       "flyrun takes its migration lock on this file beside the database: make "
                       "the directory writable for this user (SQLite needs that for its journal "
                       "too), and remove anything else of that name");
    }
    return std::make_unique<FileLock>(path_, std::move(fd));
  }

  /// The lease's SQL on this driver's connection (the fence, info).
  LeaseSql& OwnLeaseSql() {
    if (!own_lease_sql_) {
      own_lease_sql_ = std::make_unique<SqliteLeaseSql>(
          std::shared_ptr<SQLite::Database>(std::shared_ptr<SQLite::Database>(), &db_));
    }
    return *own_lease_sql_;
  }

  void Run(const std::string& sql) {
    try {
      db_.exec(sql);
    } catch (const SQLite::Exception& e) {
      throw SqlError(e);
    }
  }

  std::string path_;
  LockMode lock_mode_;
  std::chrono::milliseconds lock_lease_;
  std::unique_ptr<SqliteLeaseSql> own_lease_sql_;
  mutable std::optional<HistoryFormat> format_;  ///< see history_format()
  std::string table_;
  SQLite::Database db_;
  std::chrono::steady_clock::time_point busy_since_;  ///< for OnBusy
  std::string user_;
};

}  // namespace

std::unique_ptr<Driver> OpenSqlite(const ConnectionOptions& options) {
  std::string path = PathOfUrl(options.url);
  if (path != kMemory) {
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent)) {
      throw Error(ExitCode::kConnect, "cannot open SQLite database " + path + ": directory " +
                                          parent.string() + " does not exist");
    }
    if (!options.create_database && !std::filesystem::exists(path)) {
      throw Error(ExitCode::kConnect, "SQLite database " + path + " does not exist",
                  "check the path in the URL (a relative one is relative to the working "
                  "directory); `flyrun migrate` creates the database");
    }
  }
  try {
    return std::make_unique<SqliteDriver>(path, options);
  } catch (const SQLite::Exception& e) {
    throw Error(ExitCode::kConnect, "cannot open SQLite database " + path + ": " + e.what());
  }
}

}  // namespace flyrun
