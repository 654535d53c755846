#include <algorithm>

#include <gtest/gtest.h>

#include "config/config.h"
#include "core/error.h"
#include "support/test_support.h"

namespace flyrun {
namespace {

TEST(ConfigUndoRequired, DefaultsToFalse) {
  test::TempDir dir;
  EXPECT_FALSE(LoadConfig({}, {}, dir.path()).undo_required);
}

TEST(ConfigUndoRequired, FromFileEnvironmentAndFlag) {
  test::TempDir dir;
  dir.Write("flyrun.yaml", "undo_required: true\nenvironments:\n  ci:\n    undo_required: no\n");
  EXPECT_TRUE(LoadConfig({}, {}, dir.path()).undo_required);

  ConfigInputs ci;
  ci.env_name = "ci";
  EXPECT_FALSE(LoadConfig(ci, {}, dir.path()).undo_required);
  EXPECT_TRUE(LoadConfig(ci, {{"FLYRUN_UNDO_REQUIRED", "yes"}}, dir.path()).undo_required);

  ConfigInputs flag = ci;
  flag.flags["undo_required"] = "false";
  EXPECT_FALSE(LoadConfig(flag, {{"FLYRUN_UNDO_REQUIRED", "true"}}, dir.path()).undo_required);
}

TEST(ConfigUndoRequired, RejectsANonBoolean) {
  test::TempDir dir;
  dir.Write("flyrun.yaml", "undo_required: sometimes\n");
  try {
    LoadConfig({}, {}, dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("undo_required"), std::string::npos) << e.what();
    EXPECT_EQ(e.line, 1);
  }
}

TEST(ConfigUndoRequired, IsAKnownKeyAndTyposAreCaught) {
  const auto& keys = ConfigKeys();
  EXPECT_NE(std::find(keys.begin(), keys.end(), "undo_required"), keys.end());
  test::TempDir dir;
  dir.Write("flyrun.yaml", "undo_requird: true\n");
  try {
    LoadConfig({}, {}, dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(e.hint().find("undo_required"), std::string::npos) << e.hint();
  }
}

TEST(ConfigDialect, AliasesAnyCaseAndPrecedence) {
  test::TempDir dir;
  EXPECT_FALSE(LoadConfig({}, {}, dir.path()).dialect);
  dir.Write("flyrun.yaml", "dialect: MariaDB\nenvironments:\n  pg:\n    dialect: postgres\n");
  EXPECT_EQ(LoadConfig({}, {}, dir.path()).dialect, Dialect::kMysql);
  ConfigInputs pg;
  pg.env_name = "pg";
  EXPECT_EQ(LoadConfig(pg, {}, dir.path()).dialect, Dialect::kPostgres);
  EXPECT_EQ(LoadConfig(pg, {{"FLYRUN_DIALECT", "sqlite"}}, dir.path()).dialect, Dialect::kSqlite);
  ConfigInputs flag = pg;
  flag.flags["dialect"] = "postgresql";
  EXPECT_EQ(LoadConfig(flag, {{"FLYRUN_DIALECT", "sqlite"}}, dir.path()).dialect,
            Dialect::kPostgres);
}

TEST(ConfigDialect, RejectsAnUnknownDialectNamingTheKey) {
  test::TempDir dir;
  dir.Write("flyrun.yaml", "dialect: oracle\n");
  try {
    LoadConfig({}, {}, dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("dialect: 'oracle' is not a dialect"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.line, 1);
  }
}

}  // namespace
}  // namespace flyrun
