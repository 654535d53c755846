#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "driver/common/history_sql.h"
#include "history/applied_migration.h"

namespace flyrun {

/// The error for a table of the history table's name that does not have
/// flyrun's columns (SPEC 7): another tool's table, or one missing a column.
/// `table_sql` is the table as it appears in SQL; `columns` are the ones it has,
/// in order. Exit code 2: the configuration points at the wrong table.
inline Error NotAHistoryTable(const std::string& table_sql,
                              const std::vector<std::string>& columns) {
  std::vector<std::string> expected;
  std::string list = kHistoryColumns;
  for (size_t start = 0; start < list.size();) {
    size_t comma = list.find(", ", start);
    expected.push_back(list.substr(start, comma - start));
    start = comma == std::string::npos ? list.size() : comma + 2;
  }
  auto has = [&columns](const std::string& name) {
    for (const auto& c : columns)
      if (c == name) return true;
    return false;
  };
  std::string missing, present;
  size_t missing_count = 0;
  for (const auto& e : expected) {
    if (has(e)) continue;
    missing += (missing.empty() ? "" : ", ") + e;
    ++missing_count;
  }
  for (const auto& c : columns) present += (present.empty() ? "" : ", ") + c;

  std::string message, hint;
  if (has("installed_rank") && has("script") && missing_count <= 3) {
    message = "the history table " + table_sql + " has no column" +
              (missing_count == 1 ? " " : "s ") + missing;
    hint = "add the missing column" + std::string(missing_count == 1 ? "" : "s") +
           " as the README's history table describes, or point `table` (and `schema`) at "
           "another table";
  } else {
    std::string tool;
    if (columns.size() == 2 && has("version") && has("dirty")) {
      tool = ", the shape of golang-migrate's schema_migrations";
    } else if (columns.size() <= 2 && has("version")) {
      tool = ", the shape of a schema_migrations table of dbmate, Rails or similar";
    }
    message = "the history table " + table_sql +
              " is not a flyrun history table: it has the columns (" + present + ")" + tool;
    hint =
        "point `table` (and `schema`) at flyrun's own history table, or at a new name so that "
        "flyrun creates one (flyrun never changes a table it did not create); to adopt a "
        "database another tool migrated, run `flyrun baseline` against the new table";
  }
  Error e(ExitCode::kUsage, message, hint);
  e.detail = "flyrun expects the columns " + std::string(kHistoryColumns);
  return e;
}

/// Refuses history rows whose checksums are not of the run's format: SHA-256
/// (64 hex digits) in flyrun's, a signed 32-bit integer in Flyway's. Such rows
/// would make every migration look edited. (Flyway's own table is recognised
/// by its integer checksum column and read in Flyway's format; this catches a
/// Flyway configuration pointed at flyrun's table, and the reverse.)
inline void RefuseHistoryOfTheOtherFormat(const std::string& table_sql,
                                          const std::vector<AppliedMigration>& rows,
                                          HistoryFormat format) {
  for (const auto& row : rows) {
    if (!row.checksum) continue;
    const std::string& c = *row.checksum;
    bool sha256 = c.size() == 64 && c.find_first_not_of("0123456789abcdef") == std::string::npos;
    bool integer =
        !c.empty() && c.size() <= 11 && c.find_first_not_of("-0123456789") == std::string::npos;
    if (format == HistoryFormat::kFlyrun ? sha256 : integer) continue;
    std::string what = row.version ? "version " + *row.version : "'" + row.description + "'";
    if (format == HistoryFormat::kFlyrun) {
      throw Error(ExitCode::kUsage,
                  "the history table " + table_sql + " was written by " +
                      (integer ? "Flyway" : "another tool") + ": the row of " + what +
                      " has the checksum " + c + ", where flyrun's format records a SHA-256",
                  "flyrun keeps Flyway's format in a table created by Flyway (checksum column "
                  "INT); this one has flyrun's columns: point `table` at Flyway's table, or at "
                  "another name");
    }
    throw Error(ExitCode::kUsage,
                "the history table " + table_sql + " is kept in flyrun's format (the row of " +
                    what + " has the SHA-256 checksum " + c +
                    "), but the configuration is Flyway's, whose checksums are CRC-32 integers",
                "point `table` at Flyway's history table (flyway_schema_history by default), or "
                "run flyrun with its own configuration (flyrun.yaml) for this table");
  }
}

/// The error for Flyway's format finding only the table Flyway used before
/// version 5 (`schema_version`): creating a second history table beside it
/// would apply every migration again.
inline Error LegacyFlywayTableError(const std::string& legacy_sql, const std::string& table) {
  return Error(ExitCode::kUsage,
               "found Flyway's old history table " + legacy_sql + " but no " + table +
                   ": refusing to create a second history table",
               "rename it (ALTER TABLE ... RENAME TO " + table +
                   ", as Flyway 5 and later expect), or set table=" +
                   std::string(kFlywayLegacyTable) + " to keep using it");
}

/// The error for a refused CREATE of the history table (or its schema):
/// names the table and, when the database refused it for want of a privilege
/// or because the session is read-only (`refused`), says what to do (exit 2).
inline Error HistoryCreateError(const Error& cause, const std::string& table_sql, bool refused,
                                const std::string& grant) {
  Error e(refused ? ExitCode::kUsage : cause.code(),
          "could not create the history table " + table_sql + ": " + cause.what(),
          refused ? "flyrun creates its history table on first use: " + grant +
                        ", or point `schema`/`table` at a place where this user may create "
                        "tables, or have the table created beforehand (its columns are in the "
                        "README)"
                  : cause.hint());
  e.sqlstate = cause.sqlstate;
  e.vendor_code = cause.vendor_code;
  e.detail = cause.detail;
  return e;
}

}  // namespace flyrun
