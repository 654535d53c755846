#include "mysql_test_util.h"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include <memory>
#include <random>
#include <stdexcept>

#include "driver/mysql/mysql_url.h"

namespace flyrun::test {
namespace {

struct UrlParts {
  std::string head;  ///< "mysql://user:pw@host:port"
  std::string database;
  std::string query;  ///< without '?'
};

UrlParts Split(const std::string& url) {
  UrlParts p;
  std::string rest = url;
  if (auto q = rest.find('?'); q != std::string::npos) {
    p.query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  auto scheme = rest.find("://");
  auto slash = rest.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash != std::string::npos) {
    p.database = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  p.head = rest;
  return p;
}

std::string Join(const UrlParts& p) {
  return p.head + "/" + p.database + (p.query.empty() ? "" : "?" + p.query);
}

}  // namespace

std::string MysqlUrlWithDatabase(const std::string& url, const std::string& database) {
  UrlParts p = Split(url);
  p.database = database;
  return Join(p);
}

std::string MysqlUrlWithPassword(const std::string& url, const std::string& password) {
  UrlParts p = Split(url);
  auto scheme = p.head.find("://") + 3;
  auto at = p.head.rfind('@');
  std::string credentials = p.head.substr(scheme, at - scheme);
  std::string user = credentials.substr(0, credentials.find(':'));
  p.head = p.head.substr(0, scheme) + user + ":" + password + p.head.substr(at);
  return Join(p);
}

std::string MysqlUrlPassword(const std::string& url) { return ParseMysqlUrl(url).password; }

int MysqlUrlPort(const std::string& url) { return ParseMysqlUrl(url).port; }

std::string MysqlUrlWithParam(const std::string& url, const std::string& param) {
  UrlParts p = Split(url);
  p.query += (p.query.empty() ? "" : "&") + param;
  return Join(p);
}

std::string UniqueDatabaseName(const std::string& tag) {
  static std::mt19937_64 rng(std::random_device{}());
  std::string clean;
  for (char c : tag) {
    clean.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c))
                                                                : '_');
  }
  if (clean.size() > 40) clean.resize(40);
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%08llx",
                static_cast<unsigned long long>(rng() & 0xffffffffULL));
  return "flyrun_" + clean + "_" + suffix;
}

std::vector<MysqlRow> MysqlQuery(const std::string& url, const std::string& sql) {
  MysqlTarget t = ParseMysqlUrl(url);
  sql::ConnectOptionsMap o;
  o["hostName"] = sql::SQLString(t.socket.empty() ? "tcp://" + t.host + ":" + std::to_string(t.port)
                                                  : "unix://" + t.socket);
  o["userName"] = sql::SQLString(t.user);
  o["password"] = sql::SQLString(t.password);
  if (!t.database.empty()) o["schema"] = sql::SQLString(t.database);
  std::vector<MysqlRow> rows;
  try {
    std::unique_ptr<sql::Connection> c(sql::mysql::get_mysql_driver_instance()->connect(o));
    std::unique_ptr<sql::Statement> s(c->createStatement());
    bool has_rows = s->execute(sql);
    bool first = true;
    while (true) {
      if (has_rows) {
        std::unique_ptr<sql::ResultSet> r(s->getResultSet());
        unsigned columns = r->getMetaData()->getColumnCount();
        while (r->next()) {
          if (!first) continue;
          MysqlRow row;
          for (unsigned i = 1; i <= columns; ++i) {
            if (r->isNull(i)) {
              row.emplace_back(std::nullopt);
            } else {
              row.emplace_back(std::string(r->getString(i)));
            }
          }
          rows.push_back(std::move(row));
        }
        first = false;
      }
      if (!s->getMoreResults()) break;
      has_rows = true;
    }
  } catch (const sql::SQLException& e) {
    throw std::runtime_error(std::string("MysqlQuery: ") + e.what() + " [" +
                             std::to_string(e.getErrorCode()) + "] in: " + sql);
  }
  return rows;
}

std::string MysqlScalar(const std::string& url, const std::string& sql) {
  auto rows = MysqlQuery(url, sql);
  if (rows.empty() || rows[0].empty() || !rows[0][0]) return {};
  return *rows[0][0];
}

ScratchDatabase::ScratchDatabase(const std::string& base_url, const std::string& tag)
    : base_url_(base_url), name_(UniqueDatabaseName(tag)) {
  MysqlQuery(base_url_, "CREATE DATABASE `" + name_ + "`");
  url_ = MysqlUrlWithDatabase(base_url_, name_);
}

ScratchDatabase::~ScratchDatabase() {
  try {
    MysqlQuery(base_url_, "DROP DATABASE IF EXISTS `" + name_ + "`");
  } catch (...) {
  }
}

}  // namespace flyrun::test
