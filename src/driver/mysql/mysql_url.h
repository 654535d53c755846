#pragma once

#include <chrono>
#include <string>

namespace flyrun {

/// TLS modes of `?ssl-mode=` (names as in the MySQL client). libmariadb verifies
/// the host name whenever it verifies the certificate, so VERIFY_CA behaves as
/// VERIFY_IDENTITY: stricter, never weaker.
enum class MysqlSslMode { kPreferred, kDisabled, kRequired, kVerifyCa, kVerifyIdentity };

/// Where and how to connect, parsed from a `mysql://` or `mariadb://` URL:
///
///   mysql://[user[:password]@][host][:port][/database][?param=value&...]
///
/// User, password, host and database are percent-decoded. The host may be an
/// IPv6 address in brackets, or a percent-encoded Unix socket path
/// (`%2Frun%2Fmysqld%2Fmysqld.sock`). Parameters (case-insensitive, `_` and
/// `-` alike): ssl-mode (DISABLED, PREFERRED, REQUIRED, VERIFY_CA,
/// VERIFY_IDENTITY), ssl-ca, ssl-capath, ssl-cert, ssl-key, ssl-cipher,
/// ssl-crl, ssl-crlpath, tls-version, socket, connect-timeout (seconds or a
/// duration such as 5s), charset (default utf8mb4).
struct MysqlTarget {
  std::string user;
  std::string password;
  std::string host = "localhost";
  int port = 3306;
  std::string database;  ///< empty when the URL names none
  std::string socket;    ///< Unix socket path; when set, host and port are not used

  MysqlSslMode ssl_mode = MysqlSslMode::kPreferred;
  std::string ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher, ssl_crl, ssl_crlpath;
  std::string tls_version;
  std::string charset = "utf8mb4";
  std::chrono::milliseconds connect_timeout{0};  ///< 0 = not given in the URL

  /// "user@host:port/database" (or "user@unix:/path/database"), no password:
  /// safe to show.
  std::string Describe() const;
};

/// Parses the URL. Throws Error(kUsage) for a malformed URL, a bad port, an
/// unknown parameter or ssl-mode value; the message never contains the password.
MysqlTarget ParseMysqlUrl(const std::string& url);

}  // namespace flyrun
