#include "driver/mysql/mysql_connect.h"

#include <cppconn/exception.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include <algorithm>

#include "core/error.h"

namespace flyrun {
namespace {

constexpr int kBadDatabase = 1049;  // ER_BAD_DB_ERROR
constexpr int kTlsError = 2026;     // CR_SSL_CONNECTION_ERROR

/// Error numbers that mean "you may not log in": retrying cannot help.
bool IsAuthFailure(int code) {
  switch (code) {
    case 1044:  // ER_DBACCESS_DENIED_ERROR
    case 1045:  // ER_ACCESS_DENIED_ERROR
    case 1251:  // ER_NOT_SUPPORTED_AUTH_MODE
    case 1698:  // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
    case 1820:  // ER_MUST_CHANGE_PASSWORD
    case 1862:  // ER_MUST_CHANGE_PASSWORD_LOGIN
    case 4151:  // ER_ACCOUNT_HAS_BEEN_LOCKED
      return true;
    default:
      return false;
  }
}

Error ConnectError(const sql::SQLException& e, const MysqlTarget& target) {
  Error sql_error = MysqlSqlError(e);
  std::string hint;
  if (IsAuthFailure(sql_error.vendor_code)) {
    hint =
        "check the user and password (url, user, password or password_file) and the user's "
        "grants for this host";
  } else if (sql_error.vendor_code == kTlsError) {
    hint = "TLS failed: check ssl-mode and ssl-ca in the URL against the server's certificate";
  } else if (sql_error.vendor_code == kBadDatabase) {
    hint = "create the database first, or connect without one and set schema";
  } else {
    hint =
        "check that the server is running and reachable at this host and port "
        "(connect_retries waits for a server that is starting)";
  }
  Error err(ExitCode::kConnect,
            "cannot connect to MySQL " + target.Describe() + ": " + sql_error.what(), hint);
  err.vendor_code = sql_error.vendor_code;
  // Class 28 tells the factory not to retry.
  err.sqlstate = IsAuthFailure(err.vendor_code) ? "28000" : sql_error.sqlstate;
  return err;
}

sql::ConnectOptionsMap ConnectOptions(const MysqlTarget& t, std::chrono::milliseconds timeout) {
  sql::ConnectOptionsMap o;
  if (!t.socket.empty()) {
    o["hostName"] = sql::SQLString("unix://" + t.socket);
  } else {
    // The port goes in the URI: a separate "port" option makes the connector
    // ignore a socket, and "tcp://" forces TCP even for "localhost".
    std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
    o["hostName"] = sql::SQLString("tcp://" + host + ":" + std::to_string(t.port));
  }
  o["userName"] = sql::SQLString(t.user);
  o["password"] = sql::SQLString(t.password);
  if (!t.database.empty()) o["schema"] = sql::SQLString(t.database);
  // The shorter of the URL's connect-timeout and connect_timeout (which a
  // wait's deadline may have cut). The connector counts whole seconds and
  // waits as long for the server's greeting as for the TCP connection.
  auto ms = timeout;
  if (t.connect_timeout.count() > 0 && (ms.count() <= 0 || t.connect_timeout < ms))
    ms = t.connect_timeout;
  if (ms.count() > 0)
    o["OPT_CONNECT_TIMEOUT"] = static_cast<int>(std::max<long long>(1, (ms.count() + 500) / 1000));
  o["OPT_CHARSET_NAME"] = sql::SQLString(t.charset);
  o["CLIENT_MULTI_STATEMENTS"] = false;
  o["OPT_RECONNECT"] = false;  // a silent reconnect would drop the migration lock

  if (t.ssl_mode != MysqlSslMode::kDisabled) {
    auto set = [&o](const char* key, const std::string& value) {
      if (!value.empty()) o[key] = sql::SQLString(value);
    };
    set("sslCA", t.ssl_ca);
    set("sslCAPath", t.ssl_capath);
    set("sslCert", t.ssl_cert);
    set("sslKey", t.ssl_key);
    set("sslCipher", t.ssl_cipher);
    set("sslCRL", t.ssl_crl);
    set("sslCRLPath", t.ssl_crlpath);
    set("OPT_TLS_VERSION", t.tls_version);
  }
  // libmariadb has no ssl-mode of its own: enforce = REQUIRED, verify = the
  // certificate chain and the host name.
  switch (t.ssl_mode) {
    case MysqlSslMode::kPreferred:
    case MysqlSslMode::kDisabled:
      break;
    case MysqlSslMode::kRequired:
      o["sslEnforce"] = true;
      o["sslVerify"] = false;
      break;
    case MysqlSslMode::kVerifyCa:
    case MysqlSslMode::kVerifyIdentity:
      o["sslEnforce"] = true;
      o["sslVerify"] = true;
      break;
  }
  return o;
}

sql::mysql::MySQL_Driver& ConnectorDriver() {
  // Initialised once (thread-safe static): the connector initialises the
  // client library on first use.
  static sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
  return *driver;
}

}  // namespace

MysqlThreadScope::MysqlThreadScope() { ConnectorDriver().threadInit(); }

MysqlThreadScope::~MysqlThreadScope() { ConnectorDriver().threadEnd(); }

std::shared_ptr<MysqlSession> ConnectMysql(const MysqlTarget& target,
                                           std::chrono::milliseconds timeout) {
  std::unique_ptr<sql::Connection> connection;
  try {
    sql::ConnectOptionsMap options = ConnectOptions(target, timeout);
    connection.reset(ConnectorDriver().connect(options));
  } catch (const sql::SQLException& e) {
    throw ConnectError(e, target);
  } catch (const std::exception& e) {
    throw Error(ExitCode::kConnect,
                "cannot connect to MySQL " + target.Describe() + ": " + std::string(e.what()));
  }
  return std::make_shared<MysqlSession>(std::move(connection));
}

}  // namespace flyrun
