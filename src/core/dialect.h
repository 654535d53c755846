#pragma once

namespace flyrun {

/// The SQL dialect a script is written in and a driver speaks: it decides how the
/// splitter lexes and which driver runs the statements.
enum class Dialect { kPostgres, kMysql, kSqlite };

}  // namespace flyrun
