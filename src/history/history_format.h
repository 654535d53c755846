#pragma once

namespace flyrun {

/// How the history table is kept (README, Coming from Flyway): flyrun's own
/// format (SHA-256 checksums in a VARCHAR(64) column) or Flyway's (its table
/// definition, CRC-32 checksums in an INT column, its lock). Chosen once per
/// run: Flyway's when the configuration came from Flyway's sources or the
/// existing table has an integer checksum column.
enum class HistoryFormat { kFlyrun, kFlyway };

}  // namespace flyrun
