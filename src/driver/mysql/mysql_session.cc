#include "driver/mysql/mysql_session.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>

#include <regex>

namespace flyrun {
namespace {

std::string HintFor(int code) {
  switch (code) {
    case 1044:
    case 1142:
    case 1143:
    case 1227:
    case 1370:
      return "the migration user lacks a privilege this statement needs; grant it, or run this "
             "migration as a user that has it (a DEFINER other than yourself needs SUPER or SET "
             "USER)";
    case 1418:
    case 1419:
      return "binary logging is on: set log_bin_trust_function_creators=1 on the server, or "
             "declare the function DETERMINISTIC / NO SQL / READS SQL DATA";
    case 2006:
    case 2013:
      return "the connection to the server was lost; the statement may or may not have been "
             "applied: check the database and the server's error log";
    case 1205:
    case 1213:
      return "another session holds locks on these rows or tables; retry when it is done";
    default:
      return {};
  }
}

}  // namespace

Error MysqlSqlError(const sql::SQLException& e) {
  Error err(ExitCode::kMigrationFailed, e.what(), HintFor(e.getErrorCode()));
  err.vendor_code = e.getErrorCode();
  err.sqlstate = e.getSQLStateCStr();
  if (err.sqlstate.empty() && err.vendor_code != 0) err.sqlstate = "HY000";
  static const std::regex kAtLine(R"(at line (\d+)\s*$)");
  std::smatch m;
  std::string message = err.what();
  if (std::regex_search(message, m, kAtLine)) err.line = std::stoi(m[1]);
  return err;
}

MysqlSession::MysqlSession(std::unique_ptr<sql::Connection> connection)
    : connection_(std::move(connection)) {}

MysqlSession::~MysqlSession() {
  try {
    connection_->close();
  } catch (...) {
    // Closing a dead connection fails; the server side is gone either way.
  }
}

void MysqlSession::Run(const std::string& sql) { Query(sql); }

std::vector<MysqlSession::Row> MysqlSession::Query(const std::string& sql) {
  std::vector<Row> rows;
  try {
    std::unique_ptr<sql::Statement> statement(connection_->createStatement());
    bool has_rows = statement->execute(sql);
    bool first = true;
    // Every result is read to the end: a CALL returns one result per SELECT in
    // the procedure plus a final status, and unread results block the connection.
    while (true) {
      if (has_rows) {
        std::unique_ptr<sql::ResultSet> result(statement->getResultSet());
        if (result) {
          unsigned columns = first ? result->getMetaData()->getColumnCount() : 0;
          while (result->next()) {
            if (!first) continue;
            Row row;
            row.reserve(columns);
            for (unsigned c = 1; c <= columns; ++c) {
              if (result->isNull(c)) {
                row.emplace_back(std::nullopt);
              } else {
                row.emplace_back(std::string(result->getString(c)));
              }
            }
            rows.push_back(std::move(row));
          }
          first = false;
        }
      }
      has_rows = statement->getMoreResults();
      if (!has_rows && statement->getUpdateCount() == static_cast<uint64_t>(-1)) break;
    }
  } catch (const sql::SQLException& e) {
    throw MysqlSqlError(e);
  }
  return rows;
}

int64_t MysqlSession::Update(const std::string& sql) {
  try {
    std::unique_ptr<sql::Statement> statement(connection_->createStatement());
    return statement->executeUpdate(sql);
  } catch (const sql::SQLException& e) {
    throw MysqlSqlError(e);
  }
}

std::optional<std::string> MysqlSession::Scalar(const std::string& sql) {
  auto rows = Query(sql);
  if (rows.empty() || rows.front().empty()) return std::nullopt;
  return rows.front().front();
}

}  // namespace flyrun
