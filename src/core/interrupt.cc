#include "core/interrupt.h"

#include <csignal>

#include "core/error.h"

namespace flyrun {
namespace {
volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void OnSignal(int) { g_interrupted = 1; }
}  // namespace

void InstallInterruptHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool Interrupted() { return g_interrupted != 0; }

void ResetInterrupted() { g_interrupted = 0; }

void ThrowIfInterrupted() {
  if (Interrupted()) throw Error(ExitCode::kInterrupted, "interrupted by signal");
}

}  // namespace flyrun
