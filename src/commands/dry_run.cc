#include "commands/dry_run.h"

#include "core/error.h"

namespace flyrun {
namespace {

std::string Literal(const std::optional<std::string>& value) {
  if (!value) return "NULL";
  std::string out = "'";
  for (char c : *value) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace

void DryRunDriver::Begin() {
  if (in_tx_) throw UsageError("internal error: a transaction was begun inside another");
  out_ << "BEGIN;\n";
  in_tx_ = true;
}

void DryRunDriver::Commit() {
  out_ << "COMMIT;\n";
  in_tx_ = false;
}

void DryRunDriver::Rollback() noexcept { in_tx_ = false; }

void DryRunDriver::Execute(const Statement& statement) {
  bool needs_delimiter =
      dialect() == Dialect::kMysql && statement.sql.find(';') != std::string::npos;
  if (needs_delimiter) {
    out_ << "DELIMITER $$\n" << statement.sql << "$$\nDELIMITER ;\n";
  } else {
    out_ << statement.sql << ";\n";
  }
  if (statement.copy_data) {
    std::string chunk;
    char last = '\n';
    while (statement.copy_data->Next(chunk)) {
      out_ << chunk;
      if (!chunk.empty()) last = chunk.back();
    }
    if (last != '\n') out_ << '\n';  // the end marker needs a line of its own
    out_ << "\\.\n";
  }
}

void DryRunDriver::EnsureHistoryTable() {
  if (!real_.HistoryTableExists())
    out_ << "-- create the history table " << history_table_sql() << "\n";
}

/// A checksum as the column takes it: Flyway's integer unquoted.
static std::string ChecksumLiteral(HistoryFormat format,
                                   const std::optional<std::string>& checksum) {
  return format == HistoryFormat::kFlyway && checksum ? *checksum : Literal(checksum);
}

void DryRunDriver::InsertHistory(const AppliedMigration& given) {
  AppliedMigration row = FitHistoryRow(given);
  if (next_rank_ == 0) {
    int max = 0;
    for (const auto& h : real_.ReadHistory()) max = std::max(max, h.installed_rank);
    next_rank_ = max + 1;
  }
  out_ << "INSERT INTO " << history_table_sql()
       << " (installed_rank, version, description, type, script, checksum, installed_by, "
          "installed_on, execution_time, success) VALUES ("
       << next_rank_++ << ", " << Literal(row.version) << ", " << Literal(row.description) << ", "
       << Literal(row.type) << ", " << Literal(row.script) << ", "
       << ChecksumLiteral(history_format(), row.checksum) << ", "
       << Literal(row.installed_by.empty() ? real_.HistoryUser() : row.installed_by)
       << ", CURRENT_TIMESTAMP, " << row.execution_time << ", " << (row.success ? "TRUE" : "FALSE")
       << ");\n";
}

void DryRunDriver::DeleteHistory(int installed_rank) {
  out_ << "DELETE FROM " << history_table_sql() << " WHERE installed_rank = " << installed_rank
       << ";\n";
}

void DryRunDriver::UpdateHistory(int installed_rank, const std::optional<std::string>& checksum,
                                 const std::string& description, bool success) {
  out_ << "UPDATE " << history_table_sql()
       << " SET checksum = " << ChecksumLiteral(history_format(), checksum)
       << ", description = " << Literal(description)
       << ", success = " << (success ? "TRUE" : "FALSE")
       << " WHERE installed_rank = " << installed_rank << ";\n";
}

void DryRunDriver::Clean() { out_ << "-- drop every object in the schema\n"; }

}  // namespace flyrun
