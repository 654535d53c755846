#include "core/interrupt.h"

#include <atomic>
#include <csignal>

#include "core/error.h"

namespace flyrun {
namespace {
// An atomic rather than a volatile sig_atomic_t: besides the signal handler,
// watcher threads of the drivers read it. Lock-free atomics are safe to use in
// a signal handler.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void OnSignal(int) { g_interrupted.store(true, std::memory_order_relaxed); }
}  // namespace

void InstallInterruptHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool Interrupted() { return g_interrupted.load(std::memory_order_relaxed); }

void ResetInterrupted() { g_interrupted = 0; }

void ThrowIfInterrupted() {
  if (Interrupted()) throw Error(ExitCode::kInterrupted, "interrupted by signal");
}

}  // namespace flyrun
