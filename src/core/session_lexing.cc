#include "core/session_lexing.h"

#include <string>

namespace flyrun {
namespace {

bool ImpliesAnsiQuotes(std::string_view mode) {
  for (const char* m : {"ANSI_QUOTES", "ANSI", "DB2", "MAXDB", "MSSQL", "ORACLE", "POSTGRESQL"}) {
    if (mode == m) return true;
  }
  return false;
}

}  // namespace

LexModes LexModesOfSqlMode(std::string_view sql_mode) {
  LexModes modes;
  std::string mode;
  for (size_t i = 0; i <= sql_mode.size(); ++i) {
    char c = i < sql_mode.size() ? sql_mode[i] : ',';
    if (c == ',') {
      if (ImpliesAnsiQuotes(mode)) modes.ansi_quotes = true;
      if (mode == "NO_BACKSLASH_ESCAPES") modes.no_backslash_escapes = true;
      mode.clear();
    } else if (c != ' ' && c != '\t') {
      mode.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    }
  }
  return modes;
}

int MajorVersion(std::string_view version) {
  int major = 0;
  for (char c : version) {
    if (c < '0' || c > '9' || major > 100000) break;
    major = major * 10 + (c - '0');
  }
  return major;
}

}  // namespace flyrun
