#include "config/jdbc_url.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <set>
#include <utility>

#include "config/secrets.h"
#include "core/error.h"

namespace flyrun {
namespace {

constexpr std::string_view kJdbc = "jdbc:";
constexpr char kSupported[] =
    "flyrun takes jdbc:postgresql://, jdbc:mysql://, jdbc:mariadb:// and jdbc:sqlite: URLs "
    "(or postgresql://, mysql://, mariadb://, sqlite:)";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// One URL being translated: its text (for messages, never shown unredacted)
/// and the parameters dropped so far.
class Translator {
 public:
  explicit Translator(std::string_view url) : url_(url) {}

  [[noreturn]] void Fail(const std::string& message, const std::string& hint = kSupported) const {
    throw UsageError(message + " in JDBC URL " + RedactJdbcUrl(url_), hint);
  }

  /// Percent-decodes `text`; with `plus_is_blank` a '+' is a blank, as Java's
  /// URLDecoder reads it. `what` names the part in the error, never its text.
  std::string Decode(std::string_view text, bool plus_is_blank, const std::string& what) const {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '+' && plus_is_blank) {
        out += ' ';
      } else if (text[i] != '%') {
        out += text[i];
      } else {
        int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
        int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
        if (hi < 0 || lo < 0) Fail("bad percent-encoding in " + what, "write a literal % as %25");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
      }
    }
    return out;
  }

  struct Parameter {
    std::string name;  ///< as written
    std::string key;   ///< lower-cased
    std::string value;
  };

  /// The parameters of "a=1&b=2", values decoded; every password-like one
  /// registered as a secret.
  std::vector<Parameter> Parameters(std::string_view query, bool plus_is_blank) const {
    std::vector<Parameter> out;
    size_t from = 0;
    while (from <= query.size()) {
      size_t end = std::min(query.find('&', from), query.size());
      std::string_view pair = query.substr(from, end - from);
      from = end + 1;
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      Parameter p;
      p.name = std::string(pair.substr(0, eq));
      p.key = Lower(p.name);
      if (eq != std::string_view::npos) {
        p.value = Decode(pair.substr(eq + 1), plus_is_blank, "parameter '" + p.name + "'");
      }
      if (p.key.find("password") != std::string::npos) AddSecret(p.value);
      out.push_back(std::move(p));
    }
    return out;
  }

  void Ignore(const std::string& name) { ignored_.push_back(name); }
  std::vector<std::string> TakeIgnored() { return std::move(ignored_); }

 private:
  std::string_view url_;
  std::vector<std::string> ignored_;
};

/// "//authority/path?query" or "path?query" after the subprotocol.
struct ServerParts {
  bool slashes = false;
  std::string_view authority, path, query;
};

ServerParts SplitServer(std::string_view rest) {
  ServerParts parts;
  if (rest.substr(0, 2) == "//") {
    parts.slashes = true;
    rest.remove_prefix(2);
    size_t end = std::min(rest.find_first_of("/?"), rest.size());
    parts.authority = rest.substr(0, end);
    rest.remove_prefix(end);
    if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  }
  size_t query = std::min(rest.find('?'), rest.size());
  parts.path = rest.substr(0, query);
  if (query < rest.size()) parts.query = rest.substr(query + 1);
  return parts;
}

std::string JoinQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    out += (out.empty() ? "?" : "&") + key + "=" + PercentEncoded(value);
  }
  return out;
}

bool IsTrue(const std::string& value) {
  std::string v = Lower(value);
  return v.empty() || v == "true" || v == "yes" || v == "1";
}

bool IsDigits(const std::string& value) {
  return !value.empty() && value.size() <= 9 &&
         std::all_of(value.begin(), value.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; });
}

// search_path for libpq's options: blanks and backslashes escaped with a
// backslash, as libpq splits options at blanks.
std::string SearchPathOption(const std::string& schemas) {
  std::string out = "-c search_path=";
  for (char c : schemas) {
    if (c == ' ' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string TranslatePostgres(Translator& t, std::string_view rest) {
  ServerParts parts = SplitServer(rest);
  std::string hosts = parts.authority.empty() ? "localhost" : std::string(parts.authority);
  std::vector<std::pair<std::string, std::string>> out;
  std::optional<std::string> sslmode, ssl, options, schema;
  for (auto& p : t.Parameters(parts.query, true)) {
    const std::string& k = p.key;
    if (k == "user" || k == "password" || k == "sslcert" || k == "sslkey" || k == "sslrootcert" ||
        k == "sslpassword") {
      out.emplace_back(k, p.value);
    } else if (k == "sslmode") {
      static constexpr std::string_view kModes[] = {"disable", "allow",     "prefer",
                                                    "require", "verify-ca", "verify-full"};
      if (std::find(std::begin(kModes), std::end(kModes), Lower(p.value)) == std::end(kModes)) {
        t.Fail("sslmode '" + p.value + "' is not one of PostgreSQL's",
               "use disable, allow, prefer, require, verify-ca or verify-full");
      }
      sslmode = Lower(p.value);
    } else if (k == "ssl") {
      ssl = p.value;
    } else if (k == "currentschema") {
      schema = p.value;
    } else if (k == "options") {
      options = p.value;
    } else if (k == "applicationname") {
      out.emplace_back("application_name", p.value);
    } else if (k == "connecttimeout" || k == "logintimeout") {
      if (!IsDigits(p.value)) t.Fail(p.name + " '" + p.value + "' is not a number of seconds");
      if (k == "connecttimeout" || std::none_of(out.begin(), out.end(), [](const auto& kv) {
            return kv.first == "connect_timeout";
          })) {
        std::erase_if(out, [](const auto& kv) { return kv.first == "connect_timeout"; });
        out.emplace_back("connect_timeout", p.value);
      }
    } else if (k == "targetservertype") {
      std::string v = Lower(p.value);
      std::string attrs = v == "primary" || v == "master"                ? "read-write"
                          : v == "secondary" || v == "slave"             ? "standby"
                          : v == "prefersecondary" || v == "preferslave" ? "prefer-standby"
                          : v == "any"                                   ? "any"
                                                                         : "";
      if (attrs.empty()) {
        t.Fail("targetServerType '" + p.value + "' has no libpq equivalent",
               "use primary, secondary, preferSecondary or any");
      }
      out.emplace_back("target_session_attrs", attrs);
    } else if (k == "tcpkeepalive") {
      out.emplace_back("keepalives", IsTrue(p.value) ? "1" : "0");
    } else if (k == "gssencmode") {
      out.emplace_back("gssencmode", Lower(p.value));
    } else {
      t.Ignore(p.name);
    }
  }
  // pgjdbc: ssl (present and not false) asks for TLS unless sslmode says more.
  if (!sslmode && ssl) sslmode = Lower(*ssl) == "false" ? "disable" : "require";
  if (sslmode) out.emplace_back("sslmode", *sslmode);
  if (schema) options = (options ? *options + " " : std::string()) + SearchPathOption(*schema);
  if (options) out.emplace_back("options", *options);
  return "postgresql://" + hosts + "/" + std::string(parts.path) + JoinQuery(out);
}

enum class Tls { kUnset, kDisabled, kPreferred, kRequired, kVerifyCa, kVerifyIdentity };

const char* TlsName(Tls tls) {
  switch (tls) {
    case Tls::kDisabled:
      return "DISABLED";
    case Tls::kPreferred:
      return "PREFERRED";
    case Tls::kRequired:
      return "REQUIRED";
    case Tls::kVerifyCa:
      return "VERIFY_CA";
    case Tls::kVerifyIdentity:
      return "VERIFY_IDENTITY";
    case Tls::kUnset:
      break;
  }
  return "";
}

std::string TranslateMysql(Translator& t, const std::string& scheme, std::string_view rest) {
  ServerParts parts = SplitServer(rest);
  if (!parts.slashes) t.Fail("a jdbc:" + scheme + ": URL needs '//' after the subprotocol");
  std::string_view host = parts.authority;
  std::string user, password;
  if (size_t at = host.rfind('@'); at != std::string_view::npos) {
    std::string_view info = host.substr(0, at);
    host.remove_prefix(at + 1);
    size_t colon = info.find(':');
    user = t.Decode(info.substr(0, colon), false, "the user");
    if (colon != std::string_view::npos) {
      password = t.Decode(info.substr(colon + 1), false, "the password");
      AddSecret(password);
    }
  }
  if (host.find(',') != std::string_view::npos || host.find('(') != std::string_view::npos) {
    t.Fail("several hosts (failover, load balancing) are not supported",
           "name one host: flyrun connects to one MySQL/MariaDB server");
  }
  std::vector<std::pair<std::string, std::string>> out;
  Tls mode = Tls::kUnset, use_ssl = Tls::kUnset;
  bool verify_cert = false, trust_cert = false, require_ssl = false;
  for (auto& p : t.Parameters(parts.query, false)) {
    const std::string& k = p.key;
    std::string v = Lower(p.value);
    std::replace(v.begin(), v.end(), '-', '_');
    if (k == "user") {
      user = p.value;
    } else if (k == "password") {
      password = p.value;
    } else if (k == "sslmode") {
      mode = v == "disabled" || v == "disable"                   ? Tls::kDisabled
             : v == "preferred" || v == "prefer"                 ? Tls::kPreferred
             : v == "required" || v == "require" || v == "trust" ? Tls::kRequired
             : v == "verify_ca"                                  ? Tls::kVerifyCa
             : v == "verify_identity" || v == "verify_full"      ? Tls::kVerifyIdentity
                                                                 : Tls::kUnset;
      if (mode == Tls::kUnset) {
        t.Fail("sslMode '" + p.value + "' is not one of MySQL's or MariaDB's",
               "use DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY (MySQL) or "
               "disable, trust, verify-ca, verify-full (MariaDB)");
      }
    } else if (k == "usessl" || k == "ssl") {
      use_ssl = IsTrue(p.value) ? Tls::kRequired : Tls::kDisabled;
    } else if (k == "requiressl") {
      require_ssl = IsTrue(p.value);
    } else if (k == "verifyservercertificate") {
      verify_cert = IsTrue(p.value);
    } else if (k == "trustservercertificate") {
      trust_cert = IsTrue(p.value);
    } else if (k == "serversslcert" || k == "sslca") {
      std::string path = p.value;
      if (path.rfind("file://", 0) == 0) path.erase(0, 7);
      if (path.rfind("file:", 0) == 0) path.erase(0, 5);
      if (path.rfind("-----BEGIN", 0) == 0 || path.rfind("classpath:", 0) == 0 || path.empty()) {
        t.Ignore(p.name);
      } else {
        out.emplace_back("ssl-ca", path);
      }
    } else if (k == "connecttimeout") {
      if (!IsDigits(p.value)) t.Fail(p.name + " '" + p.value + "' is not a number of milliseconds");
      out.emplace_back("connect-timeout", p.value + "ms");
    } else if (k == "localsocket") {
      out.emplace_back("socket", p.value);
    } else if (k == "useunicode" ||
               (k == "characterencoding" && (v == "utf_8" || v == "utf8" || v == "utf8mb4"))) {
      // flyrun talks utf8mb4 already.
    } else {
      t.Ignore(p.name);
    }
  }
  if (mode == Tls::kUnset && use_ssl == Tls::kRequired) {
    // Connector/J verifies the CA when asked to; MariaDB's verifies the
    // server's name unless told to trust it.
    mode = verify_cert                          ? Tls::kVerifyCa
           : scheme == "mariadb" && !trust_cert ? Tls::kVerifyIdentity
                                                : Tls::kRequired;
  } else if (mode == Tls::kUnset) {
    mode = use_ssl;
  }
  if (mode == Tls::kUnset && require_ssl) mode = Tls::kRequired;
  if (mode != Tls::kUnset)
    out.insert(out.begin(), std::make_pair(std::string("ssl-mode"), std::string(TlsName(mode))));
  std::string info;
  if (!user.empty() || !password.empty()) {
    info = PercentEncoded(user) + (password.empty() ? "" : ":" + PercentEncoded(password)) + "@";
  }
  std::string path(parts.path);
  if (!path.empty() && path.back() == '/') path.pop_back();
  return scheme + "://" + info + std::string(host) + "/" + path + JoinQuery(out);
}

std::string TranslateSqlite(Translator& t, std::string_view rest) {
  size_t query = std::min(rest.find('?'), rest.size());
  for (auto& p : t.Parameters(rest.substr(std::min(query + 1, rest.size())), false)) {
    t.Ignore(p.name);
  }
  std::string path(rest.substr(0, query));
  if (path.rfind("file:", 0) == 0) {
    path = t.Decode(std::string_view(path).substr(5), false, "the file name");
    // file:///abs and file://localhost/abs name /abs.
    if (path.rfind("//", 0) == 0) {
      size_t slash = path.find('/', 2);
      std::string authority = path.substr(2, slash == std::string::npos ? slash : slash - 2);
      if (!authority.empty() && authority != "localhost") {
        t.Fail("a file: URI with the host '" + authority + "'", "write file:/path or a plain path");
      }
      path = slash == std::string::npos ? std::string() : path.substr(slash);
    }
  }
  if (path.empty() || path == ":memory:") return "sqlite::memory:";
  if (path.front() == ':') t.Fail("'" + path + "' is not a SQLite database file");
  return path.front() == '/' ? "sqlite://" + path : "sqlite:" + path;
}

}  // namespace

bool IsJdbcUrl(std::string_view url) {
  return url.size() >= kJdbc.size() && Lower(url.substr(0, kJdbc.size())) == kJdbc;
}

std::string RedactJdbcUrl(std::string_view url) {
  if (!IsJdbcUrl(url)) return RedactUrl(url);
  return std::string(url.substr(0, kJdbc.size())) + RedactUrl(url.substr(kJdbc.size()));
}

JdbcTranslation TranslateJdbcUrl(std::string_view url) {
  // Before anything can show it: "jdbc:mysql://u:p@h" has its user-info after
  // the subprotocol, where only the URL without "jdbc:" shows it.
  AddUrlSecrets(url);
  AddUrlSecrets(url.substr(std::min(url.size(), kJdbc.size())));
  Translator t(url);
  std::string_view rest = url.substr(kJdbc.size());
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) t.Fail("no subprotocol (such as postgresql:)");
  std::string sub = Lower(rest.substr(0, colon));
  rest.remove_prefix(colon + 1);
  JdbcTranslation result;
  if (sub == "postgresql") {
    result.url = TranslatePostgres(t, rest);
  } else if (sub == "mysql" || sub == "mariadb") {
    result.url = TranslateMysql(t, sub, rest);
  } else if (sub == "sqlite") {
    result.url = TranslateSqlite(t, rest);
  } else {
    t.Fail("the subprotocol '" + sub + "' has no flyrun driver");
  }
  AddUrlSecrets(result.url);
  result.ignored = t.TakeIgnored();
  return result;
}

std::string FlyrunUrl(std::string_view url) {
  if (!IsJdbcUrl(url)) return std::string(url);
  JdbcTranslation translation = TranslateJdbcUrl(url);
  // Once per URL and process, though the configuration is read once per verb.
  static std::mutex mutex;
  static std::set<std::string> noticed;
  std::lock_guard<std::mutex> lock(mutex);
  if (!translation.ignored.empty() && noticed.insert(std::string(url)).second) {
    std::string names;
    for (const auto& name : translation.ignored) names += (names.empty() ? "" : ", ") + name;
    spdlog::warn("JDBC URL {}: ignoring parameter(s) {} (flyrun has no equivalent)",
                 RedactJdbcUrl(url), names);
  }
  return translation.url;
}

}  // namespace flyrun
