#pragma once

#include <string>
#include <vector>

#include "core/dialect.h"
#include "history/history_format.h"

namespace flyrun {

/// Column list of the history table (SPEC 7), in the order every driver's
/// SELECT and INSERT use. The same in both formats.
inline constexpr const char* kHistoryColumns =
    "installed_rank, version, description, type, script, checksum, installed_by, installed_on, "
    "execution_time, success";

/// Rows with a negative rank are not history: Flyway keeps its lock lease row
/// there (rank -100) on engines without advisory locks. Reads leave them out
/// and the next rank is counted without them.
inline constexpr const char* kHistoryRowsOnly = "installed_rank > -1";

/// How a driver names the history table and what goes with it, for the DDL.
struct HistoryTableNames {
  std::string qualified;  ///< the table, quoted and schema-qualified
  std::string pk;         ///< quoted `<table>_pk` (Flyway's primary key constraint)
  std::string index;      ///< quoted `<table>_s_idx`, qualified where the dialect wants it
};

/// The statements that create the history table in `format` on `dialect`.
/// flyrun's format: its own definition (CREATE TABLE IF NOT EXISTS, checksum
/// VARCHAR(64)). Flyway's format: Flyway's definition exactly (FLYWAY-FACTS
/// section 2): INT checksum, primary key constraint `<table>_pk` (added after
/// the CREATE on PostgreSQL, inline on MySQL, on the column on SQLite), index
/// `<table>_s_idx` on success, SQLite's installed_on as TEXT.
inline std::vector<std::string> HistoryTableStatements(HistoryFormat format, Dialect dialect,
                                                       const HistoryTableNames& n) {
  bool flyway = format == HistoryFormat::kFlyway;
  std::string installed_on = "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP";
  if (dialect == Dialect::kPostgres) installed_on = "TIMESTAMP NOT NULL DEFAULT now()";
  if (flyway && dialect == Dialect::kSqlite)
    installed_on = "TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now'))";
  std::string checksum = !flyway                         ? "VARCHAR(64)"
                         : dialect == Dialect::kPostgres ? "INTEGER"
                                                         : "INT";
  std::string success = flyway && dialect == Dialect::kMysql ? "BOOL" : "BOOLEAN";
  bool inline_pk = !flyway || dialect == Dialect::kSqlite;

  std::string create =
      std::string("CREATE TABLE ") + (flyway ? "" : "IF NOT EXISTS ") + n.qualified +
      " (installed_rank INT NOT NULL" + (inline_pk ? " PRIMARY KEY" : "") +
      ", version VARCHAR(50), description VARCHAR(200) NOT NULL,"
      " type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL, checksum " +
      checksum + ", installed_by VARCHAR(100) NOT NULL, installed_on " + installed_on +
      ", execution_time INT NOT NULL, success " + success + " NOT NULL";
  if (flyway && dialect == Dialect::kMysql)
    create += ", CONSTRAINT " + n.pk + " PRIMARY KEY (installed_rank)";
  create += ")";
  // InnoDB whatever the server's default engine: the history row must share
  // the migration's transaction.
  if (dialect == Dialect::kMysql) create += " ENGINE=InnoDB";

  std::vector<std::string> out{create};
  if (!flyway) {
    if (dialect == Dialect::kPostgres)
      out.push_back("CREATE INDEX IF NOT EXISTS " + n.index + " ON " + n.qualified + " (success)");
    return out;
  }
  if (dialect == Dialect::kPostgres)
    out.push_back("ALTER TABLE " + n.qualified + " ADD CONSTRAINT " + n.pk +
                  " PRIMARY KEY (installed_rank)");
  out.push_back(
      "CREATE INDEX " + n.index + " ON " +
      (dialect == Dialect::kSqlite ? n.qualified.substr(n.qualified.find('.') + 1) : n.qualified) +
      " (success)");
  return out;
}

}  // namespace flyrun
