#pragma once

// JDBC URLs, as Flyway projects write them, translated into the URLs flyrun's
// drivers take:
//
//   jdbc:postgresql://h1:5432,h2:5432/db?currentSchema=s&user=u&password=p
//     -> postgresql://h1:5432,h2:5432/db?options=-c%20search_path%3Ds&user=u&password=p
//   jdbc:mysql://host:3306/db?user=u&password=p&useSSL=true
//     -> mysql://u:p@host:3306/db?ssl-mode=REQUIRED
//   jdbc:mariadb://host/db?sslMode=verify-full  -> mariadb://host/db?ssl-mode=VERIFY_IDENTITY
//   jdbc:sqlite:path.db, jdbc:sqlite::memory:, jdbc:sqlite:file:path.db
//     -> sqlite:path.db, sqlite::memory:, sqlite:path.db
//
// Parameters without an equivalent are dropped and listed, never an error.
// The passwords of the URL are registered as secrets (config/secrets.h)
// before anything is parsed, and no message quotes them.

#include <string>
#include <string_view>
#include <vector>

namespace flyrun {

/// Whether `url` is a JDBC URL ("jdbc:" in any case).
bool IsJdbcUrl(std::string_view url);

struct JdbcTranslation {
  std::string url;  ///< the flyrun URL (it holds the password: show it with RedactUrl)
  /// The parameters that have no equivalent and were dropped, by name as
  /// written, in the order of the URL.
  std::vector<std::string> ignored;
};

/// Translates a JDBC URL (IsJdbcUrl). Registers every password of it first.
/// Throws Error(kUsage) for a subprotocol flyrun has no driver for or a
/// malformed URL or parameter value; the message shows the URL as
/// RedactJdbcUrl does.
///
/// PostgreSQL (pgjdbc parameters, case-insensitive): user, password, sslmode,
/// ssl (true = sslmode=require unless sslmode is given), sslcert, sslkey,
/// sslrootcert, sslpassword, currentSchema (the session's search_path, so its
/// first schema is the default one), options, ApplicationName,
/// connectTimeout and loginTimeout (seconds), targetServerType (primary and
/// master = read-write, secondary and slave = standby, preferSecondary =
/// prefer-standby, any), tcpKeepAlive, gssEncMode. Values are decoded as
/// pgjdbc decodes them ('+' is a blank).
///
/// MySQL and MariaDB (Connector/J and MariaDB Connector/J): the path is the
/// default database; user and password go into the user-info; sslMode
/// (MySQL's DISABLED...VERIFY_IDENTITY or MariaDB's disable, trust,
/// verify-ca, verify-full), useSSL/useSsl, requireSSL, verifyServerCertificate,
/// trustServerCertificate, serverSslCert (a file), connectTimeout
/// (milliseconds), localSocket; useUnicode and a UTF-8 characterEncoding are
/// flyrun's default and dropped silently. One host only.
///
/// SQLite (sqlite-jdbc): jdbc:sqlite:path, jdbc:sqlite: and
/// jdbc:sqlite::memory: (in memory), jdbc:sqlite:file:path (URI form,
/// percent-decoded); parameters after '?' are dropped.
JdbcTranslation TranslateJdbcUrl(std::string_view url);

/// The JDBC URL safe to show: its passwords (user-info and password-like
/// parameters) replaced by "***".
std::string RedactJdbcUrl(std::string_view url);

/// `url` as flyrun's drivers take it: a JDBC URL translated, with one warning
/// naming the dropped parameters and the URL (password hidden); any other URL
/// unchanged.
std::string FlyrunUrl(std::string_view url);

}  // namespace flyrun
