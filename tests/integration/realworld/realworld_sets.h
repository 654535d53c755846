#pragma once

#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace flyrun::test {

enum class Engine { kPostgres, kMysql, kSqlite };

/// A value that differs between two correct runs by design (a random value,
/// the time of day), replaced in the row dumps of both databases before they
/// are compared. `why` names the file and line that cause it.
struct Mask {
  std::string pattern;  ///< ECMAScript regex over one dumped row
  std::string replacement;
  std::string why;
};

/// One directory of corpus/realworld: a real Flyway project, with what its
/// SOURCES.md says the project configures.
struct RealworldSet {
  std::string name;  ///< directory under corpus/realworld
  Engine engine = Engine::kPostgres;
  std::vector<std::string> locations;  ///< sub-directories, in the project's order
  std::vector<std::pair<std::string, std::string>> placeholders;
  std::string table;  ///< history table; empty: the tool's default
  bool out_of_order = false;
  bool placeholder_replacement = true;
  std::string target;  ///< empty: latest
  /// Further Flyway keys the project sets (conf name -> value) that leave the
  /// result on an empty database unchanged; only the Flyway forms pass them.
  std::vector<std::pair<std::string, std::string>> flyway_extra;
  /// Files that Flyway runs outside a transaction by itself (CONCURRENTLY):
  /// the native client runs them without one too.
  std::set<std::string> outside_transaction;
  /// Files with their own COMMIT, which Flyway simply sends and flyrun's own
  /// rules accept only under `-- flyrun:transaction=false` (README, "Each
  /// versioned migration runs in one transaction"); the native client still
  /// runs them in one transaction, which their COMMIT ends early.
  std::set<std::string> own_commit;
  std::string jdbc_subprotocol;  ///< "postgresql", "mysql", "mariadb", "sqlite"
  std::vector<Mask> masks;
  bool needs_mysql8 = false;  ///< MariaDB rejects the files with its own client too
};

/// Every set of corpus/realworld.
const std::vector<RealworldSet>& RealworldSets();
const RealworldSet& FindSet(const std::string& name);

/// corpus/realworld/<name>.
std::filesystem::path SetDir(const RealworldSet& set);

/// A migration file and the order Flyway gives it.
struct ScriptFile {
  std::filesystem::path path;
  std::string name;  ///< file name
  bool repeatable = false;
};

struct ScriptOrder {
  std::vector<ScriptFile> applied;       ///< in the order Flyway applies them
  std::vector<ScriptFile> above_target;  ///< versioned files above the target
};

/// The set's versioned files by version (up to its target), then its
/// repeatables by description: the order in which Flyway applies them to an
/// empty database. Files without a V/R prefix and a `__` are not migrations.
ScriptOrder OrderScripts(const RealworldSet& set);

/// Compares two versions as Flyway does: parts split on `.` and `_`, numeric,
/// trailing zero parts ignored. Negative, zero or positive.
int CompareVersions(const std::string& a, const std::string& b);

/// `text` with every `${name}` of the set's placeholders replaced by its value
/// (when the set replaces placeholders): what Flyway sends to the database.
std::string ReplacePlaceholders(const RealworldSet& set, std::string text);

}  // namespace flyrun::test
