#include "parse/mysql_sql_mode.h"

#include <cstdint>
#include <cstdlib>

namespace flyrun::parse {
namespace {

using Kind = SetToken::Kind;

// sql_mode bits (the same in MySQL and MariaDB): ANSI_QUOTES, the combination
// modes that include it (POSTGRESQL, ORACLE, MSSQL, DB2, MAXDB, ANSI), and
// NO_BACKSLASH_ESCAPES.
constexpr uint64_t kAnsiQuotesBits = 4 | 256 | 512 | 1024 | 2048 | 4096 | 262144;
constexpr uint64_t kNoBackslashEscapesBit = 1048576;
constexpr size_t kMaxVariables = 64;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return s;
}

/// Whether `t[k]` starts @@[session. | local.]sql_mode; `k` moves past it.
bool ReadsSessionSqlMode(const std::vector<SetToken>& t, size_t& k) {
  if (k + 1 >= t.size() || !t[k].IsPunct('@') || !t[k + 1].IsPunct('@')) return false;
  size_t j = k + 2;
  if (j + 1 < t.size() && t[j + 1].IsPunct('.')) {
    if (!(t[j].IsWord("SESSION") || t[j].IsWord("LOCAL"))) return false;
    j += 2;
  }
  if (j >= t.size() || !t[j].IsWord("SQL_MODE")) return false;
  k = j + 1;
  return true;
}

}  // namespace

bool SqlModeTracker::Evaluate(const std::vector<SetToken>& e, LexModes& out) const {
  if (e.empty()) return false;
  if (e.size() == 1) {
    const SetToken& v = e[0];
    if (v.IsWord("DEFAULT")) {
      out = default_;
    } else if (v.kind == Kind::kString || v.kind == Kind::kWord || v.kind == Kind::kIdentifier) {
      out = LexModesOfSqlMode(v.text);  // sql_mode = ANSI and sql_mode = `ANSI` work too
    } else if (v.kind == Kind::kNumber) {
      uint64_t bits = std::strtoull(v.text.c_str(), nullptr, 10);
      out.ansi_quotes = (bits & kAnsiQuotesBits) != 0;
      out.no_backslash_escapes = (bits & kNoBackslashEscapesBit) != 0;
    } else {
      return false;
    }
    return true;
  }
  if (e.size() == 2 && e[0].IsPunct('@')) {
    std::string name = Lower(e[1].text);
    for (const auto& [var, modes] : variables_) {
      if (var == name) {
        out = modes;
        return true;
      }
    }
    return false;
  }
  // An expression: the modes its literals name, on top of the session's when it
  // reads them; REPLACE(x, 'MODE', ...) takes MODE away.
  bool reads_session = false;
  for (size_t k = 0; k < e.size(); ++k) {
    size_t j = k;
    if (ReadsSessionSqlMode(e, j)) reads_session = true;
  }
  out = reads_session ? now_ : LexModes{};
  out.standard_conforming_strings = now_.standard_conforming_strings;
  struct Call {
    bool replace;
    int argument;
  };
  std::vector<Call> calls;
  for (size_t k = 0; k < e.size(); ++k) {
    const SetToken& t = e[k];
    if (t.IsPunct('(')) {
      bool replace = k > 0 && e[k - 1].IsWord("REPLACE");
      calls.push_back({replace, 0});
    } else if (t.IsPunct(')')) {
      if (!calls.empty()) calls.pop_back();
    } else if (t.IsPunct(',')) {
      if (!calls.empty()) ++calls.back().argument;
    } else if (t.kind == Kind::kString) {
      bool remove = !calls.empty() && calls.back().replace && calls.back().argument == 1;
      LexModes named = LexModesOfSqlMode(t.text);
      if (named.ansi_quotes) out.ansi_quotes = !remove;
      if (named.no_backslash_escapes) out.no_backslash_escapes = !remove;
    }
  }
  return true;
}

// One item of SET's comma list. `global_scope` carries the last GLOBAL /
// SESSION (...) modifier over to the items after it, as MySQL does.
void SqlModeTracker::Assign(const std::vector<SetToken>& item, bool& global_scope) {
  size_t k = 0;
  if (k < item.size() && item[k].kind == Kind::kWord) {
    const std::string& w = item[k].text;
    if (w == "GLOBAL" || w == "PERSIST" || w == "PERSIST_ONLY") {
      global_scope = true;
      ++k;
    } else if (w == "SESSION" || w == "LOCAL") {
      global_scope = false;
      ++k;
    }
  }
  bool session = !global_scope;
  std::string variable;
  if (k + 1 < item.size() && item[k].IsPunct('@') && item[k + 1].IsPunct('@')) {
    session = ReadsSessionSqlMode(item, k);
    if (!session) return;  // @@global.sql_mode, or another system variable
  } else if (k + 1 < item.size() && item[k].IsPunct('@')) {
    variable = Lower(item[k + 1].text);
    k += 2;
  } else if (k < item.size() && item[k].IsWord("SQL_MODE")) {
    ++k;
  } else {
    return;
  }
  if (k < item.size() && item[k].IsPunct(':')) ++k;
  if (k >= item.size() || !item[k].IsPunct('=')) return;
  std::vector<SetToken> expr(item.begin() + static_cast<std::ptrdiff_t>(k) + 1, item.end());
  LexModes value = now_;
  if (!Evaluate(expr, value)) return;
  if (variable.empty()) {
    if (session) now_ = value;
    return;
  }
  for (auto& [var, modes] : variables_) {
    if (var == variable) {
      modes = value;
      return;
    }
  }
  if (variables_.size() < kMaxVariables) variables_.emplace_back(variable, value);
}

void SqlModeTracker::OnSet(std::string_view sql) {
  std::vector<SetToken> t =
      TokenizeSet(sql, Dialect::kMysql, !now_.no_backslash_escapes, !now_.ansi_quotes);
  if (t.empty() || !t[0].IsWord("SET")) return;
  if (t.size() > 1 && t[1].IsWord("STATEMENT")) return;
  bool global_scope = false;
  for (const auto& item : SetItems(t, 1)) Assign(item, global_scope);
}

}  // namespace flyrun::parse
