#pragma once

#include <string_view>

namespace flyrun {

/// Session settings that change how SQL text is lexed.
struct LexModes {
  /// PostgreSQL: when off, backslashes escape in ordinary '...' strings.
  bool standard_conforming_strings = true;
  /// MySQL sql_mode NO_BACKSLASH_ESCAPES: backslash is an ordinary character in strings.
  bool no_backslash_escapes = false;
  /// MySQL sql_mode ANSI_QUOTES: "..." is an identifier, not a string.
  bool ansi_quotes = false;
  bool operator==(const LexModes&) const = default;
};

/// What the splitter needs to know of the session its statements run in: read
/// by the driver at connect, followed by the driver as statements run, and
/// handed to the splitter at the start of each script.
struct SessionLexing {
  /// Server major version (PostgreSQL 11, 16; MySQL 8; MariaDB 10); 0 when unknown.
  int server_version = 0;
  /// The session's current values.
  LexModes now;
  /// What PostgreSQL's RESET (and SET ... TO DEFAULT) or MySQL's
  /// SET sql_mode = DEFAULT (the global sql_mode) go back to.
  LexModes reset;
};

/// The modes a MySQL sql_mode value (a comma-separated list, any case) sets:
/// NO_BACKSLASH_ESCAPES, and ANSI_QUOTES alone or through ANSI, DB2, MAXDB,
/// MSSQL, ORACLE or POSTGRESQL. standard_conforming_strings stays on.
LexModes LexModesOfSqlMode(std::string_view sql_mode);

/// The major version in a server's version text: 16 for "16.2", 10 for
/// "10.11.6-MariaDB-0+deb12u1"; 0 when there is none.
int MajorVersion(std::string_view version);

}  // namespace flyrun
