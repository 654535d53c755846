#pragma once

#include <cstdint>

#include "parse/classifier.h"

namespace flyrun::parse {

/// SQLite as sqlite3_complete() sees it: a CREATE [TEMP] TRIGGER ends only at an
/// END right after a ';'. Flags VACUUM, which cannot run in a transaction.
class SqliteClassifier final : public Classifier {
 public:
  SqliteClassifier(Cursor& cursor, const SessionLexing& session)
      : Classifier(Dialect::kSqlite, cursor) {
    modes_ = session.now;
  }

  void OnWord(const Word& word) override;
  void OnToken(unsigned char c) override;
  bool InsideBody() const override { return cls_ == Cls::kTrigger && trigger_ != Trigger::kEnd; }
  bool Open(Unclosed& out) const override;

 private:
  enum class Cls : uint8_t { kStart, kDone, kCreate, kCreateTemp, kTrigger };
  enum class Trigger : uint8_t { kBody, kSemicolon, kEnd };

  void Reset() override;

  Cls cls_ = Cls::kStart;
  Trigger trigger_ = Trigger::kBody;
};

}  // namespace flyrun::parse
