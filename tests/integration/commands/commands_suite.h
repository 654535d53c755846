#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace flyrun::test {

/// The example migrations (V1 users, V2 orders with a view and a routine, V3 a
/// status column, each with its U file) in one server's dialect, and what the
/// scenarios look for in its output.
struct CommandsExample {
  std::string v1, u1, v2, u2, v3, u3;
  /// Found in Dump(false) once all three are applied.
  std::vector<std::string> migrated_markers;
  /// Found in `migrate --dry-run` output for V2 (its routine body).
  std::string dry_run_marker;
  /// Found in the SQL of `undo --dry-run --target 1` (from U3 or U2).
  std::string undo_dry_run_marker;
  /// A schema that predates flyrun: what V1 (and V2) would have created.
  std::string legacy_users, legacy_orders;
  /// V2, failing after its first statement committed (a table b), with a
  /// third statement creating table c; how flyrun reports that failure.
  std::string failing_v2;
  std::vector<std::string> failure_report;
  /// V2 fixed so that it can run again over what was committed.
  std::string fixed_v2;
  /// V2 as it reads once finished by hand (b and c created).
  std::string finished_v2;
  /// init_sql that makes the session read-only, so that creating the history
  /// table is refused.
  std::string read_only_init_sql;
  /// Flyway's own statements creating flyway_schema_history on this server
  /// (FLYWAY-FACTS section 2), to set up a history as Flyway leaves it.
  std::vector<std::string> flyway_table;
  /// The names of flyway_schema_history's indexes, sorted, comma-separated.
  std::string flyway_indexes_sql;
};

/// One scratch database on one server, created for a test and dropped after it.
class CommandsDatabase {
 public:
  virtual ~CommandsDatabase() = default;
  /// The URL flyrun is given.
  virtual std::string url() const = 0;
  /// The first column of the first row as text; "" without rows.
  virtual std::string Query(const std::string& sql) const = 0;
  /// Runs `sql` as the user flyrun connects as.
  virtual void Exec(const std::string& sql) const = 0;
  /// Schema (and with `with_data` every row) of the database, history table
  /// included, without what changes from one run to the next.
  virtual std::string Dump(bool with_data) const = 0;
  /// The SQL expression naming the schema/database flyrun works in.
  virtual std::string CurrentSchemaSql() const = 0;
  /// True when `clean` left nothing behind.
  virtual bool Empty() const = 0;
};

struct CommandsServer {
  std::string name;               ///< test name suffix: "Postgres", "Mariadb"
  const char* url_variable = "";  ///< skipped (or failed, see FLYRUN_SERVER_URL) when unset
  std::function<std::unique_ptr<CommandsDatabase>()> create;
  CommandsExample example;
};

std::string CommandsServerName(const ::testing::TestParamInfo<CommandsServer>& info);

/// undo, dry-run, baseline, repair (and --mark-applied) and clean end to end,
/// the same scenarios on every server. Instantiate once per server:
///   FLYRUN_INSTANTIATE_COMMANDS(Postgres, PostgresCommandsServer());
class Commands : public ::testing::TestWithParam<CommandsServer> {
 protected:
  void SetUp() override;

  RunResult Run(std::vector<std::string> args, const std::map<std::string, std::string>& env = {});
  std::string Q(const std::string& sql) const { return db_->Query(sql); }
  void Exec(const std::string& sql) const { db_->Exec(sql); }
  std::string Dump(bool with_data) const { return db_->Dump(with_data); }
  bool TableExists(const std::string& table) const;
  bool ColumnExists(const std::string& table, const std::string& column) const;
  /// "version:state" per info row.
  std::vector<std::string> States();
  /// "rank version type success" per history row, in rank order.
  std::vector<std::string> History() const;
  void WriteExample();
  const CommandsExample& example() const { return GetParam().example; }

  TempDir dir_;
  std::unique_ptr<CommandsDatabase> db_;
};

std::string Show(const RunResult& r);
bool Contains(const std::string& haystack, const std::string& needle);

}  // namespace flyrun::test

#define FLYRUN_INSTANTIATE_COMMANDS(prefix, server)                     \
  INSTANTIATE_TEST_SUITE_P(prefix, Commands, ::testing::Values(server), \
                           ::flyrun::test::CommandsServerName)
