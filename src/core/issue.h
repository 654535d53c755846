#pragma once

#include <string>
#include <vector>

namespace flyrun {

/// Errors fail validation; warnings are shown but do not.
enum class Severity { kError, kWarning };

/// One validation problem. Validation collects every problem before reporting,
/// so checks append Issues instead of throwing.
struct Issue {
  std::string code;     ///< stable machine name, e.g. "malformed-name", "checksum-mismatch"
  std::string file;     ///< script path relative to the working directory; may be empty
  int line = 0;         ///< 1-based; 0 = whole file
  int column = 0;       ///< 1-based; 0 = unknown
  std::string message;  ///< one sentence, names the file where useful
  std::string hint;     ///< how to fix it; may be empty
  Severity severity = Severity::kError;
};

/// True when any issue is an error (not only warnings).
inline bool HasErrors(const std::vector<Issue>& issues) {
  for (const Issue& i : issues)
    if (i.severity == Severity::kError) return true;
  return false;
}

/// "error" or "warning", as shown in every output format.
inline const char* SeverityName(Severity s) {
  return s == Severity::kWarning ? "warning" : "error";
}

using Issues = std::vector<Issue>;

}  // namespace flyrun
