#include "parse/classify_postgres.h"

#include <string>

#include "parse/set_tokens.h"

namespace flyrun::parse {
namespace {

/// PostgreSQL's boolean spellings (parse_bool): on, off, true, false, yes, no,
/// 1, 0 and unique prefixes of them, any case. False when `text` is none.
bool ParseBool(std::string text, bool& value) {
  for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  auto prefix_of = [&text](const char* word, size_t min) {
    return text.size() >= min && std::string(word).compare(0, text.size(), text) == 0;
  };
  if (prefix_of("true", 1) || prefix_of("yes", 1) || text == "on" || text == "1") {
    value = true;
    return true;
  }
  if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || text == "0") {
    value = false;
    return true;
  }
  return false;
}

}  // namespace

PostgresClassifier::PostgresClassifier(Cursor& cursor, const SessionLexing& session)
    : Classifier(Dialect::kPostgres, cursor),
      server_version_(session.server_version),
      scs_reset_(session.reset.standard_conforming_strings),
      scs_(session.now.standard_conforming_strings) {
  modes_ = session.now;
  Apply(scs_);
}

void PostgresClassifier::Apply(bool standard_conforming_strings) {
  scs_ = standard_conforming_strings;
  modes_.standard_conforming_strings = scs_;
  quotes_.backslash_escapes = !scs_;
  quotes_.double_quote_strings = false;
}

void PostgresClassifier::Reset() {
  cls_ = Cls::kStart;
  session_statement_ = false;
  paren_depth_ = 0;
  begin_depth_ = 0;
}

void PostgresClassifier::Flag(const char* what) {
  verdict_.non_transactional = what;
  cls_ = Cls::kDone;
}

void PostgresClassifier::OnParen(bool open) {
  if (!open) {
    if (paren_depth_ > 0) --paren_depth_;
  } else if (paren_depth_++ == 0) {
    paren_at_ = cursor_.Here();
  }
}

void PostgresClassifier::OnToken(unsigned char) {
  if (TransactionToken()) return;
  switch (cls_) {
    case Cls::kCopyFrom:
      cls_ = Cls::kCopy;
      break;
    case Cls::kAlterTypeAdd:
      cls_ = Cls::kAlterType;
      break;
    case Cls::kCopy:
    case Cls::kAlterType:
    case Cls::kReindex:
    case Cls::kReindexRest:
    case Cls::kRoutine:
      break;
    default:
      cls_ = Cls::kDone;
      break;
  }
  if (cls_ == Cls::kDone) Stop();
}

void PostgresClassifier::OnWord(const Word& w) {
  if (TransactionWord(w)) return;
  if (paren_depth_ > 0) return;
  switch (cls_) {
    case Cls::kStart:
      if (w.Is("COPY")) {
        cls_ = Cls::kCopy;
      } else if (w.Is("CREATE")) {
        cls_ = Cls::kCreate;
      } else if (w.Is("DROP")) {
        cls_ = Cls::kDrop;
      } else if (w.Is("REINDEX")) {
        cls_ = Cls::kReindex;
      } else if (w.Is("ALTER")) {
        cls_ = Cls::kAlter;
      } else if (w.Is("VACUUM")) {
        Flag("VACUUM");
      } else {
        session_statement_ = w.Is("SET") || w.Is("RESET");
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kCreate:
      if (w.Is("OR")) {
        cls_ = Cls::kCreateOr;
      } else if (w.Is("FUNCTION") || w.Is("PROCEDURE")) {
        cls_ = Cls::kRoutine;
      } else if (w.Is("UNIQUE")) {
        cls_ = Cls::kCreateUnique;
      } else if (w.Is("INDEX")) {
        cls_ = Cls::kCreateIndex;
      } else if (w.Is("DATABASE")) {
        Flag("CREATE DATABASE");
      } else if (w.Is("TABLESPACE")) {
        Flag("CREATE TABLESPACE");
      } else {
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kCreateOr:
      cls_ = w.Is("REPLACE") ? Cls::kCreateOrReplace : Cls::kDone;
      break;
    case Cls::kCreateOrReplace:
      cls_ = w.Is("FUNCTION") || w.Is("PROCEDURE") ? Cls::kRoutine : Cls::kDone;
      break;
    case Cls::kCreateUnique:
      cls_ = w.Is("INDEX") ? Cls::kCreateIndex : Cls::kDone;
      break;
    case Cls::kCreateIndex:
      if (w.Is("CONCURRENTLY")) verdict_.non_transactional = "CREATE INDEX CONCURRENTLY";
      cls_ = Cls::kDone;
      break;
    case Cls::kDrop:
      if (w.Is("INDEX")) {
        cls_ = Cls::kDropIndex;
      } else if (w.Is("DATABASE")) {
        Flag("DROP DATABASE");
      } else if (w.Is("TABLESPACE")) {
        Flag("DROP TABLESPACE");
      } else {
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kDropIndex:
      if (w.Is("CONCURRENTLY")) verdict_.non_transactional = "DROP INDEX CONCURRENTLY";
      cls_ = Cls::kDone;
      break;
    case Cls::kReindex:
      // REINDEX [ ( options ) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM } [ CONCURRENTLY ]
      if (w.Is("SCHEMA")) verdict_.non_transactional = "REINDEX SCHEMA";
      if (w.Is("DATABASE")) verdict_.non_transactional = "REINDEX DATABASE";
      if (w.Is("SYSTEM")) verdict_.non_transactional = "REINDEX SYSTEM";
      cls_ = Cls::kReindexRest;
      break;
    case Cls::kReindexRest:
      if (w.Is("CONCURRENTLY")) verdict_.non_transactional = "REINDEX CONCURRENTLY";
      cls_ = Cls::kDone;
      break;
    case Cls::kAlter:
      if (w.Is("SYSTEM")) {
        Flag("ALTER SYSTEM");
      } else if (w.Is("TYPE") && server_version_ > 0 && server_version_ < 12) {
        cls_ = Cls::kAlterType;
      } else {
        cls_ = Cls::kDone;
      }
      break;
    case Cls::kAlterType:
      if (w.Is("ADD")) cls_ = Cls::kAlterTypeAdd;
      break;
    case Cls::kAlterTypeAdd:
      if (w.Is("VALUE")) {
        Flag("ALTER TYPE ... ADD VALUE");
      } else {
        cls_ = Cls::kAlterType;
      }
      break;
    case Cls::kCopy:
      if (w.Is("FROM")) cls_ = Cls::kCopyFrom;
      break;
    case Cls::kCopyFrom:
      if (w.Is("STDIN")) verdict_.copy_stdin = true;
      cls_ = Cls::kDone;
      break;
    case Cls::kRoutine:
      // psql's own rule (psqlscan.l): in CREATE FUNCTION/PROCEDURE, BEGIN opens a
      // block, CASE opens one inside a block, END closes one.
      if (w.Is("BEGIN")) {
        if (begin_depth_++ == 0) block_at_ = cursor_.Here();
      } else if (w.Is("CASE")) {
        if (begin_depth_ >= 1) ++begin_depth_;
      } else if (w.Is("END")) {
        if (begin_depth_ > 0) --begin_depth_;
      }
      break;
    case Cls::kDone:
      break;
  }
  if (cls_ == Cls::kDone) Stop();
}

bool PostgresClassifier::Open(Unclosed& out) const {
  if (begin_depth_ > 0) {
    out = {"BEGIN ... END block", block_at_, "end the body with END;"};
    return true;
  }
  if (paren_depth_ > 0) {
    out = {"parenthesis (", paren_at_, "close it with )"};
    return true;
  }
  return false;
}

// SET [SESSION | LOCAL] standard_conforming_strings { TO | = } value, RESET
// standard_conforming_strings, RESET ALL. SET LOCAL is followed like SET: inside
// the transaction flyrun runs a script in it lasts to the script's end, and the
// next script starts from the value the server reports. A value the server
// would refuse (a list, a misspelling) changes nothing: the statement fails.
void PostgresClassifier::End(std::string_view sql) {
  if (!session_statement_) return;
  std::vector<SetToken> t = TokenizeSet(sql, Dialect::kPostgres, quotes_.backslash_escapes, false);
  if (t.size() == 2 && t[0].IsWord("RESET") &&
      (t[1].IsWord("ALL") || t[1].IsWord("STANDARD_CONFORMING_STRINGS"))) {
    Apply(scs_reset_);
    return;
  }
  size_t k = 1;
  if (k < t.size() && (t[k].IsWord("SESSION") || t[k].IsWord("LOCAL"))) ++k;
  if (t.size() != k + 3 || !t[k].IsWord("STANDARD_CONFORMING_STRINGS")) return;
  if (!(t[k + 1].IsPunct('=') || t[k + 1].IsWord("TO"))) return;
  const SetToken& v = t[k + 2];
  bool value = scs_;
  if (v.IsWord("DEFAULT")) {
    Apply(scs_reset_);
  } else if (v.kind != SetToken::Kind::kPunct && ParseBool(v.text, value)) {
    Apply(value);
  }
}

}  // namespace flyrun::parse
