#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "core/dialect.h"
#include "parse/lex.h"
#include "parse/statement_source.h"

namespace flyrun::parse {

/// The word the lexer just read, upper-cased; `len` is 0 when it was too long to
/// keep (no keyword is that long).
struct Word {
  const char* upper = "";
  size_t len = 0;
  /// Inline, so that the keyword's length is known when it is compiled.
  bool Is(const char* keyword) const {
    size_t n = std::strlen(keyword);
    return n == len && std::memcmp(upper, keyword, n) == 0;
  }
};

/// Where the lexer is. A classifier asks only for the few tokens whose place an
/// error may need (the BEGIN opening a body...), so positions stay lazy.
class Cursor {
 public:
  /// The position of the word or token being reported.
  virtual Position Here() = 0;

 protected:
  ~Cursor() = default;
};

/// How quotes are lexed now: the dialect's rules as the session's settings
/// (standard_conforming_strings, sql_mode) have them.
struct QuoteRules {
  bool backslash_escapes = false;     ///< '...' (and "..." strings) take backslash escapes
  bool double_quote_strings = false;  ///< "..." is a string rather than an identifier
  bool operator==(const QuoteRules&) const = default;
};

/// A body still open at the end of the input.
struct Unclosed {
  std::string what;
  Position at;
  std::string hint;
};

/// What a statement's keywords say about it.
struct Verdict {
  const char* non_transactional = nullptr;
  const char* transaction_control = nullptr;
  bool copy_stdin = false;
};

/// The keyword classifier of one dialect, fed by the splitter's lexer with the
/// words and tokens of a statement (never with bytes; string, comment and
/// identifier contents are skipped by the lexer's tables). It decides whether a
/// delimiter ends the statement or sits inside a body, flags statements that
/// cannot run in a transaction or control it, and follows the SET statements
/// that change how the next statements are lexed. Each dialect has its own, so
/// that a rule for one cannot disturb another.
class Classifier {
 public:
  virtual ~Classifier() = default;

  /// A statement starts at `at`. `tx_only`: only transaction control is looked
  /// for (the MySQL DELIMITER in force is not ';').
  void Start(bool tx_only, Position at);
  /// While false the lexer reports only parentheses (where the dialect's table
  /// has them) and delimiters: the statement needs no more classifying.
  bool tracking() const { return track_; }
  virtual void OnWord(const Word& word) = 0;
  /// Any other token in code: punctuation, a number's first digit, the opening
  /// quote of a string or quoted identifier, a ';' inside a body.
  virtual void OnToken(unsigned char c) = 0;
  /// '(' or ')' in code, also when not tracking (PostgreSQL only).
  virtual void OnParen(bool /*open*/) {}
  /// At a delimiter: true when it sits inside a body and the statement goes on.
  virtual bool InsideBody() const = 0;
  /// At the end of the input with a statement open: the body left open, if any.
  virtual bool Open(Unclosed& out) const = 0;
  /// The statement ended with text `sql` (as sent). A SET statement that
  /// changes how strings are lexed takes effect here, for the next statement.
  virtual void End(std::string_view /*sql*/) {}

  const Verdict& verdict() const { return verdict_; }
  const QuoteRules& quotes() const { return quotes_; }
  /// The session's settings after the statements so far.
  const LexModes& modes() const { return modes_; }

 protected:
  Classifier(Dialect dialect, Cursor& cursor) : dialect_(dialect), cursor_(cursor) {}
  virtual void Reset() = 0;
  void Stop() { track_ = false; }

  /// The statements that open or end the transaction itself, common to every
  /// dialect: BEGIN [WORK | TRANSACTION | ...], START TRANSACTION, COMMIT,
  /// ROLLBACK, END, ABORT. True when `word` was one of their first words.
  bool TransactionWord(const Word& word);
  /// A token ends the classifying of a transaction statement: true when it did.
  bool TransactionToken();
  /// The word after BEGIN was not one the transaction rules know (MySQL's NOT of
  /// BEGIN NOT ATOMIC): the dialect classifies it.
  bool after_begin() const { return tx_ == Tx::kAfterBegin; }
  /// Where the statement's first BEGIN was.
  Position begin_at() const { return begin_at_; }

  const Dialect dialect_;
  Cursor& cursor_;
  Verdict verdict_;
  QuoteRules quotes_;
  LexModes modes_;
  bool tx_only_ = false;
  Position statement_at_;

 private:
  enum class Tx : uint8_t { kFirst, kBegin, kStart, kEnd, kAfterBegin, kOther };
  Tx tx_ = Tx::kFirst;
  bool track_ = true;
  Position begin_at_;
};

/// The classifier of `options.dialect`, starting from the session settings in
/// `options.session`.
std::unique_ptr<Classifier> MakeClassifier(const SplitOptions& options, Cursor& cursor);

}  // namespace flyrun::parse
