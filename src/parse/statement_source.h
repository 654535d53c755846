#pragma once

#include <cstddef>
#include <istream>
#include <map>
#include <memory>
#include <string>

#include "core/dialect.h"
#include "core/issue.h"
#include "core/session_lexing.h"
#include "core/statement.h"

namespace flyrun {

struct SplitOptions {
  Dialect dialect = Dialect::kSqlite;
  /// Placeholder values by name (built-ins included, e.g. "flyrun:user").
  std::map<std::string, std::string> placeholders;
  bool replace_placeholders = true;
  /// Flyway's replacement (script_text.h) instead of the splitter's: over the
  /// whole text, comments included, before splitting, with these delimiters.
  bool replace_everywhere = false;
  std::string placeholder_prefix = "${";
  std::string placeholder_suffix = "}";
  /// The script's encoding: decoded to UTF-8 (UTF-8 is checked) before
  /// splitting; empty = the bytes as they are.
  std::string encoding;
  /// When non-null, recoverable problems (unknown placeholder) are appended here
  /// and splitting goes on; otherwise they throw. Unterminated constructs always
  /// end the file: recorded here (and Next returns false) or thrown. Issue codes:
  /// unterminated, unknown-placeholder, invalid-directive, invalid-delimiter,
  /// psql-meta-command, copy-data.
  Issues* issues = nullptr;
  /// Bytes read from the input at a time; memory use is about this plus the largest
  /// statement. Tests use tiny values to cut the input at every byte boundary.
  size_t chunk_size = 64 * 1024;
  /// The session the statements run in: the server version (PostgreSQL:
  /// `ALTER TYPE ... ADD VALUE` is flagged non-transactional only below 12; 0 is
  /// unknown, treated as current) and the settings that decide how strings and
  /// quotes are lexed. SET statements of the script change them as it goes.
  SessionLexing session;
};

/// Script-level directives read from the first line of a script:
/// `-- flyrun:transaction=false`. Any other `-- flyrun:key=value` there is a
/// validation problem (a misspelt directive must not silently do nothing).
struct ScriptDirectives {
  bool transactional = true;
};

/// Streams statements out of a script, one at a time, reading the input in
/// chunks: memory is bounded by the largest statement, never by the file.
/// Errors are flyrun::Error with file, line and column set (exit code kValidation
/// for unterminated constructs and unknown placeholders).
///
/// What a statement is (per dialect, as psql, the mysql client and sqlite3 see it):
/// - It ends at the delimiter (';', or the MySQL DELIMITER in force) outside
///   strings, quoted identifiers, comments and dollar quotes, and outside bodies:
///   PostgreSQL parentheses and BEGIN ATOMIC ... END, MySQL stored programs
///   (BEGIN/IF/CASE/LOOP/WHILE/REPEAT ... END while the delimiter is ';'), SQLite
///   CREATE TRIGGER ... END. The last statement needs no delimiter.
/// - `sql` has no delimiter, no blanks around it and no comments after its last
///   code; comments between statements belong to none, comments inside stay.
///   MySQL /*! ... */ comments are code. Line breaks are kept as written (CR LF
///   inside a string literal is data); positions count CRLF and lone CR as one.
/// - Strings follow the session's settings, which `options.session` gives at the
///   start and the script's SET statements change: PostgreSQL
///   standard_conforming_strings, MySQL sql_mode NO_BACKSLASH_ESCAPES and
///   ANSI_QUOTES.
/// - Empty statements, DELIMITER lines and pg_dump's \restrict lines yield nothing;
///   psql's \g and \gx and the mysql client's \g and \G end a statement like ';';
///   other psql meta-commands (\gset, \gexec...) are errors.
/// - `${name}` is replaced in code, strings, quoted identifiers and dollar quotes,
///   never in comments or COPY data; values are not scanned again. Names match
///   exactly, else ignoring case. With `replace_everywhere` (Flyway projects,
///   custom delimiters) the text is replaced before it is split instead
///   (ScriptTextStream), comments included.
/// - `COPY ... FROM stdin;` (PostgreSQL) is followed by its data on the next lines
///   up to a line "\." (or the end of the file), handed out through copy_data.
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

  /// The session's settings as the statements yielded so far changed them
  /// (options.session, then each SET that changes how strings are lexed).
  SessionLexing session() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flyrun
