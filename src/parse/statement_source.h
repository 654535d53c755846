#pragma once

#include <istream>
#include <map>
#include <memory>
#include <string>

#include "core/issue.h"
#include "parse/statement.h"

namespace flyrun {

struct SplitOptions {
  Dialect dialect = Dialect::kSqlite;
  /// Placeholder values by name (built-ins included, e.g. "flyrun:user").
  std::map<std::string, std::string> placeholders;
  bool replace_placeholders = true;
  /// When non-null, recoverable problems (unknown placeholder) are appended here
  /// and splitting goes on; otherwise they throw. Unterminated constructs always
  /// end the file: recorded here (and Next returns false) or thrown.
  Issues* issues = nullptr;
};

/// Script-level directives read from the first line of a script:
/// `-- flyrun:transaction=false`.
struct ScriptDirectives {
  bool transactional = true;
};

/// Streams statements out of a script, one at a time, reading the input in
/// chunks: memory is bounded by the largest statement, never by the file.
/// Errors are flyrun::Error with file, line and column set (exit code kValidation
/// for unterminated constructs and unknown placeholders).
class StatementSource {
 public:
  /// `name` is the file name shown in errors.
  StatementSource(std::unique_ptr<std::istream> input, std::string name, SplitOptions options);
  ~StatementSource();
  StatementSource(const StatementSource&) = delete;
  StatementSource& operator=(const StatementSource&) = delete;

  /// Opens a file; throws Error(kUsage) naming it when it cannot be opened.
  static std::unique_ptr<StatementSource> Open(const std::string& path, SplitOptions options);

  /// Directives from the script's first line (available before the first Next).
  const ScriptDirectives& directives() const;

  /// Yields the next statement; false at the end of the input.
  bool Next(Statement& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flyrun
