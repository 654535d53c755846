#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/issue.h"
#include "core/version.h"

namespace flyrun {

enum class MigrationKind { kVersioned, kUndo, kRepeatable, kCallback };

/// A migration file found in a location.
struct ResolvedMigration {
  MigrationKind kind = MigrationKind::kVersioned;
  std::optional<Version> version;  ///< set for kVersioned and kUndo
  std::string description;         ///< underscores shown as spaces
  std::string script;              ///< path relative to its location, '/' separated
  std::filesystem::path path;      ///< path to open (location / script)
  std::string event;               ///< kCallback only: "beforeMigrate", "afterEachMigrate", ...
  std::string checksum;            ///< filled by the caller (scan does not read files)
  /// The version as the file name writes it, '_' shown as '.' ("5.0.2014.08.08"):
  /// what Flyway stores in the history's version column.
  std::string version_text;
  /// Settings of a `<script>.sql.conf` file beside the script (Flyway's
  /// per-script configuration); unset = the configuration's value.
  std::optional<bool> execute_in_transaction;
  std::optional<std::string> encoding;
  std::optional<bool> placeholder_replacement;
  /// Non-empty for a migration Flyway can run and flyrun cannot: what it is
  /// ("a shell script migration", "a Java migration").
  std::string unsupported;
};

}  // namespace flyrun
