#pragma once

#include <memory>

#include "driver/driver.h"

namespace flyrun {

/// The MySQL/MariaDB driver (Connector/C++ 1.1 on libmariadb).
///
/// URLs: see ParseMysqlUrl (mysql_url.h); `options.user`/`password` override the
/// URL's. `options.schema` names the database that holds the history table
/// (default: the URL's database); EnsureHistoryTable creates it when missing and
/// makes it the session's current database, so migrations land there.
/// `init_sql` is split like a script and runs right after connecting; a failure
/// there is Error(kUsage).
///
/// Transactions: Begin() turns autocommit off, so after a DDL statement (which
/// MySQL commits implicitly) the following statements and the history row form
/// a new transaction; LastCommittedStatement() says which statements a failed
/// script left committed. Statements are sent one at a time (no
/// multi-statements); a statement of comments only is a no-op.
///
/// Lock: GET_LOCK on "flyrun:<database>.<table>" (hashed past 64 characters),
/// polled in one-second slices up to the timeout, released by RELEASE_LOCK or
/// by the server when the connection ends.
///
/// Interrupts: a statement of a script (and a GET_LOCK wait) that runs when
/// SIGINT/SIGTERM arrives is killed with KILL QUERY from a second connection
/// (MysqlQueryKiller) and Execute throws Error(kInterrupted).
///
/// Connects once (no retries: the factory retries). Throws Error(kConnect) when
/// the server cannot be reached, with sqlstate "28000" (class 28) for
/// authentication failures so they are not retried.
std::unique_ptr<Driver> OpenMysql(const ConnectionOptions& options);

}  // namespace flyrun
