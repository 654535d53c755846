#include "lock/migration_lock.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "core/interrupt.h"
#include "lock/lease_wait.h"

namespace flyrun {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

/// The native locks taken so far, given back in the reverse order of taking.
class NativeGuard final : public LockGuard {
 public:
  ~NativeGuard() override {
    for (auto lock = held_.rbegin(); lock != held_.rend(); ++lock) (*lock)->Release();
  }
  void Held(std::unique_ptr<NativeLock> lock) { held_.push_back(std::move(lock)); }

 private:
  std::vector<std::unique_ptr<NativeLock>> held_;
};

void TakeNative(NativeLock& lock, Clock::time_point deadline, milliseconds timeout) {
  auto pause = milliseconds(20);
  // The first try does not wait, so that a wait is announced before it starts.
  for (int attempt = 0;; ++attempt) {
    ThrowIfInterrupted();
    auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    auto wait = attempt == 0 || !lock.waits_on_server()
                    ? milliseconds(0)
                    : std::clamp(remaining, milliseconds(0), milliseconds(1000));
    if (lock.TryOnce(wait)) return;
    if (Clock::now() >= deadline) {
      throw Error(
          ExitCode::kLock,
          "could not take " + lock.name() + " within " + LockDurationText(timeout) + lock.Holder(),
          lock.hint());
    }
    if (attempt == 0) {
      spdlog::info("waiting up to {} for {}{}", LockDurationText(timeout), lock.name(),
                   lock.Holder());
    }
    if (!lock.waits_on_server()) {
      PauseInterruptibly(std::min<Clock::duration>(pause, deadline - Clock::now()));
      pause = std::min(pause * 2, milliseconds(200));
    }
  }
}

}  // namespace

void PauseInterruptibly(Clock::duration d) {
  auto until = Clock::now() + d;
  for (auto now = Clock::now(); now < until; now = Clock::now()) {
    ThrowIfInterrupted();
    std::this_thread::sleep_for(std::min<Clock::duration>(milliseconds(20), until - now));
  }
}

std::string LockDurationText(milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  if (d.count() > 1000) {
    std::ostringstream out;
    out << d.count() / 1000.0 << "s";
    return out.str();
  }
  return std::to_string(d.count()) + " ms";
}

bool UsesLease(LockMode mode, const std::string& caveat) {
  return mode == LockMode::kTable || (mode == LockMode::kAuto && !caveat.empty());
}

std::unique_ptr<LockGuard> TakeMigrationLock(LockPlan plan, milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  if (UsesLease(plan.mode, plan.caveat)) {
    if (plan.mode == LockMode::kAuto) {
      spdlog::debug("taking the lease lock: {}", plan.caveat);
    }
    return TakeLease(plan.lease_plan, plan.lease, deadline, timeout);
  }
  if (plan.mode == LockMode::kNative && !plan.caveat.empty()) {
    spdlog::warn("lock: native was asked for, but {}; use lock: auto or table", plan.caveat);
  }
  auto guard = std::make_unique<NativeGuard>();
  for (auto& lock : plan.native) {
    TakeNative(*lock, deadline, timeout);  // on a throw, the guard gives back the others
    guard->Held(std::move(lock));
    ThrowIfInterrupted();
  }
  return guard;
}

std::string DescribeLockHolder(LockPlan plan, LeaseSql& reader) {
  if (UsesLease(plan.mode, plan.caveat)) {
    try {
      if (auto holder = ReadLeaseHolder(reader, plan.lease_plan))
        return "lease held by " + holder->holder + " since " + holder->since;
    } catch (...) {
      // No lock table yet: no one has held the lease.
    }
    return {};
  }
  std::string out;
  for (auto& lock : plan.native) {
    std::string holder = lock->Holder();
    if (!holder.empty()) out += (out.empty() ? "" : "; ") + lock->name() + holder;
  }
  return out;
}

}  // namespace flyrun
