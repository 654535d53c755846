#pragma once

#include <cstdint>

#include "parse/classifier.h"

namespace flyrun::parse {

/// PostgreSQL as psql sees it: ';' inside ( ) never ends a statement, nor inside
/// BEGIN/CASE ... END of CREATE [OR REPLACE] FUNCTION/PROCEDURE (SQL-standard
/// `BEGIN ATOMIC` bodies). Flags what cannot run in a transaction (CREATE INDEX
/// CONCURRENTLY, VACUUM, ALTER TYPE ... ADD VALUE before 12...) and COPY ... FROM
/// stdin. Follows `SET [SESSION | LOCAL] standard_conforming_strings` and
/// `RESET standard_conforming_strings | ALL`: when off, '...' takes backslash
/// escapes, as psql lexes it.
class PostgresClassifier final : public Classifier {
 public:
  PostgresClassifier(Cursor& cursor, const SessionLexing& session);

  void OnWord(const Word& word) override;
  void OnToken(unsigned char c) override;
  void OnParen(bool open) override;
  bool InsideBody() const override { return paren_depth_ > 0 || begin_depth_ > 0; }
  bool Open(Unclosed& out) const override;
  void End(std::string_view sql) override;

 private:
  enum class Cls : uint8_t {
    kStart,
    kDone,
    kCreate,
    kCreateOr,
    kCreateOrReplace,
    kCreateUnique,
    kCreateIndex,
    kDrop,
    kDropIndex,
    kAlter,
    kAlterType,
    kAlterTypeAdd,
    kReindex,
    kReindexRest,
    kCopy,
    kCopyFrom,
    kRoutine,
  };

  void Reset() override;
  void Flag(const char* what);
  void Apply(bool standard_conforming_strings);

  int server_version_;
  bool scs_reset_;
  bool scs_;
  Cls cls_ = Cls::kStart;
  bool session_statement_ = false;  ///< SET or RESET: read again at its end
  int paren_depth_ = 0;
  Position paren_at_;
  int begin_depth_ = 0;
  Position block_at_;
};

}  // namespace flyrun::parse
