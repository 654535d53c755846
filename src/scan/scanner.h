#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/issue.h"
#include "scan/migration.h"

namespace flyrun {

/// The history table's column sizes (SPEC 7), in characters.
constexpr size_t kMaxVersionChars = 50;
constexpr size_t kMaxDescriptionChars = 200;
constexpr size_t kMaxScriptChars = 1000;

/// Result of parsing one file name (no directory part).
struct NameParse {
  enum class Outcome { kMigration, kNotMigration, kMalformed } outcome;
  ResolvedMigration migration;  ///< kind, version, description, event (kMigration only)
  std::string problem;          ///< kMalformed: what is wrong and the expected form
};

/// Classifies a file name per SPEC 1. Non-.sql files are kNotMigration. A .sql
/// file that starts like a migration (V/U/R prefix followed by a digit or '_',
/// a lower-case v/u/r prefix followed by a digit, or a callback name) but does
/// not parse is kMalformed: "V1_init.sql", "V__x.sql", "Vx__y.sql",
/// "v1__lower.sql", "V1__.sql". Other .sql files (e.g. "README.sql",
/// "helpers.sql") are kNotMigration.
NameParse ParseMigrationName(std::string_view filename);

struct ScanResult {
  std::vector<ResolvedMigration> migrations;  ///< versioned sorted by version, then undo
                                              ///< by version, repeatables by description,
                                              ///< callbacks by event then description
  Issues issues;                              ///< every problem, not just the first
};

/// Walks each location recursively (sorted, deterministic order) and collects
/// migrations. Issues: "location-missing" (a location that does not exist),
/// "malformed-name", "duplicate-version" (also across locations; names both
/// files), "orphan-undo" (U file without a V file of its version),
/// "duplicate-repeatable" (same description), "location-unreadable" (a
/// directory that cannot be listed), "migration-unreadable" (a file named like
/// a migration that is a dangling symlink, unreadable, or not a regular file),
/// "history-value-too-long" (a version, description or script longer than its
/// history column, SPEC 7). Each directory and file is scanned once, however
/// many locations reach it ("sql,./sql", "sql,sql/sub"): it keeps the spelling
/// of the first. ResolvedMigration::path is location/script; Issue::file is
/// that path as a string.
ScanResult ScanLocations(const std::vector<std::string>& locations);

}  // namespace flyrun
