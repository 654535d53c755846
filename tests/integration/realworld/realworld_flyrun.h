#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "realworld_db.h"
#include "realworld_sets.h"
#include "support/test_support.h"

namespace flyrun::test {

/// How flyrun is told about a project.
enum class Form {
  /// flyrun's own flags (--url postgresql://..., --locations, --placeholder,
  /// --table, ...); a file Flyway runs outside a transaction by itself gets
  /// `-- flyrun:transaction=false` added in a copy of the set.
  kNative,
  /// A flyway.conf in the working directory, nothing else: the drop-in.
  kFlywayConf,
  /// A flyway.toml in the working directory.
  kFlywayToml,
  /// FLYWAY_* environment variables only.
  kFlywayEnv,
  /// Flyway's arguments: -url=jdbc:... -user=... -locations=filesystem:... migrate.
  kFlywayArgs,
};

std::string FormName(Form form);

/// What to run: flyrun `args` + a verb, in `cwd`, with `env` added.
struct Invocation {
  std::vector<std::string> args;
  std::filesystem::path cwd;
  std::map<std::string, std::string> env;
  std::string history_table;  ///< the table this form's run keeps its history in
};

/// Writes what `form` needs under `work` (config files, a copy of the set)
/// and returns how to run flyrun on `set` against `db`.
Invocation Prepare(Form form, const RealworldSet& set, const ScratchDb& db,
                   const std::filesystem::path& work);

/// flyrun <args> migrate.
RunResult Migrate(const Invocation& inv);
/// flyrun <args> info --output json.
RunResult InfoJson(const Invocation& inv);

/// Every file of `order.applied` is Success, in that order of installed_rank;
/// every file above the target is Above Target; nothing else is listed.
::testing::AssertionResult InfoShowsApplied(const std::string& info_json, const ScriptOrder& order);

/// `a` and `b` (named `a_name`, `b_name`) are equal; otherwise the lines
/// that only one of them has (at most 30 each), labelled.
::testing::AssertionResult SameText(const std::string& what, const std::string& a_name,
                                    const std::string& a, const std::string& b_name,
                                    const std::string& b);

/// `text` with the set's masks applied to every line and `db_name` (a scratch
/// database's name) replaced by <db>.
std::string Normalise(const RealworldSet& set, const std::string& text, const std::string& db_name);

}  // namespace flyrun::test
