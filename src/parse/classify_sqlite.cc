#include "parse/classify_sqlite.h"

namespace flyrun::parse {

void SqliteClassifier::Reset() {
  cls_ = Cls::kStart;
  trigger_ = Trigger::kBody;
}

void SqliteClassifier::OnToken(unsigned char c) {
  if (TransactionToken()) return;
  if (cls_ == Cls::kTrigger) {
    trigger_ = c == ';' ? Trigger::kSemicolon : Trigger::kBody;
  } else {
    cls_ = Cls::kDone;
    Stop();
  }
}

void SqliteClassifier::OnWord(const Word& w) {
  if (TransactionWord(w)) return;
  switch (cls_) {
    case Cls::kStart:
      if (w.Is("EXPLAIN")) return;
      if (w.Is("CREATE")) {
        cls_ = Cls::kCreate;
      } else {
        if (w.Is("VACUUM")) verdict_.non_transactional = "VACUUM";
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kCreate:
      if (w.Is("TEMP") || w.Is("TEMPORARY")) {
        cls_ = Cls::kCreateTemp;
      } else {
        cls_ = w.Is("TRIGGER") ? Cls::kTrigger : Cls::kDone;
      }
      break;
    case Cls::kCreateTemp:
      cls_ = w.Is("TRIGGER") ? Cls::kTrigger : Cls::kDone;
      break;
    case Cls::kTrigger:
      // sqlite3_complete(): only an END right after a ';' can end the trigger, so the
      // END of a CASE expression does not.
      trigger_ = trigger_ == Trigger::kSemicolon && w.Is("END") ? Trigger::kEnd : Trigger::kBody;
      break;
    case Cls::kDone:
      break;
  }
  if (cls_ == Cls::kDone) Stop();
}

bool SqliteClassifier::Open(Unclosed& out) const {
  if (!InsideBody()) return false;
  out = {"CREATE TRIGGER body", statement_at_, "end the trigger with END;"};
  return true;
}

}  // namespace flyrun::parse
