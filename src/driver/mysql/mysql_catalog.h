#pragma once

#include <string>

#include "driver/mysql/mysql_session.h"

namespace flyrun {

/// True when `database` holds no table, view, sequence, routine or event other
/// than the table `history_table` and its lock table (also when the database
/// does not exist).
bool MysqlSchemaIsEmpty(MysqlSession& session, const std::string& database,
                        const std::string& history_table, const std::string& lock_table);

/// Drops every event, trigger, procedure, function, view, table and sequence of
/// `database` (the history table included) with foreign key checks off for the
/// time it takes; the session's previous setting is restored afterwards.
/// `keep_table` (the lock table held while cleaning) stays.
void MysqlCleanSchema(MysqlSession& session, const std::string& database,
                      const std::string& keep_table);

}  // namespace flyrun
