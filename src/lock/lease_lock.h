#pragma once

// The lease lock: a row in a lock table of flyrun's own, beside the history
// table, taken with a single-row compare-and-set in autocommit and kept alive
// by a heartbeat on a connection of its own. A waiter judges the lease expired
// by its own monotonic clock, when the row's heartbeat counter has not moved
// for the lease time; clocks of different machines are never compared. Every
// history write checks, in its own transaction, that the lease is still held
// (fencing), and a run that lost its lease stops before its next statement.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "core/dialect.h"

namespace flyrun {

using LeaseValue = std::variant<int64_t, std::string>;
using LeaseRow = std::vector<std::optional<std::string>>;

/// Thrown by LeaseSql when a statement met another transaction's write: a
/// deadlock, a serialization or Galera certification failure, a lock wait
/// that timed out, SQLite's busy. For the lease it means "try again".
struct LeaseConflict : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A connection the lease's SQL runs on; `?` marks parameters, bound in order.
/// Other failures throw flyrun::Error (a lost connection: kConnect).
class LeaseSql {
 public:
  virtual ~LeaseSql() = default;
  /// Runs one statement; returns the number of rows it changed.
  virtual int64_t Exec(const std::string& sql, const std::vector<LeaseValue>& params) = 0;
  virtual std::vector<LeaseRow> Query(const std::string& sql,
                                      const std::vector<LeaseValue>& params) = 0;
};

/// What a driver gives the lease lock.
struct LeasePlan {
  Dialect dialect = Dialect::kPostgres;
  /// The lock table, schema-qualified and quoted: the history table's name
  /// with `_lock` appended (LeaseTableName), in the history table's schema.
  std::string table_sql;
  /// Statements run before the lock table is created, when it is missing:
  /// creating the schema when that is missing too. Asked only then, so that
  /// taking the lock costs no catalog query once the table exists.
  std::function<std::vector<std::string>()> prepare;
  /// For messages: "postgresql://db.example.com/app (schema public)".
  std::string place;
  /// Opens a new autocommit connection of the driver's (for the waiting, the
  /// heartbeat and a reconnect), with short lock waits (about a second) so
  /// that a statement that meets a held row lock throws LeaseConflict.
  std::function<std::unique_ptr<LeaseSql>()> open;
  /// Receives the fence while the lease is held (null when released); the
  /// driver calls it from Execute and its history writes.
  std::function<void(std::shared_ptr<class LeaseFence>)> install_fence;
};

/// The lock table's name for a history table.
std::string LeaseTableName(const std::string& history_table);

/// The lease as a driver checks it: no round trip for ThrowIfLost, one
/// statement for Check.
class LeaseFence {
 public:
  virtual ~LeaseFence() = default;
  /// Throws Error(kLock) once the lease is known lost (the heartbeat saw
  /// another owner, or has not reached the database for half the lease).
  /// Called before each statement of a migration.
  virtual void ThrowIfLost() const = 0;
  /// In the transaction of a history write, on the driver's own connection:
  /// touches the lock row if it is still ours and throws Error(kLock) when it
  /// is not, so that the write commits only while the lease is held.
  virtual void Check(LeaseSql& own) const = 0;
};

/// Who holds a lease lock, as the lock table says; empty when no row.
struct LeaseHolder {
  std::string holder;  ///< "alice@build-7 pid 4242"
  std::string since;   ///< UTC time the holder took it, as its clock said
  int64_t beats = 0;
  std::chrono::milliseconds lease{0};
};
std::optional<LeaseHolder> ReadLeaseHolder(LeaseSql& sql, const LeasePlan& plan);

}  // namespace flyrun
