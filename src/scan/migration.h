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
};

}  // namespace flyrun
