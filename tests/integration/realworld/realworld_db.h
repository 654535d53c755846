#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "realworld_sets.h"

namespace flyrun::test {

struct ToolResult {
  int exit_code = -1;
  std::string out, err;
};

/// Runs a program found on PATH (a database's own client) with `args`, stdin
/// from `input` (else /dev/null), in the current environment plus `env`.
ToolResult RunTool(const std::vector<std::string>& args, const std::filesystem::path& input = {},
                   const std::map<std::string, std::string>& env = {});

/// A file for the database's own client, and whether the client runs it in
/// one transaction.
struct ClientFile {
  std::filesystem::path path;
  bool in_transaction = true;
};

/// An empty database of one engine made for one test and dropped after it,
/// reached through the database's own command-line tools.
class ScratchDb {
 public:
  virtual ~ScratchDb() = default;
  /// flyrun's own URL (postgresql://, mysql://, sqlite:).
  virtual std::string flyrun_url() const = 0;
  /// A JDBC URL without credentials: jdbc:<subprotocol>://host:port/db or jdbc:sqlite:path.
  virtual std::string jdbc_url(const std::string& subprotocol) const = 0;
  virtual std::string user() const = 0;
  virtual std::string password() const = 0;
  /// The database's name as it may appear inside dumps (empty for SQLite).
  virtual std::string name() const = 0;

  /// Feeds one file to the database's own client, stopping at the first
  /// error; `in_transaction`: the whole file in one transaction.
  virtual ToolResult Apply(const std::filesystem::path& file, bool in_transaction) const = 0;
  /// Apply for each file in order, up to the first that fails; the result's
  /// `err` then names that file.
  virtual ToolResult ApplyAll(const std::vector<ClientFile>& files) const;
  /// The rows of `sql`, one line each, columns separated by tabs.
  virtual std::string Query(const std::string& sql) const = 0;
  /// The schema (every object but the history table), as the client dumps it.
  virtual std::string Schema(const std::string& history) const = 0;
  /// The rows of every table but the history table, sorted within each table.
  virtual std::string Rows(const std::string& history) const = 0;
  /// `name` quoted as an identifier.
  virtual std::string Quote(const std::string& name) const = 0;

  /// The history rows without the columns that differ by run (who, when, how long).
  std::string History(const std::string& history) const;
};

/// The environment variable with the server's URL ("" for SQLite).
std::string ServerUrlVariable(Engine engine);

/// A new scratch database; SQLite files go into `dir`.
std::unique_ptr<ScratchDb> CreateScratchDb(Engine engine, const std::filesystem::path& dir,
                                           const std::string& tag);

/// The server's version string (SELECT VERSION() / server_version).
std::string ServerVersion(const ScratchDb& db, Engine engine);

}  // namespace flyrun::test
