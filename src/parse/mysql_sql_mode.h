#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/session_lexing.h"
#include "parse/set_tokens.h"

namespace flyrun::parse {

/// Follows the session's sql_mode through the SET statements of a script, for
/// the two modes that change how MySQL lexes: NO_BACKSLASH_ESCAPES and
/// ANSI_QUOTES (also implied by ANSI, DB2, MAXDB, MSSQL, ORACLE, POSTGRESQL).
///
/// `SET [SESSION | LOCAL] sql_mode = v`, `SET @@sql_mode = v`,
/// `SET @@session.sql_mode = v` (one item of a comma list; a GLOBAL, PERSIST
/// or PERSIST_ONLY before it, or @@global., leaves the session alone) where v is
/// - a string literal, a name (sql_mode = ANSI) or a number (the bits of the
///   modes): exactly those modes;
/// - DEFAULT: the global sql_mode read at connect;
/// - @var, assigned earlier in the script from @@sql_mode, a literal or such an
///   expression (mysqldump's @OLD_SQL_MODE): the modes it was given; an
///   unknown @var changes nothing;
/// - any other expression: the modes named in its string literals are added to
///   the session's (when it reads @@sql_mode) or to none (when it does not),
///   except the second argument of REPLACE(), whose modes are removed.
/// `SET STATEMENT ... FOR` (MariaDB) changes nothing after its statement.
class SqlModeTracker {
 public:
  explicit SqlModeTracker(const SessionLexing& session)
      : now_(session.now), default_(session.reset) {}

  const LexModes& now() const { return now_; }
  /// Reads the text of a SET statement lexed with the current modes.
  void OnSet(std::string_view sql);

 private:
  bool Evaluate(const std::vector<SetToken>& expr, LexModes& out) const;
  void Assign(const std::vector<SetToken>& item, bool& global_scope);

  LexModes now_;
  LexModes default_;
  std::vector<std::pair<std::string, LexModes>> variables_;  ///< user variables: @name
};

}  // namespace flyrun::parse
