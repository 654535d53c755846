#pragma once

#include <cstdint>

#include "core/dialect.h"
#include "core/statement.h"

namespace flyrun::parse {

/// How a statement keeps going past a ';' in a dialect.
enum class BlockStyle : uint8_t {
  /// psql: ';' inside ( ) never ends a statement, nor inside BEGIN/CASE ... END of a
  /// CREATE [OR REPLACE] FUNCTION/PROCEDURE (SQL-standard `BEGIN ATOMIC` bodies).
  kPostgres,
  /// Stored programs (CREATE PROCEDURE/FUNCTION/TRIGGER/EVENT, BEGIN NOT ATOMIC):
  /// BEGIN/IF/CASE/LOOP/WHILE/REPEAT/FOR ... END nest while the delimiter is ';'.
  kMysql,
  /// sqlite3_complete(): a CREATE TRIGGER ends only at `END ;`.
  kSqlite,
};

/// The lexical rules of one dialect: the splitter is one state machine that these
/// switches configure. How '...' and "..." are read depends on the session's
/// settings too, which the dialect's classifier follows (QuoteRules).
struct DialectRules {
  Dialect dialect;
  BlockStyle blocks;
  bool nested_comments;           ///< /* /* */ */ nest (PostgreSQL)
  bool dollar_quotes;             ///< $$...$$ and $tag$...$tag$ (PostgreSQL)
  bool e_strings;                 ///< E'...' takes backslash escapes (PostgreSQL)
  bool backticks;                 ///< `identifier` (MySQL, SQLite)
  bool brackets;                  ///< [identifier] (SQLite)
  bool hash_comments;             ///< # starts a comment to the end of the line (MySQL)
  bool dash_comment_needs_blank;  ///< "--" is a comment only before a blank or control (MySQL)
  bool executable_comments;       ///< /*! ... */ and /*M! ... */ hold code (MySQL, MariaDB)
  bool delimiter_command;         ///< `DELIMITER xx` lines of the mysql client
  bool copy_from_stdin;           ///< COPY ... FROM stdin; is followed by data up to "\."
  bool meta_commands;             ///< a line starting with '\' between statements (psql)
};

/// The rules of `dialect`; a static table, valid for the life of the program.
const DialectRules& RulesFor(Dialect dialect);

}  // namespace flyrun::parse
