#include "fake_driver.h"

#include <algorithm>

#include "core/error.h"

namespace flyrun::test {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

class FakeLock : public LockGuard {
 public:
  explicit FakeLock(FakeDatabase& db) : db_(db) { db_.locked = true; }
  ~FakeLock() override {
    db_.locked = false;
    db_.log.push_back("UNLOCK");
  }

 private:
  FakeDatabase& db_;
};

}  // namespace

int FakeDatabase::Count(const std::string& prefix) const {
  return static_cast<int>(std::count_if(
      log.begin(), log.end(), [&](const std::string& e) { return e.rfind(prefix, 0) == 0; }));
}

bool FakeDatabase::Has(const std::string& sql) const {
  return std::find(committed.begin(), committed.end(), sql) != committed.end();
}

std::unique_ptr<LockGuard> FakeDriver::Lock(std::chrono::milliseconds) {
  if (db_.locked) throw Error(ExitCode::kLock, "fake database is locked");
  db_.log.push_back("LOCK");
  return std::make_unique<FakeLock>(db_);
}

void FakeDriver::Begin() {
  if (in_tx_) throw UsageError("internal error: a transaction was begun inside another");
  db_.log.push_back("BEGIN");
  in_tx_ = true;
  ended_ = false;
  last_committed_ = 0;
}

void FakeDriver::CommitPending() {
  db_.committed.insert(db_.committed.end(), pending_.begin(), pending_.end());
  for (auto& row : pending_history_) {
    row.installed_rank = static_cast<int>(db_.history.size()) + 1;
    db_.history.push_back(row);
  }
  pending_.clear();
  pending_history_.clear();
}

void FakeDriver::Commit() {
  db_.log.push_back("COMMIT");
  CommitPending();
  in_tx_ = false;
}

void FakeDriver::Rollback() noexcept {
  if (in_tx_ || !pending_.empty() || !pending_history_.empty()) db_.log.push_back("ROLLBACK");
  pending_.clear();
  pending_history_.clear();
  in_tx_ = false;
}

void FakeDriver::Execute(const Statement& st) {
  if (db_.before_execute) db_.before_execute(st);
  if (st.sql.find("FAIL") != std::string::npos) {
    Error e(ExitCode::kMigrationFailed, "syntax error at or near \"FAIL\"");
    e.sqlstate = "42601";
    throw e;
  }
  db_.log.push_back("EXEC " + st.sql);
  if (!in_tx_) {
    db_.committed.push_back(st.sql);
    return;
  }
  if (st.sql == "COMMIT" || st.sql == "END") {
    CommitPending();
    in_tx_ = false;
    ended_ = true;
    last_committed_ = st.index;
    return;
  }
  if (st.sql == "ROLLBACK") {
    pending_.clear();
    pending_history_.clear();
    in_tx_ = false;
    ended_ = true;
    return;
  }
  pending_.push_back(st.sql);
  bool ddl =
      StartsWith(st.sql, "CREATE") || StartsWith(st.sql, "DROP") || StartsWith(st.sql, "ALTER");
  if (!db_.transactional_ddl && ddl) {
    CommitPending();
    last_committed_ = st.index;
  }
}

std::vector<AppliedMigration> FakeDriver::ReadHistory() { return db_.history; }

void FakeDriver::InsertHistory(const AppliedMigration& row) {
  if (db_.fail_history_insert) throw Error(ExitCode::kMigrationFailed, "history insert refused");
  db_.log.push_back("HISTORY " + row.version.value_or(row.description) +
                    (row.success ? " ok" : " failed"));
  AppliedMigration r = row;
  r.installed_by = CurrentUser();
  r.installed_on = "2026-01-01 00:00:00";
  if (in_tx_) {
    pending_history_.push_back(r);
  } else {
    r.installed_rank = static_cast<int>(db_.history.size()) + 1;
    db_.history.push_back(r);
  }
}

void FakeDriver::DeleteHistory(int installed_rank) {
  db_.log.push_back("DELETE " + std::to_string(installed_rank));
  db_.history.erase(
      std::remove_if(db_.history.begin(), db_.history.end(),
                     [&](const AppliedMigration& r) { return r.installed_rank == installed_rank; }),
      db_.history.end());
}

void FakeDriver::UpdateHistory(int installed_rank, const std::optional<std::string>& checksum,
                               const std::string& description, bool success) {
  for (auto& r : db_.history) {
    if (r.installed_rank != installed_rank) continue;
    r.checksum = checksum;
    r.description = description;
    r.success = success;
  }
}

void FakeDriver::Clean() {
  db_.committed.clear();
  db_.history.clear();
}

}  // namespace flyrun::test
