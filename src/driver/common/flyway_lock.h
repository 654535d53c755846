#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace flyrun {

/// Flyway's own migration lock, taken as well as flyrun's when the history is
/// kept in Flyway's format, so that a Flyway and a flyrun run against the same
/// database exclude each other (a fleet rolled from one tool to the other).
/// Both are derived from Java's String.hashCode of the history table's name as
/// Flyway quotes it.

/// `"schema"."table"` / `` `db`.`table` ``: each name between `quote`, a quote
/// inside it doubled.
std::string FlywayQuotedTable(std::string_view schema, std::string_view table, char quote);

/// PostgreSQL: the advisory lock key, 0x466C79776179 + javaHash("\"schema\".\"table\"")
/// as a signed 64-bit sum ("public"."flyway_schema_history" -> 77433833903597).
int64_t FlywayPostgresLockKey(std::string_view schema, std::string_view table);

/// MySQL/MariaDB: the GET_LOCK name, "Flyway-" + javaHash("`db`.`table`")
/// (`app`.`flyway_schema_history` -> "Flyway--320650056").
std::string FlywayMysqlLockName(std::string_view database, std::string_view table);

}  // namespace flyrun
