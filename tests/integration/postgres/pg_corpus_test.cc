// Flyway's own PostgreSQL and generic migration fixtures (corpus/flyway, see
// its SOURCES.md) applied by flyrun to fresh databases.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "pg_test_util.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

struct CorpusCase {
  std::string dir;     ///< under corpus/flyway
  int exit_code = 0;   ///< expected from `migrate`
  std::string expect;  ///< text the output must contain, when set
  bool superuser = false;
  std::vector<std::string> extra;  ///< more flags
};

CorpusCase Case(std::string dir, int exit_code = 0, std::string expect = {}, bool superuser = false,
                std::vector<std::string> extra = {}) {
  return CorpusCase{std::move(dir), exit_code, std::move(expect), superuser, std::move(extra)};
}

void PrintTo(const CorpusCase& c, std::ostream* os) { *os << c.dir; }

std::string Name(const ::testing::TestParamInfo<CorpusCase>& info) {
  std::string name = info.param.dir + (info.param.superuser ? "_superuser" : "");
  for (char& c : name)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

class PgCorpus : public ::testing::TestWithParam<CorpusCase> {};

TEST_P(PgCorpus, Migrates) {
  FLYRUN_SERVER_URL(url, "FLYRUN_TEST_PG_URL");
  const CorpusCase& c = GetParam();
  FLYRUN_REQUIRE_CORPUS(std::filesystem::path("flyway") / c.dir);
  auto location = CorpusDir() / "flyway" / c.dir;
  ASSERT_TRUE(std::filesystem::is_directory(location)) << location;
  PgScratchDatabase db;
  TempDir cwd;
  std::vector<std::string> args{"--url", c.superuser ? db.admin_url() : db.url(), "--locations",
                                location.string()};
  args.insert(args.end(), c.extra.begin(), c.extra.end());
  args.push_back("migrate");
  RunResult r = RunFlyrun(args, cwd.path());
  EXPECT_EQ(c.exit_code, r.exit_code) << r.out << r.err;
  if (!c.expect.empty()) {
    EXPECT_NE(std::string::npos, (r.out + r.err).find(c.expect)) << r.out << r.err;
  }
  if (c.exit_code == 0) {
    EXPECT_EQ("0", db.Query("SELECT count(*) FROM flyrun_schema_history WHERE NOT success"));
    RunResult again = RunFlyrun(args, cwd.path());
    EXPECT_EQ(0, again.exit_code) << again.out << again.err;
  } else {
    // Transactional: the failing migration left no row behind.
    EXPECT_EQ("0", db.Query("SELECT count(*) FROM flyrun_schema_history WHERE NOT success"));
  }
  if (c.dir == "postgresql/copy" && c.exit_code == 0) {
    EXPECT_EQ("6", db.Query("SELECT count(*) FROM copy_test"));
    EXPECT_EQ("utf8: ümlaute: äüß", db.Query("SELECT c2 FROM copy_test WHERE c1 = 4"));
  }
  if (c.dir == "postgresql/setrole" && c.exit_code == 0) {
    db.Query("DROP ROLE IF EXISTS testrole");
  }
}

const std::string kDirective = "flyrun:transaction=false";

INSTANTIATE_TEST_SUITE_P(
    Flyway, PgCorpus,
    ::testing::Values(Case("postgresql/aggregate"), Case("postgresql/basetype", 1, "42501"),
                      Case("postgresql/basetype", 0, "", true),
                      Case("postgresql/concurrent", 3, kDirective, false,
                           {"--placeholder", "schema=public"}),
                      Case("postgresql/copy"), Case("postgresql/dollar"), Case("postgresql/domain"),
                      Case("postgresql/enum"), Case("postgresql/function"),
                      Case("postgresql/index", 3, kDirective), Case("postgresql/inheritance"),
                      Case("postgresql/lock"), Case("postgresql/materializedview"),
                      Case("postgresql/multiline"), Case("postgresql/procedure"),
                      Case("postgresql/rule"), Case("postgresql/setrole", 1, "42501"),
                      Case("postgresql/setrole", 0, "", true), Case("postgresql/trigger"),
                      Case("postgresql/type"), Case("postgresql/vacuum", 3, kDirective),
                      Case("postgresql/view"), Case("postgresql/warning", 1, "P0001"),
                      Case("generic/comment"), Case("generic/quote"), Case("generic/semicolon"),
                      Case("generic/sql"), Case("generic/subdir")),
    Name);

}  // namespace
}  // namespace flyrun::test
