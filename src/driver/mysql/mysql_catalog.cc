#include "driver/mysql/mysql_catalog.h"

#include <algorithm>
#include <vector>

#include "driver/mysql/mysql_sql.h"

namespace flyrun {
namespace {

std::vector<std::string> Names(MysqlSession& session, const std::string& sql) {
  std::vector<std::string> names;
  for (auto& row : session.Query(sql)) names.push_back(row.at(0).value_or(""));
  return names;
}

std::string Qualified(const std::string& database, const std::string& name) {
  return QuoteIdent(database) + "." + QuoteIdent(name);
}

/// Drops `names` with `drop` ("DROP TABLE IF EXISTS"), many per statement: one
/// round trip per object would make cleaning a large schema slow.
void DropAll(MysqlSession& session, const std::string& drop, const std::string& database,
             const std::vector<std::string>& names) {
  constexpr size_t kBatch = 200;
  for (size_t i = 0; i < names.size(); i += kBatch) {
    std::string sql = drop + " ";
    for (size_t j = i; j < std::min(names.size(), i + kBatch); ++j) {
      if (j > i) sql += ", ";
      sql += Qualified(database, names[j]);
    }
    session.Run(sql);
  }
}

}  // namespace

bool MysqlSchemaIsEmpty(MysqlSession& session, const std::string& database,
                        const std::string& history_table, const std::string& lock_table) {
  if (database.empty()) return true;
  std::string db = SqlLiteral(database);
  // Triggers belong to tables, so counting tables covers them.
  auto n = session.Scalar(
      "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + db +
      " AND TABLE_NAME NOT IN (" + SqlLiteral(history_table) + ", " + SqlLiteral(lock_table) + ")" +
      ") + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = " + db +
      ") + (SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " + db + ")");
  return !n || *n == "0";
}

void MysqlCleanSchema(MysqlSession& session, const std::string& database,
                      const std::string& keep_table) {
  if (database.empty()) return;
  std::string db = SqlLiteral(database);
  session.Run("SET @flyrun_foreign_key_checks = @@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS = 0");
  struct Restore {
    MysqlSession& session;
    ~Restore() {
      try {
        session.Run("SET FOREIGN_KEY_CHECKS = @flyrun_foreign_key_checks");
      } catch (...) {
        // The setting is per session and the session ends soon after clean.
      }
    }
  } restore{session};

  for (const auto& name :
       Names(session,
             "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " + db)) {
    session.Run("DROP EVENT IF EXISTS " + Qualified(database, name));
  }
  for (const auto& name :
       Names(session,
             "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " + db)) {
    session.Run("DROP TRIGGER IF EXISTS " + Qualified(database, name));
  }
  for (const auto& row :
       session.Query("SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE "
                     "ROUTINE_SCHEMA = " +
                     db + " AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION')")) {
    session.Run("DROP " + row.at(0).value_or("PROCEDURE") + " IF EXISTS " +
                Qualified(database, row.at(1).value_or("")));
  }
  auto of_type = [&](const char* types) {
    return Names(session, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                              db + " AND TABLE_TYPE IN (" + types + ") AND TABLE_NAME <> " +
                              SqlLiteral(keep_table));
  };
  // Views first (they may name tables), then tables, then sequences.
  DropAll(session, "DROP VIEW IF EXISTS", database, of_type("'VIEW'"));
  DropAll(session, "DROP TABLE IF EXISTS", database, of_type("'BASE TABLE', 'SYSTEM VERSIONED'"));
  DropAll(session, "DROP SEQUENCE IF EXISTS", database, of_type("'SEQUENCE'"));
}

}  // namespace flyrun
