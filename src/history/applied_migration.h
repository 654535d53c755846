#pragma once

#include <optional>
#include <string>

namespace flyrun {

/// One row of the history table (SPEC 7), as a driver reads and writes it.
struct AppliedMigration {
  int installed_rank = 0;
  std::optional<std::string> version;  ///< NULL for repeatables
  std::string description;
  std::string type;  ///< "SQL", "UNDO_SQL", "BASELINE", "DELETE"
  std::string script;
  std::optional<std::string> checksum;
  std::string installed_by;
  std::string installed_on;  ///< "YYYY-MM-DD HH:MM:SS" as the database returns it
  int execution_time = 0;    ///< milliseconds
  bool success = true;
};

}  // namespace flyrun
