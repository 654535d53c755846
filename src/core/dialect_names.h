#pragma once

#include <optional>
#include <string_view>

#include "core/dialect.h"

namespace flyrun {

/// The dialect a lower-case name stands for: "postgresql" or "postgres",
/// "mysql" or "mariadb", "sqlite" (the URL schemes and the config values).
inline std::optional<Dialect> DialectNamed(std::string_view name) {
  if (name == "postgresql" || name == "postgres") return Dialect::kPostgres;
  if (name == "mysql" || name == "mariadb") return Dialect::kMysql;
  if (name == "sqlite") return Dialect::kSqlite;
  return std::nullopt;
}

/// "postgresql", "mysql" or "sqlite", for messages.
inline const char* DialectName(Dialect dialect) {
  return dialect == Dialect::kPostgres ? "postgresql"
         : dialect == Dialect::kMysql  ? "mysql"
                                       : "sqlite";
}

}  // namespace flyrun
