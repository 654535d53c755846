#pragma once

#include <string>

namespace flyrun {

class MysqlSession;

/// What a connection to a MariaDB Galera node means for migrating it.
struct GaleraNode {
  bool on = false;  ///< the session replicates through Galera (@@wsrep_on)
};

/// Asks the server whether the session runs on a Galera node (@@wsrep_on; a
/// server without the variable, such as MySQL, is not one) and, on one:
/// - throws Error(kConnect) when the node is not in the primary component
///   (it lost touch with most of the cluster): it would refuse or stall every
///   statement, and another node, or this one later, can do the work;
/// - refuses a wsrep_OSU_method other than TOI with Error(kUsage): under RSU
///   a schema change runs on this node alone, and the rows written after it
///   then break replication on the other nodes;
/// - refuses a history table `database`.`table` that exists and is not InnoDB
///   with Error(kUsage): Galera replicates only InnoDB rows;
/// - makes the session's reads causal (wsrep_sync_wait gains READ): a read
///   first waits until this node has applied what the cluster committed
///   before it, so a run sees the history and the lock rows that other nodes
///   wrote. A write based on a stale row fails certification instead.
/// Called after init_sql, which may change these session settings.
GaleraNode PrepareGaleraSession(MysqlSession& session, const std::string& database,
                                const std::string& table);

/// NativeLockCaveat() on a Galera node.
std::string GaleraLockCaveat();

}  // namespace flyrun
