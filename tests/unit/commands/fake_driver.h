#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "driver/driver.h"

namespace flyrun::test {

/// The state of an in-memory database, shared by every FakeDriver opened on
/// it (like a real database between two runs of flyrun).
struct FakeDatabase {
  /// false: behaves like MySQL (DDL, here any statement starting with CREATE,
  /// DROP or ALTER, commits on its own).
  bool transactional_ddl = true;
  std::vector<std::string> committed;  ///< statements whose effects are durable
  std::vector<AppliedMigration> history;
  std::vector<std::string> log;  ///< BEGIN, EXEC <sql>, HISTORY <version> ok|failed, COMMIT...
  /// Called before each statement runs; may throw (an Error is the statement's
  /// failure) or raise a signal. Statements containing "FAIL" fail by themselves.
  std::function<void(const Statement&)> before_execute;
  bool fail_history_insert = false;  ///< InsertHistory throws
  bool locked = false;
  /// The dialect the driver claims, for how scripts are split (statements are
  /// never parsed by the fake).
  Dialect dialect = Dialect::kSqlite;
  /// What session_lexing() reports. The fake keeps what scripts set
  /// (ScriptLeftSession), as a server's session would.
  SessionLexing lexing;

  /// The log entries of one kind, e.g. Count("BEGIN").
  int Count(const std::string& prefix) const;
  bool Has(const std::string& sql) const;  ///< a committed statement equal to `sql`
};

/// A Driver over a FakeDatabase: transactions, implicit commits, a script's own
/// COMMIT/ROLLBACK, history rows and the lock, without any server. Unit tests of
/// the orchestration (executor, migrate, undo, repair) run against it; the same
/// behaviour is tested against real servers in tests/integration.
class FakeDriver : public Driver {
 public:
  explicit FakeDriver(FakeDatabase& db) : db_(db) {}

  Dialect dialect() const override { return db_.dialect; }
  SessionLexing session_lexing() const override { return db_.lexing; }
  void ScriptLeftSession(const SessionLexing& session) override { db_.lexing.now = session.now; }
  bool transactional_ddl() const override { return db_.transactional_ddl; }
  std::string history_table_sql() const override { return "fake_history"; }
  std::unique_ptr<LockGuard> Lock(std::chrono::milliseconds timeout) override;
  void Begin() override;
  void Commit() override;
  void Rollback() noexcept override;
  bool in_transaction() const override { return in_tx_; }
  int LastCommittedStatement() override { return in_tx_ || ended_ ? last_committed_ : -1; }
  void Execute(const Statement& statement) override;
  void EnsureHistoryTable() override { has_table_ = true; }
  bool HistoryTableExists() override { return has_table_; }
  std::vector<AppliedMigration> ReadHistory() override;
  void InsertHistory(const AppliedMigration& row) override;
  void DeleteHistory(int installed_rank) override;
  void UpdateHistory(int installed_rank, const std::optional<std::string>& checksum,
                     const std::string& description, bool success) override;
  std::string CurrentUser() override { return "tester"; }
  std::string DatabaseName() override { return "fake"; }
  bool SchemaIsEmpty() override { return db_.committed.empty(); }
  void Clean() override;

 private:
  void CommitPending();

  FakeDatabase& db_;
  bool in_tx_ = false;
  bool ended_ = false;  ///< a statement of the script ended the transaction
  bool has_table_ = true;
  int last_committed_ = 0;
  std::vector<std::string> pending_;
  std::vector<AppliedMigration> pending_history_;
};

}  // namespace flyrun::test
