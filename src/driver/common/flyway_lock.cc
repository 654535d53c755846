#include "driver/common/flyway_lock.h"

#include "checksum/flyway_checksum.h"

namespace flyrun {

std::string FlywayQuotedTable(std::string_view schema, std::string_view table, char quote) {
  auto quoted = [quote](std::string_view name) {
    std::string out(1, quote);
    for (char c : name) {
      out += c;
      if (c == quote) out += quote;
    }
    return out + quote;
  };
  return quoted(schema) + "." + quoted(table);
}

int64_t FlywayPostgresLockKey(std::string_view schema, std::string_view table) {
  constexpr int64_t kBase = 0x466C79776179;  // "Flyway" in ASCII
  return kBase + JavaStringHash(FlywayQuotedTable(schema, table, '"'));
}

std::string FlywayMysqlLockName(std::string_view database, std::string_view table) {
  return "Flyway-" + std::to_string(JavaStringHash(FlywayQuotedTable(database, table, '`')));
}

}  // namespace flyrun
