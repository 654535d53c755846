// Keywords: which statements cannot run in a transaction, which are COPY ... FROM
// stdin, and where a ';' sits inside a body (BEGIN ATOMIC, stored programs,
// triggers) rather than ending the statement. Only the first words of a statement
// are looked at, unless the statement turns out to need more.
#include <cstring>

#include "parse/splitter.h"

namespace flyrun::parse {

bool Splitter::WordIs(const char* upper) const {
  size_t n = std::strlen(upper);
  return n == word_len_ && std::memcmp(word_, upper, n) == 0;
}

bool Splitter::BlockOpen() const {
  switch (rules_.blocks) {
    case BlockStyle::kPostgres:
      return paren_depth_ > 0 || begin_depth_ > 0;
    case BlockStyle::kMysql:
      return cls_ == Cls::kMyCompound && !blocks_.empty();
    case BlockStyle::kSqlite:
      return cls_ == Cls::kSqTrigger && trigger_ != TriggerState::kEnd;
  }
  return false;
}

void Splitter::OnWord() {
  if (!track_) return;
  ++words_;
  if (OnTransactionWord()) {
    // handled
  } else if (tx_only_) {
    cls_ = Cls::kDone;
  } else {
    switch (rules_.dialect) {
      case Dialect::kPostgres:
        OnPostgresWord();
        break;
      case Dialect::kMysql:
        OnMysqlWord();
        break;
      case Dialect::kSqlite:
        OnSqliteWord();
        break;
    }
  }
  if (cls_ == Cls::kDone) track_ = false;
}

// A statement that opens or ends the transaction itself: BEGIN [WORK | TRANSACTION |
// DEFERRED | ISOLATION LEVEL ...], START TRANSACTION, COMMIT/ROLLBACK [WORK |
// TRANSACTION] [AND [NO] CHAIN] [[NO] RELEASE], END [TRANSACTION] (PostgreSQL,
// SQLite), ABORT (PostgreSQL). Not ROLLBACK ... TO [SAVEPOINT], not COMMIT/ROLLBACK
// PREPARED, not BEGIN ATOMIC or MariaDB's BEGIN NOT ATOMIC. Returns false when the
// word is not part of such a statement's first words.
bool Splitter::OnTransactionWord() {
  Dialect d = rules_.dialect;
  switch (cls_) {
    case Cls::kStart:
      if (WordIs("BEGIN")) {
        transaction_control_ = "BEGIN";
        block_at_ = word_at_;
        cls_ = Cls::kTxBegin;
      } else if (WordIs("START") && d != Dialect::kSqlite) {
        cls_ = Cls::kTxStart;
      } else if (WordIs("COMMIT")) {
        transaction_control_ = "COMMIT";
        cls_ = Cls::kTxEnd;
      } else if (WordIs("ROLLBACK")) {
        transaction_control_ = "ROLLBACK";
        cls_ = Cls::kTxEnd;
      } else if (WordIs("END") && d != Dialect::kMysql) {
        transaction_control_ = "END";
        cls_ = Cls::kTxEnd;
      } else if (WordIs("ABORT") && d == Dialect::kPostgres) {
        transaction_control_ = "ABORT";
        cls_ = Cls::kTxEnd;
      } else {
        return false;
      }
      return true;
    case Cls::kTxBegin:
      cls_ = Cls::kDone;
      if (WordIs("ATOMIC")) {
        transaction_control_ = nullptr;
      } else if (d == Dialect::kMysql && WordIs("NOT")) {
        transaction_control_ = nullptr;
        if (!tx_only_) cls_ = Cls::kMyBeginNot;
      }
      return true;
    case Cls::kTxStart:
      if (WordIs("TRANSACTION")) transaction_control_ = "START TRANSACTION";
      cls_ = Cls::kDone;
      return true;
    case Cls::kTxEnd:
      if (WordIs("WORK") || WordIs("TRANSACTION")) return true;
      cls_ = Cls::kDone;
      if (WordIs("PREPARED")) {
        // Two-phase commit of another, prepared transaction: it cannot run inside one.
        if (d == Dialect::kPostgres) {
          non_transactional_ = std::strcmp(transaction_control_, "COMMIT") == 0
                                   ? "COMMIT PREPARED"
                                   : "ROLLBACK PREPARED";
        }
        transaction_control_ = nullptr;
      } else if (!(WordIs("AND") || WordIs("NO") || WordIs("RELEASE"))) {
        transaction_control_ = nullptr;  // ROLLBACK TO [SAVEPOINT] x, END IF, ...
      }
      return true;
    default:
      return false;
  }
}

void Splitter::OnToken(unsigned char c) {
  if (!track_) return;
  switch (cls_) {
    case Cls::kPgCopyFrom:
      cls_ = Cls::kPgCopy;
      break;
    case Cls::kPgAlterTypeAdd:
      cls_ = Cls::kPgAlterType;
      break;
    case Cls::kPgCopy:
    case Cls::kPgAlterType:
    case Cls::kPgReindex:
    case Cls::kPgReindexRest:
    case Cls::kPgRoutine:
    case Cls::kMyCreate:  // DEFINER = `root`@`localhost`
      break;
    case Cls::kMyCompound:
      prev_ = (c == ';' || c == ':') ? Prev::kStatementStart : Prev::kOther;
      break;
    case Cls::kSqTrigger:
      trigger_ = c == ';' ? TriggerState::kSemicolon : TriggerState::kBody;
      break;
    default:
      cls_ = Cls::kDone;
      break;
  }
  if (cls_ == Cls::kDone) track_ = false;
}

void Splitter::OnPostgresWord() {
  if (paren_depth_ > 0) return;
  auto flag = [this](const char* what) {
    non_transactional_ = what;
    cls_ = Cls::kDone;
  };
  switch (cls_) {
    case Cls::kStart:
      if (WordIs("COPY")) {
        cls_ = Cls::kPgCopy;
      } else if (WordIs("CREATE")) {
        cls_ = Cls::kPgCreate;
      } else if (WordIs("DROP")) {
        cls_ = Cls::kPgDrop;
      } else if (WordIs("REINDEX")) {
        cls_ = Cls::kPgReindex;
      } else if (WordIs("ALTER")) {
        cls_ = Cls::kPgAlter;
      } else if (WordIs("VACUUM")) {
        flag("VACUUM");
      } else {
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kPgCreate:
      if (WordIs("OR")) {
        cls_ = Cls::kPgCreateOr;
      } else if (WordIs("FUNCTION") || WordIs("PROCEDURE")) {
        cls_ = Cls::kPgRoutine;
      } else if (WordIs("UNIQUE")) {
        cls_ = Cls::kPgCreateUnique;
      } else if (WordIs("INDEX")) {
        cls_ = Cls::kPgCreateIndex;
      } else if (WordIs("DATABASE")) {
        flag("CREATE DATABASE");
      } else if (WordIs("TABLESPACE")) {
        flag("CREATE TABLESPACE");
      } else {
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kPgCreateOr:
      cls_ = WordIs("REPLACE") ? Cls::kPgCreateOrReplace : Cls::kDone;
      break;
    case Cls::kPgCreateOrReplace:
      cls_ = WordIs("FUNCTION") || WordIs("PROCEDURE") ? Cls::kPgRoutine : Cls::kDone;
      break;
    case Cls::kPgCreateUnique:
      cls_ = WordIs("INDEX") ? Cls::kPgCreateIndex : Cls::kDone;
      break;
    case Cls::kPgCreateIndex:
      if (WordIs("CONCURRENTLY")) non_transactional_ = "CREATE INDEX CONCURRENTLY";
      cls_ = Cls::kDone;
      break;
    case Cls::kPgDrop:
      if (WordIs("INDEX")) {
        cls_ = Cls::kPgDropIndex;
      } else if (WordIs("DATABASE")) {
        flag("DROP DATABASE");
      } else if (WordIs("TABLESPACE")) {
        flag("DROP TABLESPACE");
      } else {
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kPgDropIndex:
      if (WordIs("CONCURRENTLY")) non_transactional_ = "DROP INDEX CONCURRENTLY";
      cls_ = Cls::kDone;
      break;
    case Cls::kPgReindex:
      // REINDEX [ ( options ) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM } [ CONCURRENTLY ]
      if (WordIs("SCHEMA")) non_transactional_ = "REINDEX SCHEMA";
      if (WordIs("DATABASE")) non_transactional_ = "REINDEX DATABASE";
      if (WordIs("SYSTEM")) non_transactional_ = "REINDEX SYSTEM";
      cls_ = Cls::kPgReindexRest;
      break;
    case Cls::kPgReindexRest:
      if (WordIs("CONCURRENTLY")) non_transactional_ = "REINDEX CONCURRENTLY";
      cls_ = Cls::kDone;
      break;
    case Cls::kPgAlter:
      if (WordIs("SYSTEM")) {
        flag("ALTER SYSTEM");
      } else if (WordIs("TYPE") && options_.server_version > 0 && options_.server_version < 12) {
        cls_ = Cls::kPgAlterType;
      } else {
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kPgAlterType:
      if (WordIs("ADD")) cls_ = Cls::kPgAlterTypeAdd;
      break;
    case Cls::kPgAlterTypeAdd:
      if (WordIs("VALUE")) {
        flag("ALTER TYPE ... ADD VALUE");
      } else {
        cls_ = Cls::kPgAlterType;
      }
      break;
    case Cls::kPgCopy:
      if (WordIs("FROM")) cls_ = Cls::kPgCopyFrom;
      break;
    case Cls::kPgCopyFrom:
      if (WordIs("STDIN")) copy_stdin_ = true;
      cls_ = Cls::kDone;
      break;
    case Cls::kPgRoutine:
      // psql's own rule (psqlscan.l): in CREATE FUNCTION/PROCEDURE, BEGIN opens a
      // block, CASE opens one inside a block, END closes one.
      if (WordIs("BEGIN")) {
        if (begin_depth_++ == 0) block_at_ = word_at_;
      } else if (WordIs("CASE")) {
        if (begin_depth_ >= 1) ++begin_depth_;
      } else if (WordIs("END")) {
        if (begin_depth_ > 0) --begin_depth_;
      }
      break;
    default:
      cls_ = Cls::kDone;
      break;
  }
}

void Splitter::OpenMysqlBlock(Block kind) {
  if (blocks_.empty()) {
    block_at_ = word_at_;
    block_what_.assign(word_, word_len_);
  }
  blocks_.push_back(kind);
}

bool Splitter::MysqlStatementStart() const { return prev_ == Prev::kStatementStart; }

void Splitter::OnMysqlWord() {
  switch (cls_) {
    case Cls::kStart:
      if (WordIs("CREATE")) {
        cls_ = Cls::kMyCreate;
      } else if (WordIs("IF") || WordIs("CASE") || WordIs("LOOP") || WordIs("WHILE") ||
                 WordIs("REPEAT") || WordIs("FOR")) {
        // MariaDB runs compound statements outside stored programs too.
        cls_ = Cls::kMyCompound;
        OpenMysqlBlock(WordIs("CASE") ? Block::kCaseStatement
                       : WordIs("IF") ? Block::kIf
                                      : Block::kLoop);
        prev_ = WordIs("LOOP") || WordIs("REPEAT") ? Prev::kStatementStart : Prev::kOther;
      } else {
        cls_ = Cls::kDone;
      }
      return;
    case Cls::kMyBeginNot:
      if (WordIs("ATOMIC")) {
        cls_ = Cls::kMyCompound;
        blocks_.push_back(Block::kBegin);
        block_what_ = "BEGIN";
        prev_ = Prev::kStatementStart;
      } else {
        cls_ = Cls::kDone;
      }
      return;
    case Cls::kMyCreate:
      // CREATE [OR REPLACE] [DEFINER = user] [SQL SECURITY ...] [AGGREGATE] kind
      if (WordIs("PROCEDURE") || WordIs("FUNCTION") || WordIs("TRIGGER") || WordIs("EVENT") ||
          WordIs("PACKAGE")) {
        cls_ = Cls::kMyCompound;
        prev_ = Prev::kOther;
      } else if (WordIs("DEFINER")) {
        in_definer_ = true;
      } else if (!(WordIs("OR") || WordIs("REPLACE") || WordIs("SQL") || WordIs("SECURITY") ||
                   WordIs("INVOKER") || WordIs("AGGREGATE") || WordIs("CURRENT_USER") ||
                   (in_definer_ && words_ < 12))) {
        cls_ = Cls::kDone;
      }
      return;
    case Cls::kMyCompound:
      break;
    default:
      cls_ = Cls::kDone;
      return;
  }

  // Inside a stored program. IF, LOOP, WHILE, REPEAT and FOR open a block only where
  // a statement starts (so IF() and REPEAT() the functions do not); CASE always
  // does, as both CASE statement and CASE expression end with END; END closes one
  // and swallows the IF/CASE/LOOP/... of END IF, END CASE, END LOOP...
  bool statement_start = MysqlStatementStart();
  if (prev_ == Prev::kEnd) {
    prev_ = Prev::kOther;
    if (WordIs("IF") || WordIs("CASE") || WordIs("LOOP") || WordIs("WHILE") || WordIs("REPEAT") ||
        WordIs("FOR")) {
      return;
    }
  }
  if (WordIs("BEGIN")) {
    OpenMysqlBlock(Block::kBegin);
    prev_ = Prev::kStatementStart;
  } else if (WordIs("CASE")) {
    OpenMysqlBlock(statement_start ? Block::kCaseStatement : Block::kCaseExpression);
    prev_ = Prev::kOther;
  } else if (statement_start && WordIs("IF")) {
    OpenMysqlBlock(Block::kIf);
    prev_ = Prev::kOther;
  } else if (statement_start && (WordIs("LOOP") || WordIs("REPEAT"))) {
    OpenMysqlBlock(Block::kLoop);
    prev_ = Prev::kStatementStart;
  } else if (statement_start && (WordIs("WHILE") || WordIs("FOR"))) {
    OpenMysqlBlock(Block::kLoop);
    prev_ = Prev::kOther;
  } else if (WordIs("END")) {
    if (!blocks_.empty()) blocks_.pop_back();
    prev_ = Prev::kEnd;
  } else if (WordIs("THEN") || WordIs("ELSE") || WordIs("DO")) {
    bool in_expression = !blocks_.empty() && blocks_.back() == Block::kCaseExpression;
    prev_ = in_expression ? Prev::kOther : Prev::kStatementStart;
  } else if (WordIs("ROW")) {
    prev_ = Prev::kStatementStart;  // FOR EACH ROW IF ...
  } else {
    prev_ = Prev::kOther;
  }
}

void Splitter::OnSqliteWord() {
  switch (cls_) {
    case Cls::kStart:
      if (WordIs("EXPLAIN")) return;
      if (WordIs("CREATE")) {
        cls_ = Cls::kSqCreate;
      } else if (WordIs("VACUUM")) {
        non_transactional_ = "VACUUM";
        cls_ = Cls::kDone;
      } else {
        cls_ = Cls::kDone;
      }
      return;
    case Cls::kSqCreate:
      if (WordIs("TEMP") || WordIs("TEMPORARY")) {
        cls_ = Cls::kSqCreateTemp;
      } else {
        cls_ = WordIs("TRIGGER") ? Cls::kSqTrigger : Cls::kDone;
      }
      return;
    case Cls::kSqCreateTemp:
      cls_ = WordIs("TRIGGER") ? Cls::kSqTrigger : Cls::kDone;
      return;
    case Cls::kSqTrigger:
      // sqlite3_complete(): only an END right after a ';' can end the trigger, so the
      // END of a CASE expression does not.
      trigger_ = trigger_ == TriggerState::kSemicolon && WordIs("END") ? TriggerState::kEnd
                                                                       : TriggerState::kBody;
      return;
    default:
      cls_ = Cls::kDone;
      return;
  }
}

bool Splitter::CheckOpenBlocks() {
  if (in_executable_comment_) {
    Unterminated("comment /*!", executable_at_, "close it with */");
    return true;
  }
  switch (rules_.blocks) {
    case BlockStyle::kPostgres:
      if (begin_depth_ > 0) {
        Unterminated("BEGIN ... END block", block_at_, "end the body with END;");
        return true;
      }
      if (paren_depth_ > 0) {
        Unterminated("parenthesis (", paren_at_, "close it with )");
        return true;
      }
      return false;
    case BlockStyle::kMysql:
      if (BlockOpen()) {
        Unterminated(block_what_ + " ... END block", block_at_,
                     "end the block with END (END IF, END LOOP...), or set a DELIMITER");
        return true;
      }
      return false;
    case BlockStyle::kSqlite:
      if (BlockOpen()) {
        Unterminated("CREATE TRIGGER body", start_at_, "end the trigger with END;");
        return true;
      }
      return false;
  }
  return false;
}

}  // namespace flyrun::parse
