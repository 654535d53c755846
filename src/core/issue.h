#pragma once

#include <string>
#include <vector>

namespace flyrun {

/// One validation problem. Validation collects every problem before reporting,
/// so checks append Issues instead of throwing.
struct Issue {
  std::string code;     ///< stable machine name, e.g. "malformed-name", "checksum-mismatch"
  std::string file;     ///< script path relative to the working directory; may be empty
  int line = 0;         ///< 1-based; 0 = whole file
  int column = 0;       ///< 1-based; 0 = unknown
  std::string message;  ///< one sentence, names the file where useful
  std::string hint;     ///< how to fix it; may be empty
};

using Issues = std::vector<Issue>;

}  // namespace flyrun
