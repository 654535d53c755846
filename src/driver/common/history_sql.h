#pragma once

#include <string>

namespace flyrun {

/// Column list of the history table (SPEC 7), in the order every driver's
/// SELECT and INSERT use.
inline constexpr const char* kHistoryColumns =
    "installed_rank, version, description, type, script, checksum, installed_by, installed_on, "
    "execution_time, success";

/// CREATE TABLE statement for the history table; `qualified` is the quoted,
/// schema-qualified name, `timestamp_type` the dialect's column type for
/// installed_on with its default (e.g. "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP").
inline std::string HistoryTableDdl(const std::string& qualified, const std::string& timestamp_type,
                                   const std::string& boolean_type = "BOOLEAN") {
  return "CREATE TABLE IF NOT EXISTS " + qualified +
         " (installed_rank INT NOT NULL PRIMARY KEY,"
         " version VARCHAR(50),"
         " description VARCHAR(200) NOT NULL,"
         " type VARCHAR(20) NOT NULL,"
         " script VARCHAR(1000) NOT NULL,"
         " checksum VARCHAR(64),"
         " installed_by VARCHAR(100) NOT NULL,"
         " installed_on " +
         timestamp_type +
         ","
         " execution_time INT NOT NULL,"
         " success " +
         boolean_type + " NOT NULL)";
}

}  // namespace flyrun
