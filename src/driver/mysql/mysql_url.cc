#include "driver/mysql/mysql_url.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/error.h"

namespace flyrun {
namespace {

const char* kUrlHint =
    "use mysql://user:password@host:3306/database (or mariadb://...), "
    "e.g. mysql://app@db.example.com/app?ssl-mode=REQUIRED";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// `what` names the URL part in the error; the text itself is never shown
/// because it may be the password.
std::string PercentDecode(const std::string& text, const char* what) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    bool complete = i + 2 < text.size();
    int hi = complete ? HexValue(text[i + 1]) : -1;
    int lo = complete ? HexValue(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      throw UsageError(std::string("bad percent-encoding in the ") + what + " of the MySQL URL",
                       "write a literal % as %25");
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// "ssl_mode", "sslMode" and "SSL-MODE" all become "ssl-mode".
std::string NormalizeKey(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '_') {
      out.push_back('-');
    } else if (std::isupper(static_cast<unsigned char>(c)) && !out.empty() && out.back() != '-' &&
               std::islower(static_cast<unsigned char>(out.back()))) {
      out.push_back('-');
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

MysqlSslMode ParseSslMode(const std::string& value) {
  std::string v = Lower(value);
  std::replace(v.begin(), v.end(), '-', '_');
  if (v == "disabled" || v == "disable" || v == "false") return MysqlSslMode::kDisabled;
  if (v == "preferred" || v == "prefer") return MysqlSslMode::kPreferred;
  if (v == "required" || v == "require" || v == "true") return MysqlSslMode::kRequired;
  if (v == "verify_ca") return MysqlSslMode::kVerifyCa;
  if (v == "verify_identity" || v == "verify_full") return MysqlSslMode::kVerifyIdentity;
  throw UsageError("unknown ssl-mode '" + value + "' in the MySQL URL",
                   "use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
}

std::chrono::milliseconds ParseTimeout(const std::string& value) {
  size_t digits = 0;
  while (digits < value.size() && std::isdigit(static_cast<unsigned char>(value[digits]))) ++digits;
  std::string unit = Lower(value.substr(digits));
  if (digits == 0 || digits > 9 || (unit != "" && unit != "s" && unit != "ms" && unit != "m")) {
    throw UsageError("bad connect-timeout '" + value + "' in the MySQL URL",
                     "give seconds (10) or a duration (10s, 500ms, 1m)");
  }
  long n = std::stol(value.substr(0, digits));
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "m") return std::chrono::minutes(n);
  return std::chrono::seconds(n);
}

void SetParam(MysqlTarget& t, const std::string& raw_key, const std::string& value) {
  std::string key = NormalizeKey(raw_key);
  // Accept the spellings of the MySQL client options and of common drivers.
  static const std::map<std::string, std::string MysqlTarget::*> kPaths = {
      {"ssl-ca", &MysqlTarget::ssl_ca},           {"ssl-capath", &MysqlTarget::ssl_capath},
      {"ssl-cert", &MysqlTarget::ssl_cert},       {"ssl-key", &MysqlTarget::ssl_key},
      {"ssl-cipher", &MysqlTarget::ssl_cipher},   {"ssl-crl", &MysqlTarget::ssl_crl},
      {"ssl-crlpath", &MysqlTarget::ssl_crlpath}, {"tls-version", &MysqlTarget::tls_version},
      {"socket", &MysqlTarget::socket},           {"charset", &MysqlTarget::charset},
  };
  if (key == "ssl-mode" || key == "sslmode") {
    t.ssl_mode = ParseSslMode(value);
  } else if (key == "connect-timeout") {
    t.connect_timeout = ParseTimeout(value);
  } else if (auto it = kPaths.find(key); it != kPaths.end()) {
    t.*(it->second) = value;
  } else {
    throw UsageError("unknown parameter '" + raw_key + "' in the MySQL URL",
                     "supported: ssl-mode, ssl-ca, ssl-capath, ssl-cert, ssl-key, ssl-cipher, "
                     "ssl-crl, ssl-crlpath, tls-version, socket, connect-timeout, charset");
  }
}

void ParseQuery(MysqlTarget& t, const std::string& query) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = PercentDecode(pair.substr(0, eq), "parameters");
      std::string value = eq == std::string::npos
                              ? std::string()
                              : PercentDecode(pair.substr(eq + 1), "parameters");
      SetParam(t, key, value);
    }
    start = end + 1;
  }
}

void ParseHostPort(MysqlTarget& t, const std::string& hostport) {
  std::string host = hostport;
  std::string port;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string::npos) {
      throw UsageError("unterminated [IPv6 address] in the MySQL URL", kUrlHint);
    }
    std::string rest = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!rest.empty()) {
      if (rest.front() != ':') throw UsageError("bad host in the MySQL URL", kUrlHint);
      port = rest.substr(1);
    }
  } else if (size_t colon = host.rfind(':'); colon != std::string::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  host = PercentDecode(host, "host");
  if (!host.empty() && host.front() == '/') {
    t.socket = host;
  } else if (!host.empty()) {
    t.host = host;
  }
  if (!port.empty()) {
    bool digits = port.size() <= 5 && std::all_of(port.begin(), port.end(), [](unsigned char c) {
                    return std::isdigit(c) != 0;
                  });
    int value = digits ? std::stoi(port) : 0;
    if (value < 1 || value > 65535) {
      throw UsageError("bad port '" + port + "' in the MySQL URL", kUrlHint);
    }
    t.port = value;
  }
}

}  // namespace

std::string MysqlTarget::Describe() const {
  std::string out = user.empty() ? std::string() : user + "@";
  if (!socket.empty()) {
    out += "unix:" + socket;
  } else if (host.find(':') != std::string::npos) {
    out += "[" + host + "]:" + std::to_string(port);
  } else {
    out += host + ":" + std::to_string(port);
  }
  if (!database.empty()) out += "/" + database;
  return out;
}

MysqlTarget ParseMysqlUrl(const std::string& url) {
  size_t scheme_end = url.find("://");
  std::string scheme =
      scheme_end == std::string::npos ? std::string() : Lower(url.substr(0, scheme_end));
  if (scheme != "mysql" && scheme != "mariadb") {
    throw UsageError("not a MySQL URL (expected mysql:// or mariadb://)", kUrlHint);
  }
  std::string rest = url.substr(scheme_end + 3);

  MysqlTarget t;
  std::string query;
  if (size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string path;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  // The password may contain '@' when not encoded: the last '@' ends the credentials.
  if (size_t at = rest.rfind('@'); at != std::string::npos) {
    std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = credentials.find(':');
    t.user = PercentDecode(credentials.substr(0, colon), "user");
    if (colon != std::string::npos) {
      t.password = PercentDecode(credentials.substr(colon + 1), "password");
    }
  }
  ParseHostPort(t, rest);
  if (!path.empty() && path.back() == '/') path.pop_back();
  if (path.find('/') != std::string::npos) {
    throw UsageError("the MySQL URL path must be one database name", kUrlHint);
  }
  t.database = PercentDecode(path, "database");
  ParseQuery(t, query);
  return t;
}

}  // namespace flyrun
