#include "parse/classify_mysql.h"

namespace flyrun::parse {
namespace {

bool IsStoredProgram(const Word& w) {
  return w.Is("PROCEDURE") || w.Is("FUNCTION") || w.Is("TRIGGER") || w.Is("EVENT") ||
         w.Is("PACKAGE");
}

bool OpensCompound(const Word& w) {
  return w.Is("IF") || w.Is("CASE") || w.Is("LOOP") || w.Is("WHILE") || w.Is("REPEAT") ||
         w.Is("FOR");
}

}  // namespace

MysqlClassifier::MysqlClassifier(Cursor& cursor, const SessionLexing& session)
    : Classifier(Dialect::kMysql, cursor), sql_mode_(session) {
  Apply();
}

void MysqlClassifier::Apply() {
  modes_ = sql_mode_.now();
  quotes_.backslash_escapes = !sql_mode_.now().no_backslash_escapes;
  quotes_.double_quote_strings = !sql_mode_.now().ansi_quotes;
}

void MysqlClassifier::Reset() {
  cls_ = Cls::kStart;
  after_security_ = false;
  set_statement_ = false;
  prev_ = Prev::kOther;
  blocks_.clear();
}

void MysqlClassifier::OpenBlock(const Word& w, Block kind) {
  if (blocks_.empty()) {
    block_at_ = cursor_.Here();
    block_what_.assign(w.upper, w.len);
  }
  blocks_.push_back(kind);
}

void MysqlClassifier::OnToken(unsigned char c) {
  if (TransactionToken()) return;
  switch (cls_) {
    case Cls::kCreate:
    case Cls::kAlgorithmValue:
      cls_ = Cls::kDone;  // CREATE TABLE x(...) and the like never get here
      break;
    case Cls::kDefiner:
      cls_ = c == '=' ? Cls::kDefinerUser : Cls::kDone;
      break;
    case Cls::kDefinerUser:
      // A quoted user name ('u', `u`, "u"); a word is OnWord's.
      cls_ = c == '\'' || c == '"' || c == '`' ? Cls::kDefinerAfterUser : Cls::kDone;
      break;
    case Cls::kDefinerAfterUser:
      if (c == '@') {
        cls_ = Cls::kDefinerHost;
      } else if (c != '(' && c != ')') {  // CURRENT_USER()
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kDefinerHost:
      // 'host', `host`, or an unquoted name or address (127.0.0.1)
      cls_ = c == '\'' || c == '"' || c == '`' || (c >= '0' && c <= '9') ? Cls::kDefinerHostPart
                                                                         : Cls::kDone;
      break;
    case Cls::kDefinerHostPart:
      cls_ = c == '.' || c == '-' ? Cls::kDefinerHost : Cls::kDone;
      break;
    case Cls::kAlgorithm:
      cls_ = c == '=' ? Cls::kAlgorithmValue : Cls::kDone;
      break;
    case Cls::kCompound:
      prev_ = (c == ';' || c == ':') ? Prev::kStatementStart : Prev::kOther;
      break;
    default:
      cls_ = Cls::kDone;
      break;
  }
  if (cls_ == Cls::kDone) Stop();
}

void MysqlClassifier::OnWord(const Word& w) {
  if (TransactionWord(w)) return;
  if (tx_only_) {
    Stop();
    return;
  }
  switch (cls_) {
    case Cls::kStart:
      if (after_begin() && w.Is("NOT")) {
        cls_ = Cls::kBeginNot;
      } else if (w.Is("CREATE")) {
        cls_ = Cls::kCreate;
      } else if (OpensCompound(w)) {
        // MariaDB runs compound statements outside stored programs too.
        cls_ = Cls::kCompound;
        OpenBlock(w, w.Is("CASE") ? Block::kCaseStatement : w.Is("IF") ? Block::kIf : Block::kLoop);
        prev_ = w.Is("LOOP") || w.Is("REPEAT") ? Prev::kStatementStart : Prev::kOther;
      } else {
        set_statement_ = w.Is("SET");
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kBeginNot:
      if (w.Is("ATOMIC")) {
        cls_ = Cls::kCompound;
        blocks_.push_back(Block::kBegin);
        block_at_ = begin_at();
        block_what_ = "BEGIN";
        prev_ = Prev::kStatementStart;
      } else {
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kDefinerUser:
    case Cls::kDefinerHost:
      // DEFINER = user / CURRENT_USER, @ host
      cls_ = cls_ == Cls::kDefinerUser ? Cls::kDefinerAfterUser : Cls::kDefinerHostPart;
      break;
    case Cls::kAlgorithmValue:
      cls_ = Cls::kCreate;
      break;
    case Cls::kDefinerAfterUser:
    case Cls::kDefinerHostPart:
    case Cls::kCreate:
      OnCreateWord(w);
      break;
    case Cls::kCompound:
      OnBodyWord(w);
      break;
    default:
      cls_ = Cls::kDone;
      break;
  }
  if (cls_ == Cls::kDone) Stop();
}

// CREATE [OR REPLACE] [ALGORITHM = x] [DEFINER = user] [SQL SECURITY {DEFINER |
// INVOKER}] [AGGREGATE] kind: a stored program nests blocks, anything else (a
// VIEW) is classified no further.
void MysqlClassifier::OnCreateWord(const Word& w) {
  bool security_value = after_security_;
  after_security_ = false;
  cls_ = Cls::kCreate;
  if (IsStoredProgram(w)) {
    cls_ = Cls::kCompound;
    prev_ = Prev::kOther;
  } else if (w.Is("DEFINER") && !security_value) {
    cls_ = Cls::kDefiner;
  } else if (w.Is("ALGORITHM")) {
    cls_ = Cls::kAlgorithm;
  } else if (w.Is("SECURITY")) {
    after_security_ = true;
  } else if (!(w.Is("OR") || w.Is("REPLACE") || w.Is("SQL") || w.Is("AGGREGATE") ||
               (security_value && (w.Is("DEFINER") || w.Is("INVOKER"))))) {
    cls_ = Cls::kDone;
  }
}

// Inside a stored program. IF, LOOP, WHILE, REPEAT and FOR open a block only where
// a statement starts (so IF() and REPEAT() the functions do not); CASE always
// does, as both CASE statement and CASE expression end with END; END closes one
// and swallows the IF/CASE/LOOP/... of END IF, END CASE, END LOOP...
void MysqlClassifier::OnBodyWord(const Word& w) {
  bool statement_start = prev_ == Prev::kStatementStart;
  if (prev_ == Prev::kEnd) {
    prev_ = Prev::kOther;
    if (OpensCompound(w)) return;
  }
  if (w.Is("BEGIN")) {
    OpenBlock(w, Block::kBegin);
    prev_ = Prev::kStatementStart;
  } else if (w.Is("CASE")) {
    OpenBlock(w, statement_start ? Block::kCaseStatement : Block::kCaseExpression);
    prev_ = Prev::kOther;
  } else if (statement_start && w.Is("IF")) {
    OpenBlock(w, Block::kIf);
    prev_ = Prev::kOther;
  } else if (statement_start && (w.Is("LOOP") || w.Is("REPEAT"))) {
    OpenBlock(w, Block::kLoop);
    prev_ = Prev::kStatementStart;
  } else if (statement_start && (w.Is("WHILE") || w.Is("FOR"))) {
    OpenBlock(w, Block::kLoop);
    prev_ = Prev::kOther;
  } else if (w.Is("END")) {
    if (!blocks_.empty()) blocks_.pop_back();
    prev_ = Prev::kEnd;
  } else if (w.Is("THEN") || w.Is("ELSE") || w.Is("DO")) {
    bool in_expression = !blocks_.empty() && blocks_.back() == Block::kCaseExpression;
    prev_ = in_expression ? Prev::kOther : Prev::kStatementStart;
  } else if (w.Is("ROW")) {
    prev_ = Prev::kStatementStart;  // FOR EACH ROW IF ...
  } else {
    prev_ = Prev::kOther;
  }
}

bool MysqlClassifier::Open(Unclosed& out) const {
  if (!InsideBody()) return false;
  out = {block_what_ + " ... END block", block_at_,
         "end the block with END (END IF, END LOOP...), or set a DELIMITER"};
  return true;
}

void MysqlClassifier::End(std::string_view sql) {
  if (!set_statement_) return;
  sql_mode_.OnSet(sql);
  Apply();
}

}  // namespace flyrun::parse
