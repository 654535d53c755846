#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parse/classifier.h"
#include "parse/mysql_sql_mode.h"

namespace flyrun::parse {

/// MySQL and MariaDB as the mysql client sees them, plus stored programs without
/// DELIMITER: in CREATE [DEFINER = user] PROCEDURE/FUNCTION/TRIGGER/EVENT and in
/// MariaDB's compound statements (BEGIN NOT ATOMIC, IF, LOOP... at the top
/// level) BEGIN/IF/CASE/LOOP/WHILE/REPEAT/FOR ... END nest while the delimiter is
/// ';'. A DEFINER clause is read as `= user[@host]` or `= CURRENT_USER[()]`, so
/// that what follows it (VIEW, or the kind of stored program) decides. Follows
/// the session's sql_mode (SqlModeTracker): NO_BACKSLASH_ESCAPES and ANSI_QUOTES
/// decide how strings and "..." are lexed.
class MysqlClassifier final : public Classifier {
 public:
  MysqlClassifier(Cursor& cursor, const SessionLexing& session);

  void OnWord(const Word& word) override;
  void OnToken(unsigned char c) override;
  bool InsideBody() const override { return cls_ == Cls::kCompound && !blocks_.empty(); }
  bool Open(Unclosed& out) const override;
  void End(std::string_view sql) override;

 private:
  enum class Cls : uint8_t {
    kStart,
    kDone,
    kCreate,       ///< CREATE [OR REPLACE] [ALGORITHM = x] [DEFINER = u] [SQL SECURITY x] ...
    kDefiner,      ///< DEFINER, before '='
    kDefinerUser,  ///< DEFINER =
    kDefinerAfterUser,
    kDefinerHost,      ///< after '@'
    kDefinerHostPart,  ///< inside the host name: '.' or '-' continue it
    kAlgorithm,        ///< ALGORITHM, before '='
    kAlgorithmValue,
    kBeginNot,
    kCompound,
  };
  /// The previous token inside a stored program, for telling the IF statement
  /// from the IF() function and the like.
  enum class Prev : uint8_t { kOther, kStatementStart, kEnd };
  enum class Block : uint8_t { kBegin, kIf, kCaseStatement, kCaseExpression, kLoop };

  void Reset() override;
  void OnCreateWord(const Word& w);
  void OnBodyWord(const Word& w);
  void OpenBlock(const Word& w, Block kind);
  void Apply();

  SqlModeTracker sql_mode_;
  Cls cls_ = Cls::kStart;
  bool after_security_ = false;  ///< SQL SECURITY: DEFINER is its value, not a clause
  bool set_statement_ = false;   ///< a SET: read again at its end
  Prev prev_ = Prev::kOther;
  std::vector<Block> blocks_;
  Position block_at_;
  std::string block_what_;
};

}  // namespace flyrun::parse
