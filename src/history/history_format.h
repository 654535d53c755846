#pragma once

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "history/applied_migration.h"

namespace flyrun {

/// How the history table is kept (README, Coming from Flyway): flyrun's own
/// format (SHA-256 checksums in a VARCHAR(64) column) or Flyway's (its table
/// definition, CRC-32 checksums in an INT column, the version as written, its
/// lock). Chosen once per run by ChooseHistoryFormat; everything that differs
/// between the two is asked of the functions below, not decided where it is used.
enum class HistoryFormat { kFlyrun, kFlyway };

/// The rule: Flyway's format when the configuration came from Flyway's sources
/// (`flyway_config`), or when the existing history table has Flyway's layout
/// (`existing_integer_checksum`: its checksum column is an integer; nullopt
/// when there is no table yet). Otherwise flyrun's.
inline HistoryFormat ChooseHistoryFormat(bool flyway_config,
                                         std::optional<bool> existing_integer_checksum) {
  if (flyway_config || existing_integer_checksum.value_or(false)) return HistoryFormat::kFlyway;
  return HistoryFormat::kFlyrun;
}

inline std::string_view HistoryFormatName(HistoryFormat format) {
  return format == HistoryFormat::kFlyway ? "Flyway's" : "flyrun's";
}

/// Whether a column type as the catalog spells it ("integer", "int", "INT",
/// "int(11)", "BIGINT") is an integer type: how Flyway's table is told from
/// flyrun's, whose checksum column is VARCHAR(64).
inline bool IsIntegerColumnType(std::string_view type) {
  std::string lower;
  for (char c : type)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower.find("int") != std::string::npos && lower.find("char") == std::string::npos &&
         lower.find("point") == std::string::npos;
}

/// Flyway's baseline description when none is configured.
inline constexpr std::string_view kFlywayBaselineDescription = "<< Flyway Baseline >>";
/// flyrun's default baseline description (Config::baseline_description's default).
inline constexpr std::string_view kFlyrunBaselineDescription = "<< flyrun baseline >>";

/// The description of a baseline row: the configured one, except that
/// flyrun's default becomes Flyway's in Flyway's format.
inline std::string BaselineDescription(HistoryFormat format, const std::string& configured) {
  if (format == HistoryFormat::kFlyway && configured == kFlyrunBaselineDescription)
    return std::string(kFlywayBaselineDescription);
  return configured;
}

/// Flyway's default table name before Flyway 5 (6.0 stopped looking for it).
inline constexpr std::string_view kFlywayLegacyTable = "schema_version";

/// The width of the description and script columns (both formats).
inline constexpr size_t kDescriptionWidth = 200;
inline constexpr size_t kScriptWidth = 1000;

/// `text` cut to `width` characters (UTF-8 code points) as Flyway stores an
/// over-long value: the first width-3 characters and "...". Shorter text is
/// returned as it is.
inline std::string FitColumn(const std::string& text, size_t width) {
  auto is_start = [](unsigned char c) { return (c & 0xC0) != 0x80; };
  size_t chars = 0;
  for (unsigned char c : text) chars += is_start(c);
  if (chars <= width) return text;
  size_t keep = width - 3, seen = 0, i = 0;
  for (; i < text.size(); ++i) {
    if (is_start(static_cast<unsigned char>(text[i])) && seen++ == keep) break;
  }
  return text.substr(0, i) + "...";
}

/// A history row with its description and script fitted to their columns.
inline AppliedMigration FitHistoryRow(AppliedMigration row) {
  row.description = FitColumn(row.description, kDescriptionWidth);
  row.script = FitColumn(row.script, kScriptWidth);
  return row;
}

/// The version column's value for a migration: the version as written in
/// Flyway's format ("5.0.2014.08.08"), normalised in flyrun's ("5.0.2014.8.8").
inline std::string HistoryVersion(HistoryFormat format, const std::string& normalised,
                                  const std::string& as_written) {
  return format == HistoryFormat::kFlyway && !as_written.empty() ? as_written : normalised;
}

}  // namespace flyrun
