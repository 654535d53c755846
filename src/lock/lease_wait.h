#pragma once

#include <chrono>
#include <memory>

#include "driver/driver.h"
#include "lock/lease_lock.h"

namespace flyrun {

/// Pauses up to `d`, seeing a signal (Error kInterrupted) within 20 ms.
void PauseInterruptibly(std::chrono::steady_clock::duration d);

/// Takes the lease lock by `deadline`, then keeps it alive until the guard is
/// destroyed. See lease_lock.h.
std::unique_ptr<LockGuard> TakeLease(const LeasePlan& plan, std::chrono::milliseconds lease,
                                     std::chrono::steady_clock::time_point deadline,
                                     std::chrono::milliseconds timeout);

}  // namespace flyrun
