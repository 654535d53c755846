#include "driver/factory.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "core/error.h"
#include "core/interrupt.h"
#include "driver/sqlite/sqlite_driver.h"
#ifdef FLYRUN_WITH_POSTGRES
#include "driver/postgres/postgres_driver.h"
#endif
#ifdef FLYRUN_WITH_MYSQL
#include "driver/mysql/mysql_driver.h"
#endif

namespace flyrun {
namespace {

std::string SchemeOf(const std::string& url) {
  auto colon = url.find(':');
  return colon == std::string::npos ? std::string() : url.substr(0, colon);
}

std::unique_ptr<Driver> OpenOnce(const ConnectionOptions& options) {
  switch (DialectOfUrl(options.url)) {
    case Dialect::kSqlite:
      return OpenSqlite(options);
    case Dialect::kPostgres:
#ifdef FLYRUN_WITH_POSTGRES
      return OpenPostgres(options);
#else
      break;
#endif
    case Dialect::kMysql:
#ifdef FLYRUN_WITH_MYSQL
      return OpenMysql(options);
#else
      break;
#endif
  }
  throw UsageError("this flyrun was built without the driver for '" + SchemeOf(options.url) +
                   ":' URLs");
}

bool IsAuthFailure(const Error& e) { return e.sqlstate.rfind("28", 0) == 0; }

}  // namespace

Dialect DialectOfUrl(const std::string& url) {
  std::string scheme = SchemeOf(url);
  if (scheme == "sqlite") return Dialect::kSqlite;
  if (scheme == "postgresql" || scheme == "postgres") return Dialect::kPostgres;
  if (scheme == "mysql" || scheme == "mariadb") return Dialect::kMysql;
  throw UsageError("unsupported database URL scheme '" + scheme + "'",
                   "use postgresql://, postgres://, mysql://, mariadb:// or sqlite: URLs");
}

std::unique_ptr<Driver> OpenDriver(const ConnectionOptions& options) {
  for (int attempt = 0;; ++attempt) {
    try {
      return OpenOnce(options);
    } catch (const Error& e) {
      if (e.code() != ExitCode::kConnect || IsAuthFailure(e) || attempt >= options.connect_retries)
        throw;
      spdlog::warn("{} (attempt {} of {}); retrying in {} ms", e.what(), attempt + 1,
                   options.connect_retries + 1, options.connect_retry_interval.count());
      auto deadline = std::chrono::steady_clock::now() + options.connect_retry_interval;
      while (std::chrono::steady_clock::now() < deadline) {
        ThrowIfInterrupted();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
}

}  // namespace flyrun
