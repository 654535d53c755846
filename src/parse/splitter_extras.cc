// Placeholders, script directives, client commands (DELIMITER, psql meta-commands),
// COPY ... FROM stdin data and error reporting.
#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "parse/lex.h"
#include "parse/splitter.h"

namespace flyrun::parse {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool EqualsNoCase(const char* a, size_t n, const char* b) {
  if (std::strlen(b) != n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string LowerCopy(std::string s) {
  for (char& c : s) c = Lower(c);
  return s;
}

}  // namespace

void Splitter::Report(const char* code, Position at, const std::string& message,
                      const std::string& hint, const char* where) {
  if (options_.issues != nullptr) {
    options_.issues->push_back(Issue{code, name_, at.line, at.column, message, hint});
    return;
  }
  Error error(ExitCode::kValidation,
              message + " " + where + " " + name_ + ":" + std::to_string(at.line) + ":" +
                  std::to_string(at.column),
              hint);
  error.file = name_;
  error.line = at.line;
  error.column = at.column;
  throw error;
}

void Splitter::Unterminated(const std::string& what, Position at, const std::string& hint) {
  if (nul_pending_) CheckNul(INT64_MAX);
  mode_ = Mode::kDone;
  started_ = false;
  copy_active_ = false;
  Report("unterminated", at, "unterminated " + what, hint, "starting at");
}

const std::string* Splitter::Lookup(const std::string& name) const {
  auto it = options_.placeholders.find(name);
  if (it != options_.placeholders.end()) return &it->second;
  // Names from environment variables come upper-cased: match regardless of case.
  for (const auto& [key, value] : options_.placeholders) {
    if (EqualsNoCase(key.data(), key.size(), LowerCopy(name).c_str())) return &value;
  }
  return nullptr;
}

// pos_ is at '$'. Replaces ${name} (or reports it when unknown) and returns true;
// false when this is no placeholder or replacement is off.
bool Splitter::TryPlaceholder(bool in_code) {
  if (!PlaceholderAhead()) return false;
  size_t k = 2;
  for (;;) {
    if (Need(k + 1) < k + 1) return false;
    unsigned char c = byte(pos_ + k);
    if (c == '}') break;
    if (!IsPlaceholderByte(c) || k - 2 >= kMaxPlaceholder) return false;
    ++k;
  }
  if (k == 2) return false;
  std::string name(buf() + pos_ + 2, k - 2);
  if (in_code) {
    StartIfNeeded();
    OnToken('$');
  }
  const std::string* value = Lookup(name);
  if (value == nullptr) {
    Report("unknown-placeholder", At(pos_), "unknown placeholder ${" + name + "}",
           "define it with --placeholder " + name +
               "=VALUE or under placeholders: in the "
               "configuration, or turn replacement off with placeholder_replacement: false");
    pos_ += k + 1;
    return true;
  }
  FlushSpan();
  stmt_ += *value;
  pos_ += k + 1;
  span_ = pos_;
  return true;
}

bool Splitter::FindLineEnd(size_t cap, size_t& eol) {
  size_t scanned = 0;
  for (;;) {
    size_t brk = LineBreak(pos_ + scanned);
    if (brk < end_) {
      eol = brk;
      return true;
    }
    scanned = end_ - pos_;
    if (scanned >= cap) {
      eol = end_;
      return false;
    }
    if (!Fill()) {
      eol = end_;
      return true;
    }
  }
}

void Splitter::SkipLine() {
  for (;;) {
    pos_ = LineBreak(pos_);
    if (pos_ < end_ || !Fill()) return;
  }
}

// The mysql client's DELIMITER command: at the start of a statement, the rest of
// the line sets the delimiter and nothing is sent to the server.
bool Splitter::TryDelimiterCommand() {
  size_t avail = Need(10);
  if (avail < 9 || !EqualsNoCase(buf() + pos_, 9, "delimiter")) return false;
  if (avail > 9 && !IsBlank(byte(pos_ + 9))) return false;
  Position at = At(pos_);
  size_t eol = 0;
  bool whole_line = FindLineEnd(kMaxCommandLine, eol);
  size_t i = pos_ + 9;
  while (i < eol && IsBlank(byte(i))) ++i;
  std::string arg;
  if (i < eol && (byte(i) == '\'' || byte(i) == '"' || byte(i) == '`')) {
    size_t j = i + 1;
    while (j < eol && buf()[j] != buf()[i]) ++j;
    arg.assign(buf() + i + 1, j - i - 1);
  } else {
    size_t j = i;
    while (j < eol && !IsBlank(byte(j))) ++j;
    arg.assign(buf() + i, j - i);
  }
  pos_ = eol;
  if (!whole_line) SkipLine();
  const char* usage =
      "write e.g. DELIMITER // on its own line, end statements with //, then "
      "DELIMITER ; to go back";
  if (arg.empty()) {
    Report("invalid-delimiter", at, "DELIMITER without a delimiter", usage);
  } else if (arg.find('\\') != std::string::npos) {
    Report("invalid-delimiter", at, "DELIMITER " + arg + " contains a backslash", usage);
  } else {
    delimiter_ = arg;
    BuildTables();
  }
  return true;
}

// A psql meta-command line between statements. pg_dump writes \restrict and
// \unrestrict, which only guard psql itself; anything else needs psql.
void Splitter::MetaCommand() {
  Position at = At(pos_);
  size_t eol = 0;
  FindLineEnd(kMaxCommandLine, eol);
  size_t j = pos_ + 1;
  while (j < eol && !IsBlank(byte(j))) ++j;
  std::string command(buf() + pos_, j - pos_);
  pos_ = eol;
  SkipLine();
  if (command == "\\restrict" || command == "\\unrestrict") return;
  Report("psql-meta-command", at, "psql meta-command " + command + " is not supported",
         "statements go to the server, not to psql: remove the line or write it in SQL");
}

// A psql meta-command after some of a statement's text. \g and \gx send the
// statement, as a ';' would; the others cannot run without psql (\gset stores
// the result in psql variables, \gexec runs the result, \gdesc runs nothing,
// \g FILE writes the result to a file): a validation error, and the
// statement ends there.
Splitter::Step Splitter::PsqlCommandInStatement() {
  Position at = At(pos_);
  size_t eol = 0;
  FindLineEnd(kMaxCommandLine, eol);
  size_t j = pos_ + 1;
  while (j < eol && (IsIdent(byte(j)) && byte(j) != '$')) ++j;
  std::string command(buf() + pos_, j - pos_);
  size_t args = j;
  while (args < eol && IsBlank(byte(args))) ++args;
  bool bare = args == eol || (args + 1 < eol && byte(args) == '-' && byte(args + 1) == '-');
  // The statement's text ends at the backslash; the command is dropped, even
  // when the rest of its line needs more input.
  FlushSpan();
  pos_ = eol;
  for (;;) {
    pos_ = LineBreak(pos_);
    span_ = pos_;
    if (pos_ < end_ || !Fill()) break;
  }
  emit_end_ = pos_;
  if ((command == "\\g" || command == "\\gx") && bare) return Step::kEmit;
  std::string hint;
  if (command == "\\gset") {
    hint =
        "\\gset stores the result in psql variables, which flyrun does not have: end the "
        "statement with ; and use the values in SQL (a CTE, a DO block)";
  } else if (command == "\\gexec") {
    hint =
        "\\gexec runs each value of the result as a statement: end the statement with ; "
        "and run the generated statements with EXECUTE in a DO block";
  } else if (command == "\\gdesc") {
    hint = "\\gdesc only describes the result and runs nothing: remove the statement";
  } else if (command == "\\g" || command == "\\gx") {
    hint = command +
           " with an argument writes the result to a file or a command, and flyrun "
           "discards results: end the statement with ; or a bare " +
           command;
  } else {
    hint = "statements go to the server, not to psql: remove the command or write it in SQL";
  }
  std::string what = command;
  if ((command == "\\g" || command == "\\gx") && !bare) what += " with an argument";
  Report("psql-meta-command", at, "psql meta-command " + what + " is not supported", hint);
  return Step::kEmit;
}

void Splitter::ReadDirectives() {
  size_t eol = 0;
  FindLineEnd(kMaxCommandLine, eol);
  std::string line(buf() + pos_, eol - pos_);
  size_t i = 0;
  while (i < line.size() && IsBlank(static_cast<unsigned char>(line[i]))) ++i;
  if (line.compare(i, 2, "--") != 0) return;
  i += 2;
  while (i < line.size() && IsBlank(static_cast<unsigned char>(line[i]))) ++i;
  if (line.size() - i < 7 || !EqualsNoCase(line.data() + i, 7, "flyrun:")) return;
  ParseDirective(line.substr(i + 7), static_cast<int>(i) + 1);
}

// "flyrun:" is followed by key=value pairs; a misspelt directive is an error rather
// than a script that silently runs in a transaction.
void Splitter::ParseDirective(const std::string& text, int column) {
  const char* hint = "the first line may say -- flyrun:transaction=false";
  size_t n = text.size();
  size_t i = 0;
  auto skip = [&] {
    while (i < n && (IsBlank(static_cast<unsigned char>(text[i])) || text[i] == ',')) ++i;
  };
  auto word = [&] {
    size_t k = i;
    while (k < n && !IsBlank(static_cast<unsigned char>(text[k])) && text[k] != '=' &&
           text[k] != ',') {
      ++k;
    }
    std::string w = LowerCopy(text.substr(i, k - i));
    i = k;
    while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
    return w;
  };
  for (skip(); i < n; skip()) {
    std::string key = word();
    if (i >= n || text[i] != '=') {
      Report("invalid-directive", {1, column}, "directive flyrun:" + key + " has no value", hint);
      return;
    }
    ++i;
    while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
    std::string value = word();
    if (key == "transaction" && (value == "false" || value == "true")) {
      directives_.transactional = value == "true";
    } else {
      Report("invalid-directive", {1, column}, "unknown directive flyrun:" + key + "=" + value,
             hint);
      return;
    }
  }
}

// Called right after a COPY ... FROM stdin statement: its data starts on the next
// line, as with psql.
void Splitter::StartCopyData() {
  copy_active_ = true;
  copy_line_start_ = true;
  for (;;) {
    if (Need(1) == 0) {
      copy_active_ = false;
      return;
    }
    unsigned char c = byte(pos_);
    if (c == '\n') {
      ++pos_;
      return;
    }
    if (c == '\r') {
      ++pos_;
      if (Need(1) > 0 && byte(pos_) == '\n') ++pos_;
      return;
    }
    if (IsBlank(c)) {
      ++pos_;
    } else if (c == '-' && Need(2) >= 2 && byte(pos_ + 1) == '-') {
      SkipLine();
    } else {
      Position at = At(pos_);
      SkipLine();
      Report("copy-data", at, "COPY ... FROM stdin data must start on the line after the COPY",
             "put nothing but a comment after the ';' of the COPY statement");
    }
  }
}

// Hands out the data lines up to "\." in pieces of about chunk_size; `out` null
// skips them.
bool Splitter::CopyNext(std::string* out) {
  if (out != nullptr) out->clear();
  if (!copy_active_) return false;
  size_t produced = 0;
  for (;;) {
    if (pos_ == end_ && !Fill()) {
      copy_active_ = false;
      return produced > 0;
    }
    if (copy_line_start_ && byte(pos_) == '\\') {
      // "\." alone on a line ends the data, also before CRLF (as psql reads it).
      size_t avail = Need(4);
      size_t marker = 0;
      if (avail >= 2 && byte(pos_ + 1) == '.') {
        if (avail == 2) {
          marker = 2;
        } else if (byte(pos_ + 2) == '\n') {
          marker = 3;
        } else if (byte(pos_ + 2) == '\r' && (avail == 3 || byte(pos_ + 3) == '\n')) {
          marker = avail == 3 ? 3 : 4;
        }
      }
      if (marker > 0) {
        pos_ += marker;
        copy_active_ = false;
        return produced > 0;
      }
    }
    const void* nl = std::memchr(buf() + pos_, '\n', end_ - pos_);
    size_t stop = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf()) + 1 : end_;
    if (nul_pending_ && nul_offset_ < base_ + static_cast<int64_t>(stop)) {
      // The data before the NUL is handed out first, however the input was
      // cut; the next call reports the NUL.
      size_t at = static_cast<size_t>(std::max<int64_t>(nul_offset_ - base_, pos_));
      if (at > pos_ || produced > 0) {
        if (out != nullptr) out->append(buf() + pos_, at - pos_);
        produced += at - pos_;
        if (at > pos_) copy_line_start_ = false;
        pos_ = at;
        if (produced > 0) return true;
      }
      CheckNul(base_ + static_cast<int64_t>(stop));
    }
    if (out != nullptr) out->append(buf() + pos_, stop - pos_);
    produced += stop - pos_;
    copy_line_start_ = nl != nullptr;
    pos_ = stop;
    if (produced >= options_.chunk_size) return true;
  }
}

}  // namespace flyrun::parse
