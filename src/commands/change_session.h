#pragma once

#include <memory>
#include <sstream>
#include <string>

#include "commands/context.h"
#include "commands/dry_run.h"
#include "driver/driver.h"

namespace flyrun {

/// The connection of a command that changes the database (migrate, undo,
/// baseline, repair, clean): connected, the migration lock held for the whole
/// run, and under --dry-run a DryRunDriver in front that prints every change
/// instead of making it (to stdout, or captured for --output json).
class ChangeSession {
 public:
  explicit ChangeSession(const CommandContext& ctx);
  ChangeSession(const ChangeSession&) = delete;
  ChangeSession& operator=(const ChangeSession&) = delete;

  Driver& driver() { return dry_ ? *dry_ : *real_; }
  /// The SQL a dry run printed when it was captured for JSON output.
  std::string captured_sql() const { return captured_.str(); }

 private:
  // Declaration order is destruction order reversed: the lock is released
  // before the connection closes.
  std::unique_ptr<Driver> real_;
  std::unique_ptr<LockGuard> lock_;
  std::ostringstream captured_;
  std::unique_ptr<DryRunDriver> dry_;
};

}  // namespace flyrun
