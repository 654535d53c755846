#include "driver/postgres/pg_url.h"

#include <libpq-fe.h>

#include <algorithm>
#include <map>
#include <memory>

#include "config/secrets.h"
#include "core/error.h"

namespace flyrun::pg {
namespace {

struct ConninfoFree {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
struct PqFree {
  void operator()(char* p) const { PQfreemem(p); }
};

std::string QuoteConninfoValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

// The URL with every '@' of the user-info but the last percent-encoded, so
// that libpq, which ends the user-info at the first '@', reads it as we do.
std::string EncodeInnerAts(const std::string& url) {
  UrlParts parts = SplitUrl(url);
  if (parts.at == std::string::npos || parts.ambiguous) return url;
  std::string out = url.substr(0, parts.userinfo);
  for (size_t i = parts.userinfo; i < parts.at; ++i)
    out += url[i] == '@' ? "%40" : url.substr(i, 1);
  return out + url.substr(parts.at);
}

}  // namespace

ConnectTarget BuildConnectTarget(const ConnectionOptions& options) {
  ConnectTarget target;
  target.display_url = RedactUrl(options.url);

  char* raw_error = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoFree> parsed(
      PQconninfoParse(EncodeInnerAts(options.url).c_str(), &raw_error));
  std::unique_ptr<char, PqFree> error(raw_error);
  if (!parsed) {
    std::string why = error ? std::string(error.get()) : std::string("out of memory");
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw UsageError("invalid PostgreSQL URL " + target.display_url + ": " + why,
                     "write it as postgresql://user:password@host:port/database?param=value "
                     "with libpq parameters");
  }

  std::map<std::string, std::string> params;
  for (const PQconninfoOption* o = parsed.get(); o->keyword; ++o) {
    if (o->val) params[o->keyword] = o->val;
  }
  if (!options.user.empty()) params["user"] = options.user;
  if (!options.password.empty()) params["password"] = options.password;
  if (!params.count("connect_timeout") && options.connect_timeout.count() > 0) {
    auto seconds = (options.connect_timeout.count() + 999) / 1000;
    params["connect_timeout"] = std::to_string(std::max<long long>(seconds, 1));
  }
  // Migration files are UTF-8 whatever the database's encoding; the server
  // converts. A client_encoding in the URL still wins.
  if (!params.count("client_encoding")) params["client_encoding"] = "UTF8";
  if (!params.count("application_name") && !params.count("fallback_application_name"))
    params["fallback_application_name"] = "flyrun";

  for (const auto& [key, value] : params) {
    if (!target.conninfo.empty()) target.conninfo += ' ';
    target.conninfo += key + '=' + QuoteConninfoValue(value);
  }
  return target;
}

}  // namespace flyrun::pg
