#pragma once

#include <string>
#include <string_view>

namespace flyrun {

/// `name` as a MySQL identifier in backticks (backticks doubled). Valid in every
/// sql_mode, ANSI_QUOTES included.
std::string QuoteIdent(std::string_view name);

/// `text` as a string literal that means the same in every sql_mode
/// (NO_BACKSLASH_ESCAPES, ANSI_QUOTES): plain '...' for harmless ASCII, else a
/// hex literal with a utf8mb4 introducer.
std::string SqlLiteral(std::string_view text);

/// True when MySQL commits the open transaction for `sql` (DDL, account
/// management, LOCK TABLES... see "Statements That Cause an Implicit Commit"),
/// judged by its first keywords after comments (executable comments /*!...*/
/// count as code). Errs towards true for what it cannot judge (CALL, EXECUTE),
/// so that a DBA is told to check rather than told all was rolled back.
bool ImplicitlyCommits(std::string_view sql);

/// True for `CALL ...`: whether it commits depends on the procedure's body.
bool IsCall(std::string_view sql);

/// True when `sql` is a USE statement (its first keyword after comments,
/// executable comments counting as code): it changes the session's database.
bool SelectsDatabase(std::string_view sql);

/// True when `sql` may change the session's sql_mode: a SET statement (its
/// first keyword after comments, executable comments counting as code) that
/// names sql_mode. The driver reads sql_mode again only after these.
bool MayChangeSqlMode(std::string_view sql);

/// The GET_LOCK name for a history table: "flyrun:<database>.<table>", or, when
/// that exceeds the server's 64-character limit, "flyrun:" + a SHA-256 prefix of it.
std::string LockName(std::string_view database, std::string_view table);

}  // namespace flyrun
