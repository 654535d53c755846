#include "commands/script_checks.h"

#include <cctype>
#include <string_view>

#include "config/config.h"
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

TransactionRules TransactionRules::Of(const Config& config) {
  TransactionRules rules;
  rules.flyway = config.flyway;
  rules.mixed = config.mixed;
  rules.execute_in_transaction = config.execute_in_transaction;
  return rules;
}

void TransactionVerdict::Note(const Statement& st) {
  if (!st.non_transactional.empty()) {
    if (non_transactional_seen) return;
    non_transactional_seen = true;
    non_transactional_what = st.non_transactional;
    non_transactional_line = st.line;
  } else if (!transactional_seen) {
    transactional_seen = true;
    transactional_line = st.line;
  }
}

TransactionDecision DecideTransaction(const ResolvedMigration& m, const TransactionRules& rules,
                                      bool directive_transactional, bool& needs_statements) {
  needs_statements = false;
  TransactionDecision d;
  if (!directive_transactional) {
    d.transactional = false;
    d.why_not = "-- flyrun:transaction=false";
  } else if (m.execute_in_transaction) {
    // The script's own setting wins, and the statements are not asked (Flyway).
    d.transactional = *m.execute_in_transaction;
    if (!d.transactional) d.why_not = "executeInTransaction=false in " + m.script + ".conf";
  } else if (!rules.execute_in_transaction) {
    d.transactional = false;
    d.why_not = "execute_in_transaction is false";
  } else {
    needs_statements = rules.flyway;
  }
  return d;
}

TransactionDecision DecideFromStatements(const ResolvedMigration& m, const TransactionRules& rules,
                                         const TransactionVerdict& verdict) {
  TransactionDecision d;
  d.by_statements = true;
  if (!verdict.non_transactional_seen) return d;
  std::string what = verdict.non_transactional_what + " (line " +
                     std::to_string(verdict.non_transactional_line) + ")";
  if (verdict.transactional_seen && !rules.mixed) {
    Error e(ExitCode::kValidation,
            m.path.string() + " mixes a statement that cannot run in a transaction, " + what +
                ", with statements that can (the first on line " +
                std::to_string(verdict.transactional_line) + ")",
            "move the statements that cannot run in a transaction to a script of their own, or "
            "set mixed to true to run the whole script without a transaction (as Flyway does)");
    e.file = m.path.string();
    e.line = verdict.non_transactional_line;
    throw e;
  }
  d.transactional = false;
  d.why_not =
      what + " cannot run in a transaction" +
      (verdict.transactional_seen ? " (mixed is on: the whole script runs without one)" : "");
  return d;
}

TransactionDecision DecideTransactionFor(const ResolvedMigration& m, const TransactionRules& rules,
                                         bool directive_transactional,
                                         const SplitOptions& options) {
  bool needs_statements = false;
  TransactionDecision d = DecideTransaction(m, rules, directive_transactional, needs_statements);
  if (!needs_statements) return d;
  TransactionVerdict verdict;
  try {
    SplitOptions opts = options;
    opts.issues = nullptr;
    auto source = StatementSource::Open(m.path.string(), opts);
    Statement st;
    while (source->Next(st)) verdict.Note(st);
  } catch (const Error& e) {
    if (e.code() == ExitCode::kInterrupted) throw;
    return d;  // the run meets the same problem and reports it
  }
  return DecideFromStatements(m, rules, verdict);
}

SessionLexing CheckScript(const ResolvedMigration& m, SplitOptions options, Issues& all_issues,
                          const TransactionRules& rules) {
  const std::string file = m.path.string();
  const char* first_line = "put `-- flyrun:transaction=false` on the first line of ";
  options.issues = &all_issues;
  // In a Flyway project the statements decide whether the script runs in a
  // transaction, so the checks that assume it does wait for the end.
  Issues deferred;
  bool needs_statements = false;
  TransactionVerdict verdict;
  auto settle = [&] {
    if (!needs_statements) return;
    try {
      if (DecideFromStatements(m, rules, verdict).transactional) {
        all_issues.insert(all_issues.end(), deferred.begin(), deferred.end());
      }
    } catch (const Error& e) {
      all_issues.push_back({"mixed-transactional", file, e.line, 0, e.what(), e.hint()});
    }
  };
  try {
    auto source = StatementSource::Open(file, options);
    bool transactional =
        DecideTransaction(m, rules, source->directives().transactional, needs_statements)
            .transactional;
    Issues& issues = needs_statements ? deferred : all_issues;
    Statement st;
    while (source->Next(st)) {
      if (needs_statements) verdict.Note(st);
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
    settle();
    return source->session();
  } catch (const Error& e) {
    all_issues.push_back(
        {"syntax", e.file.empty() ? file : e.file, e.line, e.column, e.what(), e.hint()});
  }
  return options.session;
}

}  // namespace flyrun
