#pragma once

#include <stdexcept>
#include <string>

namespace flyrun {

/// Process exit status; the numbers are part of the contract (SPEC 8).
enum class ExitCode : int {
  kSuccess = 0,
  kMigrationFailed = 1,
  kUsage = 2,
  kValidation = 3,
  kConnect = 4,
  kLock = 5,
  kInterrupted = 130,
};

/// The one error type flyrun throws across module edges. Third-party exceptions
/// (pqxx, SQLite::Exception, sql::SQLException, YAML::Exception) are caught at the
/// module edge and rethrown as an Error. Only main prints errors and picks exit codes.
///
/// The message may quote server text; it reaches the user only through the
/// output paths, which scrub every secret of the run (config/secrets.h).
/// URLs in messages are shown through RedactUrl.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message, std::string hint = {})
      : std::runtime_error(message), code_(code), hint_(std::move(hint)) {}

  ExitCode code() const { return code_; }
  /// What the user can do about it ("Solution" in Flyway terms); may be empty.
  const std::string& hint() const { return hint_; }
  void set_hint(std::string hint) { hint_ = std::move(hint); }

  // Location and database detail, filled where known.
  std::string file;      ///< script path as shown to the user
  int line = 0;          ///< 1-based; 0 = unknown
  int column = 0;        ///< 1-based; 0 = unknown
  std::string sqlstate;  ///< five-character SQLSTATE, when the database gave one
  int vendor_code = 0;   ///< MySQL error number, SQLite extended code
  std::string detail;    ///< extra lines (PostgreSQL DETAIL, statement text...)

 private:
  ExitCode code_;
  std::string hint_;
};

inline Error UsageError(const std::string& message, std::string hint = {}) {
  return Error(ExitCode::kUsage, message, std::move(hint));
}

}  // namespace flyrun
