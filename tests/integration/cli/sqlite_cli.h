#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace flyrun::test {

/// The flyrun binary on a SQLite file in a fresh directory: what every
/// end-to-end SQLite test starts from.
class SqliteCli : public ::testing::Test {
 protected:
  TempDir dir;
  std::string db_path() const { return (dir.path() / "app.db").string(); }
  std::string url() const { return "sqlite:" + db_path(); }

  /// flyrun `args` in the directory, with FLYRUN_URL pointing at the file
  /// unless `env` sets it.
  RunResult Run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    if (!env.count("FLYRUN_URL")) env["FLYRUN_URL"] = url();
    return RunFlyrun(args, dir.path(), env);
  }
  /// The first column of the first row of `sql`, as a number.
  long long Count(const std::string& sql) {
    SQLite::Database db(db_path());
    return db.execAndGet(sql).getInt64();
  }
  bool TableExists(const std::string& name) {
    return Count("SELECT count(*) FROM sqlite_master WHERE name='" + name + "'") > 0;
  }
};

}  // namespace flyrun::test
