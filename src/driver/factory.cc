#include "driver/factory.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "config/secrets.h"
#include "core/dialect_names.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "driver/sqlite/sqlite_driver.h"
#ifdef FLYRUN_WITH_POSTGRES
#include "driver/postgres/postgres_driver.h"
#endif
#ifdef FLYRUN_WITH_MYSQL
#include "driver/mysql/mysql_connect.h"
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

constexpr char kReadOnlySqlstate[] = "25006";

/// "5 s", "2.5 s".
std::string SecondsText(std::chrono::milliseconds ms) {
  std::string text = std::to_string(ms.count() / 1000);
  if (ms.count() % 1000 != 0) {
    std::string frac = std::to_string(1000 + ms.count() % 1000).substr(1);
    while (frac.back() == '0') frac.pop_back();
    text += "." + frac;
  }
  return text + " s";
}

}  // namespace

Dialect DialectOfUrl(const std::string& url) {
  std::string scheme = SchemeOf(url);
  if (auto dialect = DialectNamed(scheme)) return *dialect;
  throw UsageError("unsupported database URL scheme '" + scheme + "'",
                   "use postgresql://, postgres://, mysql://, mariadb:// or sqlite: URLs");
}

Error ReadOnlyError(const std::string& url, Dialect dialect, const std::string& reason) {
  std::string hint =
      dialect == Dialect::kPostgres
          ? "connect to the primary: list the cluster's hosts in the URL with "
            "target_session_attrs=read-write (postgresql://host1:5432,host2:5432/db?"
            "target_session_attrs=read-write) and libpq picks the one that accepts writes"
          : "connect to the server that accepts writes (the primary), or turn read_only off";
  Error e(ExitCode::kConnect,
          RedactUrl(url) + " is read-only: " + reason + ", and this command changes the database",
          hint);
  e.sqlstate = kReadOnlySqlstate;
  return e;
}

std::unique_ptr<Driver> OpenDriver(const ConnectionOptions& options,
                                   std::chrono::milliseconds deadline,
                                   ReadOnlyServer on_read_only) {
  using Clock = std::chrono::steady_clock;
  using std::chrono::milliseconds;
  auto start = Clock::now();
  auto give_up = deadline.count() > 0 ? start + deadline : Clock::time_point::max();
  auto left = [&give_up] {
    return std::chrono::duration_cast<milliseconds>(give_up - Clock::now());
  };
  for (int attempt = 0;; ++attempt) {
    ConnectionOptions attempt_options = options;
    if (deadline.count() > 0) {
      auto time_left = std::max(left(), milliseconds(1));
      if (attempt_options.connect_timeout.count() <= 0 ||
          time_left < attempt_options.connect_timeout)
        attempt_options.connect_timeout = time_left;
    }
    try {
      auto driver = OpenOnce(attempt_options);
      if (on_read_only == ReadOnlyServer::kAccept) return driver;
      std::string reason = driver->ReadOnlyReason();
      if (reason.empty()) return driver;
      driver.reset();
      throw ReadOnlyError(options.url, DialectOfUrl(options.url), reason);
    } catch (const Error& e) {
      if (e.code() != ExitCode::kConnect || IsAuthFailure(e)) throw;
      // A standby refuses writes until it is promoted: only `wait` and
      // `exec` wait for that.
      if (e.sqlstate == kReadOnlySqlstate && on_read_only != ReadOnlyServer::kAwait) throw;
      if (attempt < options.connect_retries && left() > milliseconds(0)) {
        spdlog::warn("{} (attempt {} of {}); retrying in {} ms", e.what(), attempt + 1,
                     options.connect_retries + 1, options.connect_retry_interval.count());
        auto next = Clock::now() + options.connect_retry_interval;
        while (Clock::now() < next && left() > milliseconds(0)) {
          ThrowIfInterrupted();
          std::this_thread::sleep_for(milliseconds(20));
        }
        if (left() > milliseconds(0)) continue;
      }
      if (deadline.count() <= 0 || left() > milliseconds(0)) throw;
      auto waited = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
      Error out(ExitCode::kConnect,
                std::string(e.what()) + " (gave up after " + std::to_string(waited.count()) +
                    " ms: the " + SecondsText(deadline) + " timeout has passed, after " +
                    std::to_string(attempt + 1) + " attempt(s))",
                e.hint());
      out.sqlstate = e.sqlstate;
      out.vendor_code = e.vendor_code;
      throw out;
    }
  }
}

DriverThread::DriverThread() {
#ifdef FLYRUN_WITH_MYSQL
  state_ = std::make_shared<MysqlThreadScope>();
#endif
}

DriverThread::~DriverThread() = default;

}  // namespace flyrun
