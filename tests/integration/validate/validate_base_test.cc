// `flyrun validate --base REF` against real git repositories built in a temp
// dir with the git command line (the product reads them through libgit2).
#include <gtest/gtest.h>

#include <stdexcept>

#include "git_cli.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ValidateBase : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveGit()) GTEST_SKIP() << "git is not installed";
    G("init -q");
    dir.Write("sql/V1__create_users.sql", "CREATE TABLE users (id INT PRIMARY KEY);\n");
    dir.Write("sql/V2__add_email.sql", "ALTER TABLE users ADD COLUMN email TEXT;\n");
    dir.Write("sql/U2__add_email.sql", "ALTER TABLE users DROP COLUMN email;\n");
    dir.Write("sql/R__views.sql", "CREATE VIEW v AS SELECT id FROM users;\n");
    Commit("main");
  }

  // Runs git in the repository; a failing git command fails the test.
  std::string G(const std::string& args, const std::filesystem::path& where = {}) {
    std::string out;
    int rc = Git(where.empty() ? dir.path() : where, args, &out);
    if (rc != 0) throw std::runtime_error("git " + args + " failed: " + out);
    return out;
  }
  void Commit(const std::string& message) {
    G("add -A");
    G("commit -q -m " + ShellQuote(message));
  }
  RunResult Validate(std::vector<std::string> args, const std::filesystem::path& where = {}) const {
    args.insert(args.begin(), "validate");
    return RunFlyrun(args, where.empty() ? dir.path() : where);
  }

  TempDir dir;
};

TEST_F(ValidateBase, TwoBranchesBothAddingV5) {
  dir.Write("sql/V3__c.sql", "SELECT 3;\n");
  dir.Write("sql/V4__d.sql", "SELECT 4;\n");
  Commit("v3 and v4");
  G("checkout -q -b a");
  dir.Write("sql/V5__from_a.sql", "CREATE TABLE a (id INT);\n");
  Commit("a adds V5");
  G("checkout -q main");
  G("checkout -q -b b");
  dir.Write("sql/V5__from_b.sql", "CREATE TABLE b (id INT);\n");
  Commit("b adds V5");

  auto r = Validate({"--base", "a"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out,
                  "error[duplicate-version]: sql/V5__from_b.sql has the same version (5) "
                  "as sql/V5__from_a.sql at a"))
      << r.out;
  // a's V5 is not b's deletion: it was added on a after b forked.
  EXPECT_FALSE(Has(r.out, "deleted-migration")) << r.out;
  EXPECT_TRUE(Has(r.out, "1 problem found")) << r.out;

  // b validated against main (which has neither V5) is fine.
  auto clean = Validate({"--base", "main"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_TRUE(Has(clean.out, "against main: no problems")) << clean.out;

  // Once a is merged into b, both files are in the working tree.
  G("merge -q --no-edit a");
  auto merged = Validate({"--base", "a"});
  EXPECT_EQ(merged.exit_code, 3) << merged.out;
  EXPECT_TRUE(Has(merged.out, "error[duplicate-version]")) << merged.out;
}

TEST_F(ValidateBase, AnEditedShippedMigration) {
  G("checkout -q -b feature");
  dir.Write("sql/V1__create_users.sql", "CREATE TABLE users (id BIGINT PRIMARY KEY);\n");
  Commit("edit V1");
  auto r = Validate({"--base", "main"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out,
                  "sql/V1__create_users.sql: error[edited-migration]: "
                  "sql/V1__create_users.sql differs from the version shipped at main"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "git checkout main -- sql/V1__create_users.sql")) << r.out;
}

TEST_F(ValidateBase, UncommittedChangesCountAndLineEndingsDoNot) {
  dir.Write("sql/U2__add_email.sql", "ALTER TABLE users DROP COLUMN email; -- edited\n");
  auto edited = Validate({"--base", "HEAD"});
  EXPECT_EQ(edited.exit_code, 3) << edited.out;
  EXPECT_TRUE(Has(edited.out, "error[edited-migration]: sql/U2__add_email.sql")) << edited.out;

  dir.Write("sql/U2__add_email.sql", "ALTER TABLE users DROP COLUMN email;\r\n");
  dir.Write("sql/R__views.sql", "CREATE VIEW v AS SELECT id, email FROM users;\n");
  auto crlf = Validate({"--base", "HEAD"});
  EXPECT_EQ(crlf.exit_code, 0) << crlf.out;
}

TEST_F(ValidateBase, ABranchWhoseNewVersionIsBelowMainsHighest) {
  G("checkout -q -b feature");
  dir.Write("sql/V5__feature.sql", "CREATE TABLE f (id INT);\n");
  Commit("feature adds V5");
  G("checkout -q main");
  dir.Write("sql/V10__main.sql", "CREATE TABLE m (id INT);\n");
  Commit("main adds V10");
  G("checkout -q feature");

  auto r = Validate({"--base", "main"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out,
                  "error[version-not-above-base]: sql/V5__feature.sql is new, but its "
                  "version (5) is not above 10, the highest version at main"))
      << r.out;
  EXPECT_FALSE(Has(r.out, "deleted-migration")) << r.out;

  auto out_of_order = RunFlyrun({"--out-of-order", "validate", "--base", "main"}, dir.path());
  EXPECT_EQ(out_of_order.exit_code, 0) << out_of_order.out << out_of_order.err;
}

TEST_F(ValidateBase, ADeletedShippedFile) {
  G("checkout -q -b feature");
  G("rm -q sql/V2__add_email.sql sql/U2__add_email.sql");
  Commit("drop V2");
  auto r = Validate({"--base", "main"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out,
                  "error[deleted-migration]: sql/V2__add_email.sql exists at main but "
                  "not in the working tree"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "error[deleted-migration]: sql/U2__add_email.sql")) << r.out;
  EXPECT_TRUE(Has(r.out, "2 problems found")) << r.out;
}

TEST_F(ValidateBase, ARenamedShippedFile) {
  G("checkout -q -b feature");
  G("mv sql/V2__add_email.sql sql/V2__add_email_column.sql");
  Commit("rename V2");
  auto r = Validate({"--base", "main"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out,
                  "sql/V2__add_email_column.sql: error[renamed-migration]: "
                  "sql/V2__add_email.sql at main was renamed to "
                  "sql/V2__add_email_column.sql\n"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "1 problem found")) << r.out;

  // Renamed and edited: still a rename, since the branch had the file.
  dir.Write("sql/V2__add_email_column.sql", "ALTER TABLE users ADD COLUMN email VARCHAR(200);\n");
  auto edited = Validate({"--base", "main"});
  EXPECT_TRUE(Has(edited.out, "was renamed to sql/V2__add_email_column.sql and edited"))
      << edited.out;
}

TEST_F(ValidateBase, ANewVersionAboveTheBaseIsFine) {
  G("checkout -q -b feature");
  dir.Write("sql/V3__add_name.sql", "ALTER TABLE users ADD COLUMN name TEXT;\n");
  dir.Write("sql/U3__add_name.sql", "ALTER TABLE users DROP COLUMN name;\n");
  dir.Write("sql/R__views.sql", "CREATE VIEW v AS SELECT id, email FROM users;\n");
  Commit("V3");
  for (const char* ref : {"main", "HEAD~1", "feature~1", "HEAD"}) {
    auto r = Validate({"--base", ref});
    EXPECT_EQ(r.exit_code, 0) << ref << "\n" << r.out << r.err;
  }
}

TEST_F(ValidateBase, ARefThatIsNotInTheRepositoryExits2WithAHint) {
  auto r = Validate({"--base", "origin/main"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Has(r.err, "git revision 'origin/main' not found")) << r.err;
  EXPECT_TRUE(Has(r.err, "fetch-depth: 0")) << r.err;
  EXPECT_TRUE(Has(r.err, "git fetch")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;

  auto json = RunFlyrun({"--output", "json", "validate", "--base", "nope"}, dir.path());
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_TRUE(Has(json.out, "\"exit_code\": 2")) << json.out;
}

TEST_F(ValidateBase, OutsideARepositoryExits2) {
  TempDir plain;
  plain.Write("sql/V1__a.sql", "SELECT 1;\n");
  auto r = RunFlyrun({"validate", "--base", "main"}, plain.path());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_TRUE(Has(r.err, "not inside a git repository")) << r.err;
}

TEST_F(ValidateBase, LocationsInASubdirectoryRunFromThere) {
  dir.Write("app/db/V1__a.sql", "SELECT 1;\n");
  dir.Write("app/db/V2__b.sql", "SELECT 2;\n");
  Commit("app");
  G("checkout -q -b feature");
  G("rm -q app/db/V1__a.sql");
  Commit("drop");
  // --locations is global; the default (sql) does not exist under app/.
  auto located = RunFlyrun({"--locations", "db", "validate", "--base", "main"}, dir.path() / "app");
  EXPECT_EQ(located.exit_code, 3) << located.out << located.err;
  EXPECT_TRUE(Has(located.out, "error[deleted-migration]: db/V1__a.sql exists at main"))
      << located.out;
}

TEST_F(ValidateBase, AShallowCloneWithoutTheMergeBase) {
  dir.Write("sql/V3__c.sql", "SELECT 3;\n");
  Commit("v3");
  G("checkout -q -b a");
  dir.Write("sql/V4__from_a.sql", "SELECT 'a';\n");
  Commit("a");
  G("checkout -q main");
  G("checkout -q -b b");
  dir.Write("sql/V4__from_b.sql", "SELECT 'b';\n");
  Commit("b");

  TempDir ci;
  G("clone -q --depth 1 --branch b " + ShellQuote("file://" + dir.path().string()) + " clone",
    ci.path());
  auto clone = ci.path() / "clone";
  auto missing = Validate({"--base", "origin/a"}, clone);
  EXPECT_EQ(missing.exit_code, 2) << missing.out << missing.err;
  EXPECT_TRUE(Has(missing.err, "fetch-depth")) << missing.err;

  G("fetch -q --depth 1 origin a:refs/remotes/origin/a", clone);
  auto r = Validate({"--base", "origin/a"}, clone);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(Has(r.out,
                  "error[duplicate-version]: sql/V4__from_b.sql has the same version (4) "
                  "as sql/V4__from_a.sql at origin/a"))
      << r.out;
  // Without the merge base, a's V4 may look deleted; the hint says what to do.
  EXPECT_TRUE(Has(r.out, "merge or rebase onto origin/a")) << r.out;
}

}  // namespace
}  // namespace flyrun::test
