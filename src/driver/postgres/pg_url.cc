#include "driver/postgres/pg_url.h"

#include <libpq-fe.h>

#include <algorithm>
#include <map>
#include <memory>

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

// Percent-decoding as libpq does it, to know every spelling of the password.
std::string PercentDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Where the password of the user-info is, found as libpq does: the user-info
// ends at the first '@' met before any '/'; the password follows its first ':'.
// Returns false when there is none.
bool PasswordRange(std::string_view url, size_t& begin, size_t& end) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  size_t start = scheme_end + 3;
  size_t at = url.find_first_of("@/", start);
  if (at == std::string_view::npos || url[at] != '@') return false;
  size_t colon = url.find(':', start);
  if (colon == std::string_view::npos || colon > at) return false;
  begin = colon + 1;
  end = at;
  return true;
}

std::string RawUrlPassword(std::string_view url) {
  size_t begin = 0, end = 0;
  if (!PasswordRange(url, begin, end)) return {};
  return std::string(url.substr(begin, end - begin));
}

}  // namespace

std::string RedactPostgresUrl(std::string_view url) {
  std::string out(url);
  size_t begin = 0, end = 0;
  if (PasswordRange(out, begin, end)) out.replace(begin, end - begin, "***");
  // password=... query parameters.
  auto query = out.find('?');
  while (query != std::string::npos) {
    size_t key = query + 1;
    if (out.compare(key, 9, "password=") == 0) {
      size_t value = key + 9;
      size_t value_end = out.find_first_of("&#", value);
      if (value_end == std::string::npos) value_end = out.size();
      out.replace(value, value_end - value, "***");
    }
    query = out.find('&', key);
  }
  return out;
}

std::string Scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), "***");
    }
  }
  return text;
}

ConnectTarget BuildConnectTarget(const ConnectionOptions& options) {
  ConnectTarget target;
  target.display_url = RedactPostgresUrl(options.url);
  std::string raw_password = RawUrlPassword(options.url);
  target.secrets = {raw_password, PercentDecode(raw_password), options.password};

  char* raw_error = nullptr;
  std::unique_ptr<PQconninfoOption, ConninfoFree> parsed(
      PQconninfoParse(options.url.c_str(), &raw_error));
  std::unique_ptr<char, PqFree> error(raw_error);
  if (!parsed) {
    std::string why = error ? std::string(error.get()) : std::string("out of memory");
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw UsageError(
        "invalid PostgreSQL URL " + target.display_url + ": " + Scrub(why, target.secrets),
        "write it as postgresql://user:password@host:port/database?param=value "
        "with libpq parameters");
  }

  std::map<std::string, std::string> params;
  for (const PQconninfoOption* o = parsed.get(); o->keyword; ++o) {
    if (o->val) params[o->keyword] = o->val;
  }
  if (auto it = params.find("password"); it != params.end()) target.secrets.push_back(it->second);
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
