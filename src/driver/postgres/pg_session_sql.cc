#include "driver/postgres/pg_session_sql.h"

#include <cctype>

namespace flyrun::pg {
namespace {

/// Skips whitespace, `--` comments and (nested) `/* */` comments from `i`.
size_t SkipBlank(std::string_view sql, size_t i) {
  while (i < sql.size()) {
    unsigned char c = static_cast<unsigned char>(sql[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (sql.compare(i, 2, "--") == 0) {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (sql.compare(i, 2, "/*") == 0) {
      int depth = 0;
      while (i < sql.size()) {
        if (sql.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
        } else if (sql.compare(i, 2, "*/") == 0) {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
    } else {
      break;
    }
  }
  return i;
}

/// The upper-cased keyword at `i` (letters and underscores) and where it ends.
std::string WordAt(std::string_view sql, size_t i, size_t& end) {
  std::string word;
  end = i;
  while (end < sql.size() &&
         (std::isalpha(static_cast<unsigned char>(sql[end])) || sql[end] == '_')) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[end])));
    ++end;
  }
  return word;
}

struct Shape {
  bool session_set = false;
  size_t after_set = 0;    ///< end of the SET keyword
  size_t session_at = 0;   ///< start of a scope keyword SESSION, when there is one
  bool has_scope = false;  ///< SET SESSION <name> (not SET SESSION AUTHORIZATION)
};

Shape Inspect(std::string_view sql) {
  Shape shape;
  size_t start = SkipBlank(sql, 0), end = 0;
  if (WordAt(sql, start, end) != "SET") return shape;
  shape.after_set = end;
  size_t next = SkipBlank(sql, end);
  if (next == end) return shape;  // "SET" glued to something else
  std::string word = WordAt(sql, next, end);
  if (word.empty() || word == "LOCAL" || word == "TRANSACTION" || word == "CONSTRAINTS")
    return shape;
  if (word == "SESSION") {
    size_t after = 0;
    std::string following = WordAt(sql, SkipBlank(sql, end), after);
    if (following == "CHARACTERISTICS") return shape;
    if (following != "AUTHORIZATION") {
      shape.has_scope = true;
      shape.session_at = next;
    }
  }
  shape.session_set = true;
  return shape;
}

}  // namespace

bool IsSessionSet(std::string_view sql) { return Inspect(sql).session_set; }

std::optional<LocalSet> AsSetLocal(std::string_view sql) {
  Shape shape = Inspect(sql);
  if (!shape.session_set) return std::nullopt;
  LocalSet out;
  if (shape.has_scope) {
    // "SESSION" and "LOCAL  " have the same length: positions stay.
    out.sql = std::string(sql.substr(0, shape.session_at)) + "LOCAL  " +
              std::string(sql.substr(shape.session_at + 7));
    return out;
  }
  out.sql = std::string(sql.substr(0, shape.after_set)) + " LOCAL" +
            std::string(sql.substr(shape.after_set));
  out.at = shape.after_set;
  out.inserted = 6;
  return out;
}

}  // namespace flyrun::pg
