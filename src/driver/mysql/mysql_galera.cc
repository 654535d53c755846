#include "driver/mysql/mysql_galera.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/error.h"
#include "driver/mysql/mysql_session.h"
#include "driver/mysql/mysql_sql.h"

namespace flyrun {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

/// wsrep_sync_wait bit 1: READ (SELECT, SHOW, BEGIN) waits until the node has
/// applied what the cluster committed before it. Writes need no wait: one
/// based on a stale row fails certification (error 1213) instead of committing.
/// Migrations' own INSERTs and UPDATEs thus cost no extra round of the group.
constexpr int kCausalReads = 1;

}  // namespace

GaleraNode PrepareGaleraSession(MysqlSession& session, const std::string& database,
                                const std::string& table) {
  GaleraNode node;
  // SHOW VARIABLES answers on every server, with no row for an unknown name.
  std::map<std::string, std::string> vars;
  for (const auto& row : session.Query(
           "SHOW SESSION VARIABLES WHERE Variable_name IN ('wsrep_on', 'wsrep_OSU_method')")) {
    if (row.size() >= 2 && row[0]) vars[Lower(*row[0])] = row[1].value_or("");
  }
  node.on = Upper(vars["wsrep_on"]) == "ON";
  if (!node.on) return node;

  std::map<std::string, std::string> status;
  for (const auto& row : session.Query(
           "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_cluster_status')")) {
    if (row.size() >= 2 && row[0]) status[Lower(*row[0])] = row[1].value_or("");
  }
  if (Upper(status["wsrep_ready"]) != "ON" || Upper(status["wsrep_cluster_status"]) != "PRIMARY") {
    // Not sqlstate class 28: connect_retries and `wait` try again.
    throw Error(ExitCode::kConnect,
                "this Galera node is not part of the cluster's primary component "
                "(wsrep_cluster_status " +
                    status["wsrep_cluster_status"] + ", wsrep_ready " + status["wsrep_ready"] +
                    "): it has lost touch with most of the cluster and accepts no work",
                "connect to another node of the cluster, or wait until this one rejoins "
                "(connect_retries retries)");
  }

  std::string osu = Upper(vars["wsrep_osu_method"]);
  if (!osu.empty() && osu != "TOI") {
    throw UsageError(
        "wsrep_OSU_method is " + osu +
            " on this Galera node: schema changes would run on this node alone and not "
            "replicate, and the rows written after them would then fail on the other nodes",
        "migrate with wsrep_OSU_method = TOI (the default): SET GLOBAL wsrep_OSU_method = 'TOI' "
        "on every node, or drop the SET wsrep_OSU_method from init_sql");
  }

  if (!database.empty()) {
    auto engine =
        session.Scalar("SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                       SqlLiteral(database) + " AND TABLE_NAME = " + SqlLiteral(table));
    if (engine && Lower(*engine) != "innodb") {
      std::string name = QuoteIdent(database) + "." + QuoteIdent(table);
      throw UsageError(
          "the history table " + name + " uses ENGINE=" + *engine +
              ": Galera replicates only InnoDB tables, so the other nodes would "
              "not see its rows",
          "convert it once, with no flyrun running: ALTER TABLE " + name + " ENGINE=InnoDB");
    }
  }

  session.Run("SET SESSION wsrep_sync_wait = @@SESSION.wsrep_sync_wait | " +
              std::to_string(kCausalReads));
  return node;
}

std::string GaleraLockCaveat() {
  return "this is a Galera node, and GET_LOCK is local to one Galera node: a flyrun connected to "
         "another node of the cluster would not see it";
}

}  // namespace flyrun
