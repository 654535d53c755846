#include "vcs/git_repository.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "git_builder.h"
#include "support/test_support.h"

namespace flyrun::vcs {
namespace {

namespace fs = std::filesystem;
using test::GitBuilder;

class GitRepositoryTest : public ::testing::Test {
 protected:
  GitRepositoryTest() : git_(dir_.path()) {
    first_ = git_.Commit("main", {{"sql/V1__a.sql", "select 1;\n"},
                                  {"sql/sub/V2__b.sql", "select 2;\n"},
                                  {"sql/.hidden/V9__x.sql", "x"},
                                  {"sql/.V8__dot.sql", "x"},
                                  {"sql/notes.txt", "n"},
                                  {"README.md", "r"}});
    second_ = git_.Commit("main", {{"sql/V1__a.sql", "select 1;\n"}}, {first_});
    side_ = git_.Commit("side", {{"other.sql", "o"}}, {first_});
    git_.Tag("v1", first_);
  }

  std::map<std::string, std::string> List(const Revision& rev, const std::string& dir,
                                          bool only_sql = false) {
    GitRepository repo = GitRepository::Discover(dir_.path());
    std::map<std::string, std::string> files;
    repo.ListFiles(
        rev, dir,
        [only_sql](std::string_view name) {
          return !only_sql || (name.size() > 4 && name.substr(name.size() - 4) == ".sql");
        },
        [&files](const std::string& path, std::string_view content) {
          files.emplace(path, std::string(content));
        });
    return files;
  }

  test::TempDir dir_;
  GitBuilder git_;
  std::string first_, second_, side_;
};

TEST_F(GitRepositoryTest, DiscoversTheRepositoryFromASubdirectory) {
  fs::create_directories(dir_.path() / "a" / "b");
  GitRepository repo = GitRepository::Discover(dir_.path() / "a" / "b");
  EXPECT_EQ(repo.workdir(), fs::canonical(dir_.path()));
}

TEST_F(GitRepositoryTest, OutsideARepositoryIsAUsageError) {
  test::TempDir elsewhere;
  try {
    GitRepository::Discover(elsewhere.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("not inside a git repository"), std::string::npos);
  }
}

TEST_F(GitRepositoryTest, ResolvesBranchesTagsAncestryAndIds) {
  GitRepository repo = GitRepository::Discover(dir_.path());
  EXPECT_EQ(repo.Resolve("main").commit, second_);
  EXPECT_EQ(repo.Resolve("HEAD").commit, second_);
  EXPECT_EQ(repo.Resolve("main~1").commit, first_);
  EXPECT_EQ(repo.Resolve("v1").commit, first_);
  EXPECT_EQ(repo.Resolve(first_.substr(0, 10)).commit, first_);
  Revision tree = repo.Resolve("main^{tree}");
  EXPECT_TRUE(tree.commit.empty());
  EXPECT_EQ(tree.tree, repo.Resolve("main").tree);
  EXPECT_EQ(repo.Resolve("side").spec, "side");
}

TEST_F(GitRepositoryTest, AnUnknownRevisionIsAUsageErrorWithAShallowCloneHint) {
  GitRepository repo = GitRepository::Discover(dir_.path());
  EXPECT_FALSE(repo.TryResolve("origin/main"));
  EXPECT_FALSE(repo.TryResolve(""));
  try {
    repo.Resolve("origin/main");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("'origin/main' not found"), std::string::npos) << e.what();
    EXPECT_NE(e.hint().find("fetch-depth: 0"), std::string::npos) << e.hint();
    EXPECT_NE(e.hint().find("git fetch"), std::string::npos) << e.hint();
  }
}

TEST_F(GitRepositoryTest, MergeBaseOfTwoBranches) {
  GitRepository repo = GitRepository::Discover(dir_.path());
  auto base = repo.MergeBase(repo.Resolve("main"), repo.Resolve("side"));
  ASSERT_TRUE(base);
  EXPECT_EQ(base->commit, first_);
  EXPECT_FALSE(repo.MergeBase(repo.Resolve("main^{tree}"), repo.Resolve("side")));
  std::string orphan = git_.Commit("orphan", {{"x.sql", "x"}});
  EXPECT_FALSE(repo.MergeBase(repo.Resolve("main"), repo.Resolve("orphan")));
}

TEST_F(GitRepositoryTest, ListsFilesRecursivelySkippingHiddenOnes) {
  GitRepository repo = GitRepository::Discover(dir_.path());
  auto files = List(repo.Resolve("v1"), "sql");
  std::map<std::string, std::string> expected = {
      {"V1__a.sql", "select 1;\n"}, {"sub/V2__b.sql", "select 2;\n"}, {"notes.txt", "n"}};
  EXPECT_EQ(files, expected);
  EXPECT_EQ(List(repo.Resolve("v1"), "sql", true).size(), 2u);
  EXPECT_EQ(List(repo.Resolve("v1"), "sql/sub").size(), 1u);
  EXPECT_EQ(List(repo.Resolve("v1"), "").count("README.md"), 1u);
  EXPECT_TRUE(List(repo.Resolve("v1"), "missing").empty());
  EXPECT_TRUE(List(repo.Resolve("v1"), "README.md").empty());
  EXPECT_EQ(List(repo.Resolve("main"), "sql").size(), 1u);
}

TEST_F(GitRepositoryTest, RelativePaths) {
  GitRepository repo = GitRepository::Discover(dir_.path());
  fs::create_directories(dir_.path() / "app");
  EXPECT_EQ(repo.RelativePath("sql", dir_.path()), "sql");
  EXPECT_EQ(repo.RelativePath("../sql/x", dir_.path() / "app"), "sql/x");
  EXPECT_EQ(repo.RelativePath("./db/migrations/", dir_.path()), "db/migrations");
  EXPECT_EQ(repo.RelativePath(dir_.path(), "/"), "");
  EXPECT_EQ(repo.RelativePath(".", dir_.path()), "");
  EXPECT_FALSE(repo.RelativePath("..", dir_.path()));
  EXPECT_FALSE(repo.RelativePath("/usr", dir_.path()));
}

// CI containers often run as another user than the one who owns the
// checkout; flyrun only reads objects, so it does not insist on ownership.
TEST_F(GitRepositoryTest, ARepositoryOwnedByAnotherUserCanBeRead) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give the repository away";
  auto give = [](const fs::path& p) { ASSERT_EQ(::lchown(p.c_str(), 10001, 10001), 0) << p; };
  give(dir_.path());
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) give(entry.path());
  GitRepository repo = GitRepository::Discover(dir_.path());
  EXPECT_EQ(repo.Resolve("main").commit, second_);
}

TEST_F(GitRepositoryTest, MovesKeepItUsable) {
  GitRepository repo = GitRepository::Discover(dir_.path());
  GitRepository moved = std::move(repo);
  EXPECT_EQ(moved.Resolve("main").commit, second_);
}

}  // namespace
}  // namespace flyrun::vcs
