#pragma once

#include <ostream>

#include "driver/driver.h"

namespace flyrun {

/// A Driver that reads through to the real database (history, user, lock) but
/// prints every change — statements, COPY data, transaction boundaries and
/// history writes — as SQL instead of running it (`--dry-run`).
class DryRunDriver : public Driver {
 public:
  DryRunDriver(Driver& real, std::ostream& out)
      : real_(real), out_(out), lexing_(real.session_lexing()) {}

  Dialect dialect() const override { return real_.dialect(); }
  /// The session as the printed scripts would leave it: nothing runs, so what
  /// a script SETs is taken from the splitter (ScriptLeftSession).
  SessionLexing session_lexing() const override { return lexing_; }
  void ScriptLeftSession(const SessionLexing& session) override { lexing_ = session; }
  bool transactional_ddl() const override { return real_.transactional_ddl(); }
  std::string history_table_sql() const override { return real_.history_table_sql(); }
  HistoryFormat history_format() const override { return real_.history_format(); }
  std::unique_ptr<LockGuard> Lock(std::chrono::milliseconds timeout) override {
    return real_.Lock(timeout);
  }
  void Begin() override;
  void Commit() override;
  void Rollback() noexcept override;
  bool in_transaction() const override { return in_tx_; }
  void Execute(const Statement& statement) override;
  void EnsureHistoryTable() override;
  bool HistoryTableExists() override { return real_.HistoryTableExists(); }
  std::vector<AppliedMigration> ReadHistory() override { return real_.ReadHistory(); }
  void InsertHistory(const AppliedMigration& row) override;
  void DeleteHistory(int installed_rank) override;
  void UpdateHistory(int installed_rank, const std::optional<std::string>& checksum,
                     const std::string& description, bool success) override;
  std::string CurrentUser() override { return real_.CurrentUser(); }
  std::string HistoryUser() override { return real_.HistoryUser(); }
  std::string DatabaseName() override { return real_.DatabaseName(); }
  bool SchemaIsEmpty() override { return real_.SchemaIsEmpty(); }
  void Clean() override;

 private:
  Driver& real_;
  std::ostream& out_;
  bool in_tx_ = false;
  int next_rank_ = 0;  ///< installed_rank the next printed INSERT would get
  SessionLexing lexing_;
};

}  // namespace flyrun
