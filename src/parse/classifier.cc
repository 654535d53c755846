#include "parse/classifier.h"

#include <cstring>

#include "parse/classify_mysql.h"
#include "parse/classify_postgres.h"
#include "parse/classify_sqlite.h"

namespace flyrun::parse {

void Classifier::Start(bool tx_only, Position at) {
  verdict_ = {};
  statement_at_ = at;
  track_ = true;
  tx_only_ = tx_only;
  tx_ = Tx::kFirst;
  Reset();
}

// BEGIN [WORK | TRANSACTION | DEFERRED | ISOLATION LEVEL ...], START TRANSACTION,
// COMMIT/ROLLBACK [WORK | TRANSACTION] [AND [NO] CHAIN] [[NO] RELEASE], END
// [TRANSACTION] (PostgreSQL, SQLite), ABORT (PostgreSQL). Not ROLLBACK ... TO
// [SAVEPOINT], not COMMIT/ROLLBACK PREPARED, not BEGIN ATOMIC or MariaDB's BEGIN
// NOT ATOMIC.
bool Classifier::TransactionWord(const Word& w) {
  Dialect d = dialect_;
  switch (tx_) {
    case Tx::kFirst:
      tx_ = Tx::kEnd;
      if (w.Is("BEGIN")) {
        verdict_.transaction_control = "BEGIN";
        begin_at_ = cursor_.Here();
        tx_ = Tx::kBegin;
      } else if (w.Is("START") && d != Dialect::kSqlite) {
        tx_ = Tx::kStart;
      } else if (w.Is("COMMIT")) {
        verdict_.transaction_control = "COMMIT";
      } else if (w.Is("ROLLBACK")) {
        verdict_.transaction_control = "ROLLBACK";
      } else if (w.Is("END") && d != Dialect::kMysql) {
        verdict_.transaction_control = "END";
      } else if (w.Is("ABORT") && d == Dialect::kPostgres) {
        verdict_.transaction_control = "ABORT";
      } else {
        tx_ = Tx::kOther;
        return false;
      }
      return true;
    case Tx::kBegin:
      tx_ = Tx::kOther;
      if (w.Is("ATOMIC")) {
        verdict_.transaction_control = nullptr;
      } else if (d == Dialect::kMysql && w.Is("NOT")) {
        verdict_.transaction_control = nullptr;
        tx_ = Tx::kAfterBegin;
        return false;
      }
      Stop();
      return true;
    case Tx::kStart:
      if (w.Is("TRANSACTION")) verdict_.transaction_control = "START TRANSACTION";
      tx_ = Tx::kOther;
      Stop();
      return true;
    case Tx::kEnd:
      if (w.Is("WORK") || w.Is("TRANSACTION")) return true;
      tx_ = Tx::kOther;
      Stop();
      if (w.Is("PREPARED")) {
        // Two-phase commit of another, prepared transaction: it cannot run inside one.
        if (d == Dialect::kPostgres && verdict_.transaction_control != nullptr) {
          verdict_.non_transactional = std::strcmp(verdict_.transaction_control, "COMMIT") == 0
                                           ? "COMMIT PREPARED"
                                           : "ROLLBACK PREPARED";
        }
        verdict_.transaction_control = nullptr;
      } else if (!(w.Is("AND") || w.Is("NO") || w.Is("RELEASE"))) {
        verdict_.transaction_control = nullptr;  // ROLLBACK TO [SAVEPOINT] x, END IF, ...
      }
      return true;
    case Tx::kAfterBegin:
      tx_ = Tx::kOther;
      return false;
    case Tx::kOther:
      return false;
  }
  return false;
}

bool Classifier::TransactionToken() {
  if (tx_ != Tx::kBegin && tx_ != Tx::kStart && tx_ != Tx::kEnd) return false;
  tx_ = Tx::kOther;
  Stop();
  return true;
}

std::unique_ptr<Classifier> MakeClassifier(const SplitOptions& options, Cursor& cursor) {
  switch (options.dialect) {
    case Dialect::kPostgres:
      return std::make_unique<PostgresClassifier>(cursor, options.session);
    case Dialect::kMysql:
      return std::make_unique<MysqlClassifier>(cursor, options.session);
    case Dialect::kSqlite:
      break;
  }
  return std::make_unique<SqliteClassifier>(cursor, options.session);
}

}  // namespace flyrun::parse
