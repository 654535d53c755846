#pragma once

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

}  // namespace flyrun
