#pragma once

// The migration lock: one module owns waiting, deadlines, interrupts and
// reporting the holder. Drivers supply only their native lock (try once,
// release, who holds it) and a connection for the lease lock's SQL.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/dialect.h"
#include "core/lock_mode.h"
#include "driver/driver.h"
#include "lock/lease_lock.h"

namespace flyrun {

/// One of the server's own locks: an advisory lock, a GET_LOCK name, a file lock.
class NativeLock {
 public:
  virtual ~NativeLock() = default;
  /// For messages: "the migration lock (advisory lock 42)".
  virtual std::string name() const = 0;
  /// What to do when it was not acquired in time.
  virtual std::string hint() const = 0;
  /// One attempt, waiting on the server at most `wait` (0 = not at all; only
  /// locks that can wait server-side do). True when now held. A signal during
  /// a server-side wait: returns true when the lock was taken all the same
  /// (the caller sees the signal and gives it back), else throws kInterrupted.
  virtual bool TryOnce(std::chrono::milliseconds wait) = 0;
  /// Whether TryOnce can wait on the server; the waiter then lets it wait in
  /// slices of up to a second instead of pausing between attempts.
  virtual bool waits_on_server() const { return false; }
  virtual void Release() noexcept = 0;
  /// ", held by pid 12 (psql, alice@10.0.0.5)", "" when unknown. Never throws.
  virtual std::string Holder() noexcept = 0;
};

/// What a driver's Lock() hands to TakeMigrationLock.
struct LockPlan {
  LockMode mode = LockMode::kAuto;
  std::chrono::milliseconds lease{30000};
  /// Driver::NativeLockCaveat(): why the native lock is not correct here.
  std::string caveat;
  /// The server's own locks, taken in this order under one deadline.
  std::vector<std::unique_ptr<NativeLock>> native;
  /// The lease lock's table and connections (LeasePlan in lease_lock.h).
  LeasePlan lease_plan;
};

/// Takes the lock the plan's mode asks for: the native locks where they are
/// correct (`auto` without a caveat, `native`), else the lease lock. Waits at
/// most `timeout`; throws Error(kLock) naming the lock and its holder, or
/// Error(kInterrupted) on a signal. The guard releases what was taken.
std::unique_ptr<LockGuard> TakeMigrationLock(LockPlan plan, std::chrono::milliseconds timeout);

/// Who holds the migration lock this plan takes, for `info`: the lease row's
/// holder, or the native locks' holders; "" when no one does. The lock table
/// is read through `reader`, the driver's own connection, and only when the
/// plan takes the lease. Never throws.
std::string DescribeLockHolder(LockPlan plan, LeaseSql& reader);

/// Whether the plan's mode makes Lock() take the lease lock.
bool UsesLease(LockMode mode, const std::string& caveat);

/// "300s", "1.5s", "250 ms": a duration for messages.
std::string LockDurationText(std::chrono::milliseconds d);

}  // namespace flyrun
