#include "parse/splitter.h"

#include <cstring>

#include "parse/lex.h"

namespace flyrun::parse {

Splitter::Splitter(std::istream& in, std::string name, SplitOptions options)
    : in_(in),
      name_(std::move(name)),
      options_(std::move(options)),
      rules_(RulesFor(options_.dialect)),
      classifier_(MakeClassifier(options_, cursor_)),
      quotes_(classifier_->quotes()) {
  if (options_.chunk_size == 0) options_.chunk_size = 1;
  buf_.assign(kLookback + options_.chunk_size, '\n');
  BuildTables();
  ReadDirectives();
}

void Splitter::BuildTables() {
  std::memset(code_fast_, 0, sizeof code_fast_);
  for (unsigned char c : {'\'', '"', '-', '/'}) code_fast_[c] = 1;
  if (rules_.backticks) code_fast_[static_cast<unsigned char>('`')] = 1;
  if (rules_.brackets) code_fast_[static_cast<unsigned char>('[')] = 1;
  if (rules_.hash_comments) code_fast_[static_cast<unsigned char>('#')] = 1;
  if (rules_.executable_comments) code_fast_[static_cast<unsigned char>('*')] = 1;
  if (rules_.dollar_quotes || options_.replace_placeholders) {
    code_fast_[static_cast<unsigned char>('$')] = 1;
  }
  if (rules_.blocks == BlockStyle::kPostgres) {
    code_fast_[static_cast<unsigned char>('(')] = 1;
    code_fast_[static_cast<unsigned char>(')')] = 1;
  }
  // psql's meta-commands and the mysql client's \g and \G can end a statement.
  if (rules_.meta_commands || rules_.delimiter_command) {
    code_fast_[static_cast<unsigned char>('\\')] = 1;
  }
  code_fast_[static_cast<unsigned char>(delimiter_[0])] = 1;
  for (int c = 0; c < 256; ++c) code_slow_[c] = IsBlank(static_cast<unsigned char>(c)) ? 0 : 1;

  const char closers[4] = {'\'', '"', '`', ']'};
  for (int k = 0; k < 4; ++k) {
    std::memset(quoted_plain_[k], 0, 256);
    quoted_plain_[k][static_cast<unsigned char>(closers[k])] = 1;
    if (options_.replace_placeholders) quoted_plain_[k][static_cast<unsigned char>('$')] = 1;
  }
  for (int k = 0; k < 2; ++k) {
    std::memcpy(quoted_escape_[k], quoted_plain_[k], 256);
    quoted_escape_[k][static_cast<unsigned char>('\\')] = 1;
  }
  std::memset(dollar_, 0, sizeof dollar_);
  dollar_[static_cast<unsigned char>('$')] = 1;
  std::memset(line_break_, 0, sizeof line_break_);
  line_break_[static_cast<unsigned char>('\n')] = 1;
  line_break_[static_cast<unsigned char>('\r')] = 1;
  std::memset(block_comment_, 0, sizeof block_comment_);
  block_comment_[static_cast<unsigned char>('*')] = 1;
  if (rules_.nested_comments) block_comment_[static_cast<unsigned char>('/')] = 1;
}

bool Splitter::Next(Statement& out) {
  if (copy_active_) {
    while (CopyNext(nullptr)) {
    }
  }
  for (;;) {
    switch (mode_) {
      case Mode::kCode: {
        Step step = ScanCode();
        if (step == Step::kEmit && Emit(out, emit_end_)) return true;
        if (step == Step::kEof) return AtEof(out);
        break;
      }
      case Mode::kQuoted:
        ScanQuoted();
        break;
      case Mode::kDollar:
        ScanDollar();
        break;
      case Mode::kLineComment:
        ScanLineComment();
        break;
      case Mode::kBlockComment:
        ScanBlockComment();
        break;
      case Mode::kDone:
        return false;
    }
  }
}

Splitter::Step Splitter::ScanCode() {
  for (;;) {
    const uint8_t* table = (started_ && !classifier_->tracking()) ? code_fast_ : code_slow_;
    size_t p = SkipPlain(table, buf(), pos_, end_);
    pos_ = p;
    if (p == end_) {
      if (Fill()) continue;
      return Step::kEof;
    }
    Step step = ScanCodeByte(byte(p));
    if (step != Step::kContinue || mode_ != Mode::kCode) return step;
  }
}

// pos_ is at a byte that matters; handles one token and moves past it.
Splitter::Step Splitter::ScanCodeByte(unsigned char c) {
  if (c == static_cast<unsigned char>(delimiter_[0]) && MatchDelimiter()) return OnDelimiter();
  switch (c) {
    case '\'': {
      StartIfNeeded();
      OnToken(c);
      bool e_string =
          rules_.e_strings && (byte(pos_ - 1) | 0x20) == 'e' && !IsIdent(byte(pos_ - 2));
      if (e_string) {
        EnterQuoted('\'', true, true, "string E'");
      } else {
        EnterQuoted('\'', true, quotes_.backslash_escapes, "string '");
      }
      return Step::kContinue;
    }
    case '"':
      StartIfNeeded();
      OnToken(c);
      if (quotes_.double_quote_strings) {
        EnterQuoted('"', true, quotes_.backslash_escapes, "string \"");
      } else {
        EnterQuoted('"', true, false, "quoted identifier \"");
      }
      return Step::kContinue;
    case '`':
      if (!rules_.backticks) break;
      StartIfNeeded();
      OnToken(c);
      EnterQuoted('`', true, false, "quoted identifier `");
      return Step::kContinue;
    case '[':
      if (!rules_.brackets) break;
      StartIfNeeded();
      OnToken(c);
      EnterQuoted(']', false, false, "quoted identifier [");
      return Step::kContinue;
    case '-': {
      size_t avail = Need(rules_.dash_comment_needs_blank ? 3 : 2);
      if (avail < 2 || byte(pos_ + 1) != '-') break;
      if (rules_.dash_comment_needs_blank && avail > 2 && byte(pos_ + 2) > ' ') break;
      BeginComment(pos_);
      mode_ = Mode::kLineComment;
      pos_ += 2;
      return Step::kContinue;
    }
    case '#':
      if (!rules_.hash_comments) break;
      BeginComment(pos_);
      mode_ = Mode::kLineComment;
      pos_ += 1;
      return Step::kContinue;
    case '/': {
      if (Need(2) < 2 || byte(pos_ + 1) != '*') break;
      if (rules_.executable_comments && !in_executable_comment_) {
        size_t avail = Need(kSandboxPrefixLen);
        bool bang = avail >= 3 && byte(pos_ + 2) == '!';
        bool mariadb = avail >= 4 && byte(pos_ + 2) == 'M' && byte(pos_ + 3) == '!';
        // mariadb-dump's first line only tells the mariadb client to refuse shell
        // commands; no server runs it, so it is a comment.
        bool sandbox = avail >= kSandboxPrefixLen &&
                       std::memcmp(buf() + pos_, kSandboxPrefix, kSandboxPrefixLen) == 0;
        if ((bang || mariadb) && !sandbox) {
          StartIfNeeded();
          executable_at_ = At(pos_);
          in_executable_comment_ = true;
          pos_ += bang ? 3 : 4;
          while (Need(1) > 0 && byte(pos_) >= '0' && byte(pos_) <= '9') ++pos_;
          return Step::kContinue;
        }
      }
      BeginComment(pos_);
      SetConstruct(pos_, "comment /*");
      comment_depth_ = 1;
      mode_ = Mode::kBlockComment;
      pos_ += 2;
      return Step::kContinue;
    }
    case '*':
      if (in_executable_comment_ && Need(2) >= 2 && byte(pos_ + 1) == '/') {
        in_executable_comment_ = false;
        pos_ += 2;
        return Step::kContinue;
      }
      break;
    case '$':
      if (TryPlaceholder(true)) return Step::kContinue;
      if (rules_.dollar_quotes && TryDollarQuote()) return Step::kContinue;
      break;
    case '(':
    case ')':
      if (rules_.blocks != BlockStyle::kPostgres) break;
      StartIfNeeded();
      token_start_ = base_ + static_cast<int64_t>(pos_);
      classifier_->OnParen(c == '(');
      break;
    case '\\':
      if (rules_.meta_commands) {
        if (!started_) {
          MetaCommand();
          return Step::kContinue;
        }
        return PsqlCommandInStatement();
      }
      if (rules_.delimiter_command && Need(2) >= 2 && (byte(pos_ + 1) | 0x20) == 'g') {
        // The mysql client's \g and \G (vertical output) send the statement like
        // the delimiter, whatever the delimiter and the blocks; the rest of the
        // line goes on.
        if (!started_) {
          pos_ += 2;
          return Step::kContinue;
        }
        emit_end_ = pos_;
        pos_ += 2;
        return Step::kEmit;
      }
      break;
    default:
      if (IsIdentStart(c)) {
        if (!started_ && rules_.delimiter_command && (c | 0x20) == 'd' && TryDelimiterCommand()) {
          return Step::kContinue;
        }
        StartIfNeeded();
        bool tracking = classifier_->tracking();
        if (tracking) token_start_ = base_ + static_cast<int64_t>(pos_);
        ScanWord();
        if (tracking) OnWord();
        return Step::kContinue;
      }
      if (c >= '0' && c <= '9') {
        StartIfNeeded();
        OnToken(c);
        ++pos_;
        while (Need(1) > 0 && IsIdent(byte(pos_)) && !PlaceholderAhead()) ++pos_;
        return Step::kContinue;
      }
      break;
  }
  StartIfNeeded();
  OnToken(c);
  ++pos_;
  return Step::kContinue;
}

bool Splitter::MatchDelimiter() {
  size_t n = delimiter_.size();
  if (n == 1) return true;
  return Need(n) >= n && std::memcmp(buf() + pos_, delimiter_.data(), n) == 0;
}

Splitter::Step Splitter::OnDelimiter() {
  size_t n = delimiter_.size();
  if (!started_) {
    pos_ += n;
    return Step::kContinue;
  }
  if (classifier_->InsideBody()) {
    OnToken(';');
    pos_ += n;
    return Step::kContinue;
  }
  emit_end_ = pos_;
  pos_ += n;
  return Step::kEmit;
}

void Splitter::EnterQuoted(char close, bool doubling, bool backslash, const char* what) {
  SetConstruct(pos_, what);
  quote_close_ = close;
  quote_doubling_ = doubling;
  int kind = close == '\'' ? 0 : close == '"' ? 1 : close == '`' ? 2 : 3;
  quote_table_ = backslash && kind < 2 ? quoted_escape_[kind] : quoted_plain_[kind];
  mode_ = Mode::kQuoted;
  pos_ += 1;
}

void Splitter::ScanQuoted() {
  for (;;) {
    size_t p = SkipPlain(quote_table_, buf(), pos_, end_);
    pos_ = p;
    if (p == end_) {
      if (Fill()) continue;
      Unterminated(construct_what_, "close it with " + std::string(1, quote_close_));
      return;
    }
    unsigned char c = byte(p);
    if (c == static_cast<unsigned char>(quote_close_)) {
      if (quote_doubling_ && Need(2) >= 2 && byte(pos_ + 1) == c) {
        pos_ += 2;
        continue;
      }
      pos_ += 1;
      mode_ = Mode::kCode;
      return;
    }
    if (c == '\\') {
      pos_ += Need(2) >= 2 ? 2 : 1;
      continue;
    }
    if (!TryPlaceholder(false)) ++pos_;
  }
}

bool Splitter::TryDollarQuote() {
  // After an identifier byte '$' continues the identifier (a$b), unless that byte
  // closed a dollar quote: $a$x$a$$b$y$b$ is two quotes.
  if (IsIdent(byte(pos_ - 1)) && base_ + static_cast<int64_t>(pos_) != dollar_closed_at_) {
    return false;
  }
  size_t k = 1;
  for (;;) {
    if (Need(k + 1) < k + 1) return false;
    unsigned char c = byte(pos_ + k);
    if (c == '$') break;
    if (!IsIdentStart(c) && !(k > 1 && c >= '0' && c <= '9')) return false;
    if (++k > kMaxDollarTag) return false;
  }
  StartIfNeeded();
  OnToken('$');
  dollar_tag_.assign(buf() + pos_, k + 1);
  SetConstruct(pos_, "dollar quote");
  mode_ = Mode::kDollar;
  pos_ += k + 1;
  return true;
}

void Splitter::ScanDollar() {
  for (;;) {
    size_t p = SkipPlain(dollar_, buf(), pos_, end_);
    pos_ = p;
    if (p == end_) {
      if (Fill()) continue;
      Unterminated("dollar quote " + dollar_tag_, "close it with " + dollar_tag_);
      return;
    }
    if (TryPlaceholder(false)) continue;
    size_t n = dollar_tag_.size();
    if (Need(n) >= n && std::memcmp(buf() + pos_, dollar_tag_.data(), n) == 0) {
      pos_ += n;
      dollar_closed_at_ = base_ + static_cast<int64_t>(pos_);
      mode_ = Mode::kCode;
      return;
    }
    ++pos_;
  }
}

void Splitter::ScanLineComment() {
  for (;;) {
    pos_ = LineBreak(pos_);
    if (pos_ < end_ || !Fill()) break;
  }
  EndComment(pos_);
  mode_ = Mode::kCode;
}

void Splitter::ScanBlockComment() {
  for (;;) {
    size_t p = SkipPlain(block_comment_, buf(), pos_, end_);
    pos_ = p;
    if (p == end_) {
      if (Fill()) continue;
      Unterminated("comment /*", "close it with */");
      return;
    }
    unsigned char c = byte(p);
    if (Need(2) >= 2) {
      if (c == '*' && byte(pos_ + 1) == '/') {
        pos_ += 2;
        if (--comment_depth_ == 0) {
          EndComment(pos_);
          mode_ = Mode::kCode;
          return;
        }
        continue;
      }
      if (c == '/' && byte(pos_ + 1) == '*') {
        pos_ += 2;
        ++comment_depth_;
        continue;
      }
    }
    ++pos_;
  }
}

void Splitter::ScanWord() {
  word_len_ = 0;
  bool too_long = false;
  for (;;) {
    size_t p = pos_;
    while (p < end_) {
      unsigned char c = byte(p);
      if (!IsIdent(c)) break;
      if (c == '$' && options_.replace_placeholders) {
        pos_ = p;
        if (PlaceholderAhead()) return;
        p = pos_;
      }
      if (word_len_ < sizeof word_) {
        word_[word_len_++] = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
      } else {
        too_long = true;
      }
      ++p;
    }
    pos_ = p;
    if (p < end_ || !Fill()) break;
  }
  if (too_long) word_len_ = 0;
}

bool Splitter::PlaceholderAhead() {
  return options_.replace_placeholders && byte(pos_) == '$' && Need(2) >= 2 &&
         byte(pos_ + 1) == '{';
}

void Splitter::StartStatement(size_t i) {
  started_ = true;
  start_at_ = At(i);
  span_ = i;
  stmt_.clear();
  have_tail_comment_ = false;
  // With a DELIMITER other than ';' the user has said where statements end: only
  // transaction control is looked for.
  classifier_->Start(rules_.delimiter_command && delimiter_ != ";", start_at_);
}

void Splitter::FlushSpan() {
  if (!started_) return;
  stmt_.append(buf() + span_, pos_ - span_);
  span_ = pos_;
}

void Splitter::BeginComment(size_t i) {
  if (!started_) return;
  size_t start = OutOffset(i);
  bool blank_gap = have_tail_comment_;
  for (size_t o = tail_comment_end_; blank_gap && o < start; ++o) {
    unsigned char c =
        o < stmt_.size() ? static_cast<unsigned char>(stmt_[o]) : byte(span_ + (o - stmt_.size()));
    blank_gap = IsBlank(c);
  }
  comment_start_offset_ = blank_gap ? tail_comment_start_ : start;
}

void Splitter::EndComment(size_t i) {
  if (!started_) return;
  tail_comment_start_ = comment_start_offset_;
  tail_comment_end_ = OutOffset(i);
  have_tail_comment_ = true;
}

bool Splitter::Emit(Statement& out, size_t text_end) {
  if (nul_pending_) CheckNul(base_ + static_cast<int64_t>(text_end));
  stmt_.append(buf() + span_, text_end - span_);
  span_ = text_end;
  started_ = false;
  size_t n = stmt_.size();
  while (n > 0 && IsBlank(static_cast<unsigned char>(stmt_[n - 1]))) --n;
  if (have_tail_comment_ && n <= tail_comment_end_) {
    n = tail_comment_start_;
    while (n > 0 && IsBlank(static_cast<unsigned char>(stmt_[n - 1]))) --n;
  }
  stmt_.resize(n);
  // Only a placeholder with an empty or blank value can leave blanks in front, or
  // nothing at all: such a statement is not sent.
  size_t lead = 0;
  while (lead < n && IsBlank(static_cast<unsigned char>(stmt_[lead]))) ++lead;
  stmt_.erase(0, lead);
  if (stmt_.empty()) return false;
  out.sql.swap(stmt_);
  stmt_.clear();
  // Reusing the caller's old buffer saves an allocation per statement, but not the
  // memory of a huge statement for the rest of the file.
  if (stmt_.capacity() > kKeepCapacity) std::string().swap(stmt_);
  out.line = start_at_.line;
  out.column = start_at_.column;
  out.index = ++index_;
  const Verdict& verdict = classifier_->verdict();
  out.non_transactional = verdict.non_transactional ? verdict.non_transactional : "";
  out.transaction_control = verdict.transaction_control ? verdict.transaction_control : "";
  out.copy_data = verdict.copy_stdin ? &copy_reader_ : nullptr;
  // A SET that changes how strings are lexed applies from the next statement on.
  classifier_->End(out.sql);
  quotes_ = classifier_->quotes();
  if (verdict.copy_stdin) StartCopyData();
  return true;
}

bool Splitter::AtEof(Statement& out) {
  mode_ = Mode::kDone;
  if (nul_pending_) CheckNul(INT64_MAX);
  // A ';' inside /*! ... */ ends a statement, as in the mysql client, so the
  // comment can still be open when no statement is.
  if (!started_ && in_executable_comment_) {
    Unterminated("comment /*!", executable_at_, "close it with */");
    return false;
  }
  if (!started_) return false;
  if (CheckOpenBlocks()) return false;
  return Emit(out, end_);
}

}  // namespace flyrun::parse
