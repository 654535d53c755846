#include "commands/script_checks.h"

#include <cctype>
#include <string_view>

#include "core/error.h"

namespace flyrun {
namespace {

bool IsWordByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

/// Skips blanks and comments from `i`.
size_t SkipSpace(std::string_view s, size_t i) {
  for (;;) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (s.substr(i, 2) == "--") {
      i = s.find('\n', i);
      if (i == std::string_view::npos) return s.size();
    } else if (s.substr(i, 2) == "/*") {
      i = s.find("*/", i + 2);
      if (i == std::string_view::npos) return s.size();
      i += 2;
    } else {
      return i;
    }
  }
}

/// The next word from `i` upper-cased (a quoted name without its quotes).
std::string Word(std::string_view s, size_t& i) {
  i = SkipSpace(s, i);
  std::string w;
  if (i < s.size() && (s[i] == '"' || s[i] == '`' || s[i] == '[')) {
    char close = s[i] == '[' ? ']' : s[i];
    size_t end = s.find(close, i + 1);
    if (end == std::string_view::npos) end = s.size();
    w = std::string(s.substr(i + 1, end - i - 1));
    i = end + 1;
  } else {
    while (i < s.size() && IsWordByte(s[i])) w.push_back(s[i++]);
  }
  for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return w;
}

/// `PRAGMA [schema.]foreign_keys = ...` or `PRAGMA foreign_keys(...)`: a change, not
/// a query of the setting.
bool SetsForeignKeys(std::string_view sql) {
  if (sql.empty() || (sql[0] | 0x20) != 'p') return false;  // most statements, cheaply
  size_t i = 0;
  if (Word(sql, i) != "PRAGMA") return false;
  std::string name = Word(sql, i);
  i = SkipSpace(sql, i);
  if (i < sql.size() && sql[i] == '.') {
    ++i;
    name = Word(sql, i);
    i = SkipSpace(sql, i);
  }
  return name == "FOREIGN_KEYS" && i < sql.size() && (sql[i] == '=' || sql[i] == '(');
}

}  // namespace

SessionLexing CheckScript(const ResolvedMigration& m, SplitOptions options, Issues& issues) {
  const std::string file = m.path.string();
  const char* first_line = "put `-- flyrun:transaction=false` on the first line of ";
  options.issues = &issues;
  try {
    auto source = StatementSource::Open(file, options);
    bool transactional = source->directives().transactional;
    Statement st;
    while (source->Next(st)) {
      if (!transactional) continue;
      if (!st.non_transactional.empty()) {
        issues.push_back(
            {"non-transactional-statement", file, st.line, st.column,
             st.non_transactional + " cannot run inside a transaction, and " + m.script +
                 " runs in one",
             first_line + m.script + " (and keep that script to the statements that need it)"});
      }
      if (!st.transaction_control.empty()) {
        issues.push_back({"transaction-control", file, st.line, st.column,
                          st.transaction_control + " in " + m.script +
                              ", which flyrun runs in its own transaction",
                          "remove it (flyrun begins and commits the transaction), or " +
                              std::string(first_line) + m.script +
                              " to manage transactions yourself"});
      }
      if (options.dialect == Dialect::kSqlite && SetsForeignKeys(st.sql)) {
        Issue warning{"pragma-in-transaction",
                      file,
                      st.line,
                      st.column,
                      "PRAGMA foreign_keys has no effect here: SQLite ignores it inside a "
                      "transaction, and " +
                          m.script + " runs in one",
                      first_line + m.script + " to run a table rebuild with foreign keys off"};
        warning.severity = Severity::kWarning;
        issues.push_back(std::move(warning));
      }
    }
    return source->session();
  } catch (const Error& e) {
    issues.push_back(
        {"syntax", e.file.empty() ? file : e.file, e.line, e.column, e.what(), e.hint()});
  }
  return options.session;
}

}  // namespace flyrun
