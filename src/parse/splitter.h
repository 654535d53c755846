#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "core/statement.h"
#include "parse/classifier.h"
#include "parse/dialect.h"
#include "parse/lex.h"
#include "parse/statement_source.h"

namespace flyrun::parse {

/// The streaming splitter behind StatementSource: reader, then a lexer configured
/// by DialectRules (table-driven: contents of strings and comments are skipped
/// without a call per byte), then the dialect's Classifier, told of words and
/// tokens only. It reads `options.chunk_size` bytes at a time and copies each
/// statement's text once into its own buffer, line breaks as written, so memory
/// is one chunk plus the statement being built. COPY data is handed out in
/// chunks through CopyData and never held whole.
///
/// Errors (unterminated constructs, unknown placeholders, malformed directives) are
/// thrown as Error(kValidation) with file/line/column, or appended to
/// options.issues when it is set.
class Splitter {
 public:
  Splitter(std::istream& in, std::string name, SplitOptions options);
  Splitter(const Splitter&) = delete;
  Splitter& operator=(const Splitter&) = delete;

  const ScriptDirectives& directives() const { return directives_; }
  /// The session as the statements yielded so far left it.
  SessionLexing session() const {
    SessionLexing s = options_.session;
    s.now = classifier_->modes();
    return s;
  }

  /// The next statement; false at the end of the script (or after an unterminated
  /// construct was recorded as an issue).
  bool Next(Statement& out);

 private:
  class CopyReader : public CopyData {
   public:
    explicit CopyReader(Splitter& splitter) : splitter_(splitter) {}
    bool Next(std::string& out) override { return splitter_.CopyNext(&out); }

   private:
    Splitter& splitter_;
  };

  enum class Mode : uint8_t { kCode, kQuoted, kDollar, kLineComment, kBlockComment, kDone };
  enum class Step : uint8_t { kContinue, kEmit, kEof };

  /// The position of the word or token being reported to the classifier.
  class TokenCursor final : public Cursor {
   public:
    explicit TokenCursor(Splitter& splitter) : splitter_(splitter) {}
    Position Here() override { return splitter_.TokenAt(); }

   private:
    Splitter& splitter_;
  };

  // Input (splitter_input.cc).
  bool Fill();
  size_t Need(size_t n);
  size_t ReadRaw(char* dst, size_t n);
  void CountBreaks(size_t from, size_t to, int& line, int64_t& line_start) const;
  /// The first line break (LF or CR) in [from, end_), or end_.
  size_t LineBreak(size_t from) const { return SkipPlain(line_break_, buf(), from, end_); }
  Position At(size_t i);
  Position Locate(size_t i);
  Position Peek(size_t i) const;
  void FindNul(size_t from, size_t n);
  void CheckNul(int64_t before);
  const char* buf() const { return buf_.data(); }
  unsigned char byte(size_t i) const { return static_cast<unsigned char>(buf_[i]); }

  // Scanning (splitter.cc).
  Step ScanCode();
  Step ScanCodeByte(unsigned char c);
  void ScanQuoted();
  void ScanDollar();
  void ScanLineComment();
  void ScanBlockComment();
  bool MatchDelimiter();
  Step OnDelimiter();
  void EnterQuoted(char close, bool doubling, bool backslash, const char* what);
  void SetConstruct(size_t i, const char* what) {
    construct_index_ = i;
    construct_pending_ = true;
    construct_what_ = what;
  }
  Position ConstructAt();
  bool TryDollarQuote();
  void ScanWord();
  bool PlaceholderAhead();
  void StartStatement(size_t i);
  void StartIfNeeded() {
    if (!started_) StartStatement(pos_);
  }
  void FlushSpan();
  size_t OutOffset(size_t i) const { return stmt_.size() + (i - span_); }
  void BeginComment(size_t i);
  void EndComment(size_t i);
  bool Emit(Statement& out, size_t text_end);
  bool AtEof(Statement& out);
  void BuildTables();

  // Keywords: what the classifier is told.
  void OnWord();
  void OnToken(unsigned char c) {
    if (!classifier_->tracking()) return;
    token_start_ = base_ + static_cast<int64_t>(pos_);
    classifier_->OnToken(c);
  }
  Position TokenAt();
  bool CheckOpenBlocks();

  // Placeholders, directives, COPY data, meta-commands, errors (splitter_extras.cc).
  bool TryPlaceholder(bool in_code);
  bool TryDelimiterCommand();
  void MetaCommand();
  Step PsqlCommandInStatement();
  void ReadDirectives();
  void ParseDirective(const std::string& text, int column);
  bool CopyNext(std::string* out);
  void StartCopyData();
  bool FindLineEnd(size_t cap, size_t& eol);
  void SkipLine();
  void Report(const char* code, Position at, const std::string& message, const std::string& hint,
              const char* where = "at");
  void Unterminated(const std::string& what, const std::string& hint) {
    Unterminated(what, ConstructAt(), hint);
  }
  void Unterminated(const std::string& what, Position at, const std::string& hint);
  const std::string* Lookup(const std::string& name) const;

  // Configuration.
  std::istream& in_;
  std::string name_;
  SplitOptions options_;
  const DialectRules& rules_;
  ScriptDirectives directives_;
  uint8_t code_fast_[256] = {};        ///< bytes that matter in code once a statement is classified
  uint8_t code_slow_[256] = {};        ///< every non-blank byte: classifying or tracking blocks
  uint8_t quoted_plain_[4][256] = {};  ///< per closing quote kind, no backslash escapes
  uint8_t quoted_escape_[2][256] = {};  ///< ' and " with backslash escapes
  uint8_t dollar_[256] = {};
  uint8_t block_comment_[256] = {};
  uint8_t line_break_[256] = {};
  std::string delimiter_ = ";";

  // Input buffer: [0, kLookback) keeps the bytes before the current chunk so that
  // the scanner can look one or two bytes back; data is [kLookback, end_).
  static constexpr size_t kLookback = 8;
  static constexpr size_t kMaxDollarTag = 256;
  static constexpr size_t kMaxPlaceholder = 256;
  static constexpr size_t kMaxCommandLine = 4096;
  static constexpr size_t kKeepCapacity = 1 << 20;
  static constexpr const char* kSandboxPrefix = "/*M!999999\\-";
  static constexpr size_t kSandboxPrefixLen = 12;
  std::vector<char> buf_;
  size_t pos_ = kLookback;
  size_t end_ = kLookback;
  int64_t base_ = -static_cast<int64_t>(kLookback);  ///< input offset of buf_[0]
  bool eof_ = false;
  bool bom_checked_ = false;
  /// A CR was read: from then on line breaks are counted the slower way that
  /// knows CR and CRLF (one memchr per chunk to find out).
  bool cr_seen_ = false;
  // Line counting is lazy: newlines are counted up to `located_` only when a
  // position is asked for or the buffer moves.
  size_t located_ = kLookback;
  int line_ = 1;
  int64_t line_start_ = 0;  ///< input offset of the first byte of line_
  // The first NUL byte of the input: found when its chunk is read, reported when
  // the statement holding it (or the end) is reached, so that where the input is
  // cut does not change what is yielded.
  bool nul_seen_ = false;
  bool nul_pending_ = false;
  int64_t nul_offset_ = 0;
  Position nul_at_;

  // Scanner state.
  Mode mode_ = Mode::kCode;
  char quote_close_ = 0;
  bool quote_doubling_ = false;
  const uint8_t* quote_table_ = nullptr;
  std::string dollar_tag_;  ///< with both '$'
  int comment_depth_ = 0;
  bool in_executable_comment_ = false;
  // Where the open string/comment/dollar quote began: only its buffer index is kept
  // until a position is asked for or the buffer moves, to keep strings cheap.
  size_t construct_index_ = 0;
  bool construct_pending_ = false;
  Position construct_at_;
  const char* construct_what_ = "";
  Position executable_at_;
  int64_t dollar_closed_at_ = -1;  ///< input offset just after the last closing $tag$

  // The statement being built: stmt_ holds the flushed text, [span_, pos_) of the
  // buffer is text not copied yet.
  bool started_ = false;
  std::string stmt_;
  size_t span_ = 0;
  Position start_at_;
  int index_ = 0;
  // The last run of comments with only blanks between them, as offsets in the
  // statement text, so that comments at the end of a statement can be cut.
  size_t tail_comment_start_ = 0;
  size_t tail_comment_end_ = 0;
  bool have_tail_comment_ = false;
  size_t comment_start_offset_ = 0;
  size_t emit_end_ = 0;

  // The dialect's keyword classifier, and where its current token started.
  TokenCursor cursor_{*this};
  std::unique_ptr<Classifier> classifier_;
  QuoteRules quotes_;
  int64_t token_start_ = 0;
  char word_[24] = {};  ///< the current word, upper-cased; word_len_ 0 when too long
  size_t word_len_ = 0;

  // COPY ... FROM stdin data.
  CopyReader copy_reader_{*this};
  bool copy_active_ = false;
  bool copy_line_start_ = true;
};

}  // namespace flyrun::parse
