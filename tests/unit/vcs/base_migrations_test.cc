#include "vcs/base_migrations.h"

#include <gtest/gtest.h>

#include "checksum/checksum.h"
#include "core/error.h"
#include "git_builder.h"
#include "support/test_support.h"

namespace flyrun::vcs {
namespace {

TEST(MigrationsAt, NamesChecksumsAndPathsLikeTheWorkingTree) {
  test::TempDir dir;
  test::GitBuilder git(dir.path());
  git.Commit("main", {{"db/V1__init.sql", "create table a(x int);\r\n"},
                      {"db/U1__init.sql", "drop table a;\n"},
                      {"db/more/R__view.sql", "create view v as select 1;\n"},
                      {"db/beforeMigrate.sql", "select 1;\n"},
                      {"db/V2_bad.sql", "malformed"},
                      {"db/helpers.sql", "not a migration"},
                      {"other/V9__elsewhere.sql", "x"}});
  GitRepository repo = GitRepository::Discover(dir.path());
  auto migrations = MigrationsAt(repo, repo.Resolve("main"), {"db"}, dir.path());
  ASSERT_EQ(migrations.size(), 4u);
  std::map<std::string, const ResolvedMigration*> by_path;
  for (const auto& m : migrations) by_path[m.path.generic_string()] = &m;
  ASSERT_TRUE(by_path.count("db/V1__init.sql"));
  const ResolvedMigration& v1 = *by_path["db/V1__init.sql"];
  EXPECT_EQ(v1.kind, MigrationKind::kVersioned);
  EXPECT_EQ(v1.version->str(), "1");
  EXPECT_EQ(v1.script, "V1__init.sql");
  // CRLF at the revision, LF on disk: the same normalised checksum.
  auto on_disk = dir.Write("x/V1__init.sql", "create table a(x int);\n");
  EXPECT_EQ(v1.checksum, FileChecksum(on_disk));
  EXPECT_EQ(by_path["db/U1__init.sql"]->kind, MigrationKind::kUndo);
  ASSERT_TRUE(by_path.count("db/more/R__view.sql"));
  EXPECT_EQ(by_path["db/more/R__view.sql"]->script, "more/R__view.sql");
  EXPECT_EQ(by_path["db/beforeMigrate.sql"]->kind, MigrationKind::kCallback);
}

TEST(MigrationsAt, SeveralLocationsAndAMissingOne) {
  test::TempDir dir;
  test::GitBuilder git(dir.path());
  git.Commit("main", {{"a/V1__a.sql", "a"}, {"b/V2__b.sql", "b"}});
  GitRepository repo = GitRepository::Discover(dir.path());
  auto migrations = MigrationsAt(repo, repo.Resolve("main"), {"a", "./b", "c"}, dir.path());
  ASSERT_EQ(migrations.size(), 2u);
  EXPECT_EQ(migrations[1].path.generic_string(), "./b/V2__b.sql");
}

TEST(MigrationsAt, LocationsAreRelativeToTheWorkingDirectory) {
  test::TempDir dir;
  test::GitBuilder git(dir.path());
  git.Commit("main", {{"app/sql/V1__a.sql", "a"}});
  std::filesystem::create_directories(dir.path() / "app");
  GitRepository repo = GitRepository::Discover(dir.path() / "app");
  auto migrations = MigrationsAt(repo, repo.Resolve("main"), {"sql"}, dir.path() / "app");
  ASSERT_EQ(migrations.size(), 1u);
  EXPECT_EQ(migrations[0].path.generic_string(), "sql/V1__a.sql");
}

TEST(MigrationsAt, ALocationOutsideTheRepositoryIsAUsageError) {
  test::TempDir dir;
  test::GitBuilder git(dir.path());
  git.Commit("main", {{"sql/V1__a.sql", "a"}});
  GitRepository repo = GitRepository::Discover(dir.path());
  try {
    MigrationsAt(repo, repo.Resolve("main"), {"/"}, dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("outside the git repository"), std::string::npos);
  }
}

}  // namespace
}  // namespace flyrun::vcs
