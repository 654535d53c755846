// Checks of the url key that need no driver: the shape of the URL, where its
// user-info ends, its ports. A malformed URL is a configuration error (exit 2)
// found before anything connects, so it is never retried as a connection
// failure, and its message never quotes the user-info.

#include <algorithm>
#include <string>
#include <string_view>

#include "config/config_internal.h"
#include "config/jdbc_url.h"
#include "config/secrets.h"
#include "core/dialect_names.h"
#include "core/error.h"

namespace flyrun::config_internal {
namespace {

constexpr char kEncodeHint[] =
    "percent-encode a password with '/', '?', '#' or '@' in the URL (/ as %2F, ? as %3F, "
    "# as %23, @ as %40), or leave it out of the URL and set password, password_file or "
    "FLYRUN_PASSWORD";
constexpr char kPortHint[] =
    "write the port as a number from 1 to 65535, or leave out ':port' for the default "
    "(5432 for PostgreSQL, 3306 for MySQL/MariaDB)";

[[noreturn]] void Fail(const RawValue& raw, const std::string& message, const std::string& hint) {
  Error error(ExitCode::kUsage, "url: " + message + " " + raw.where, hint);
  error.file = raw.file;
  error.line = raw.line;
  throw error;
}

bool IsServerScheme(const std::string& scheme) {
  auto dialect = DialectNamed(scheme);
  return dialect && *dialect != Dialect::kSqlite;
}

void CheckPort(const RawValue& raw, std::string_view port) {
  std::string shown = RedactUrl(raw.text);
  if (port.empty()) Fail(raw, "the port after ':' is empty in " + shown, kPortHint);
  bool digits = port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
  long value = digits ? std::stol(std::string(port)) : 0;
  if (value < 1 || value > 65535) {
    Fail(raw, "port '" + std::string(port) + "' in " + shown + " is not a number from 1 to 65535",
         kPortHint);
  }
}

// host[:port] or [ipv6][:port].
void CheckHost(const RawValue& raw, std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos || close + 1 == host.size()) return;
    if (host[close + 1] != ':') {
      Fail(raw, "unexpected text after ']' in " + RedactUrl(raw.text), "write [address]:port");
    }
    CheckPort(raw, host.substr(close + 2));
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    CheckPort(raw, host.substr(colon + 1));
  }
}

// Calls `each` for every item of "a<sep>b<sep>c" (empty ones included).
template <typename F>
void ForEachItem(std::string_view list, char separator, F each) {
  size_t from = 0;
  for (;;) {
    size_t end = std::min(list.find(separator, from), list.size());
    each(list.substr(from, end - from));
    if (end == list.size()) return;
    from = end + 1;
  }
}

// PostgreSQL also takes ports as a query parameter: ?port=5432[,5433].
void CheckPortParameters(const RawValue& raw, std::string_view query) {
  ForEachItem(query, '&', [&raw](std::string_view pair) {
    if (pair.substr(0, 5) != "port=") return;
    ForEachItem(pair.substr(5), ',', [&raw](std::string_view port) { CheckPort(raw, port); });
  });
}

}  // namespace

std::string TranslateUrl(const RawValue& raw) {
  try {
    return FlyrunUrl(raw.text);
  } catch (const Error& e) {
    Error error(e.code(), std::string(e.what()) + " " + raw.where, e.hint());
    error.file = raw.file;
    error.line = raw.line;
    throw error;
  }
}

void CheckUrl(const RawValue& raw) {
  if (IsJdbcUrl(raw.text)) {
    RawValue translated = raw;
    try {
      translated.text = TranslateJdbcUrl(raw.text).url;
    } catch (const Error& e) {
      Fail(raw, e.what(), e.hint());
    }
    CheckUrl(translated);
    return;
  }
  const std::string& url = raw.text;
  if (url.empty()) return;
  UrlParts parts = SplitUrl(url);
  if (parts.scheme.empty()) {
    Fail(raw, "not a database URL (it starts with no scheme such as postgresql:)",
         "use postgresql://, postgres://, mysql://, mariadb:// or sqlite: URLs");
  }
  if (!IsServerScheme(parts.scheme)) return;  // sqlite: paths, unknown schemes: the factory
  if (!parts.slashes) {
    Fail(raw, "a " + parts.scheme + ": URL needs '//' after the scheme",
         "write it as " + parts.scheme + "://user@host:port/database");
  }
  if (parts.ambiguous) {
    Fail(raw, "cannot tell where the user-info ends in " + RedactUrl(url), kEncodeHint);
  }
  std::string_view hosts = std::string_view(url).substr(parts.hosts, parts.hosts_end - parts.hosts);
  ForEachItem(hosts, ',', [&raw](std::string_view host) { CheckHost(raw, host); });
  if (size_t query = url.find('?', parts.hosts_end); query != std::string::npos) {
    size_t fragment = std::min(url.find('#', query), url.size());
    CheckPortParameters(raw, std::string_view(url).substr(query + 1, fragment - query - 1));
  }
}

}  // namespace flyrun::config_internal
