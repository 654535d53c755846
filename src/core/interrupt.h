#pragma once

namespace flyrun {

/// Installs SIGINT/SIGTERM handlers that only set a flag; long work polls it
/// between statements and migrations and stops cleanly (exit 130).
void InstallInterruptHandlers();
bool Interrupted();
/// Throws Error(kInterrupted) when a signal arrived.
void ThrowIfInterrupted();
/// Forgets a signal that has been dealt with (tests run many commands in one
/// process).
void ResetInterrupted();

}  // namespace flyrun
