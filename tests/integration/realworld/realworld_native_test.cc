// Every real Flyway project of corpus/realworld (see its README and each
// set's SOURCES.md), run with flyrun's own flags, leaves the same schema and
// rows as the database's own client applying the same files in the same
// order. This proves the comparison itself; realworld_dropin_test.cc runs the
// same comparison with the projects' Flyway configuration.
#include <gtest/gtest.h>

#include "realworld_check.h"

namespace flyrun::test {
namespace {

class RealworldNative : public ::testing::TestWithParam<std::string> {};

TEST_P(RealworldNative, SameAsNativeClient) { CheckAgainstNativeClient(GetParam(), Form::kNative); }

INSTANTIATE_TEST_SUITE_P(Corpus, RealworldNative, ::testing::ValuesIn(SetNames()), SetTestName);

// A set added to the corpus is compared too, not forgotten.
TEST(RealworldCorpus, EverySetIsListed) {
  FLYRUN_REQUIRE_CORPUS("realworld");
  std::set<std::string> dirs, listed;
  for (const auto& e : std::filesystem::directory_iterator(CorpusDir() / "realworld"))
    if (e.is_directory()) dirs.insert(e.path().filename().string());
  for (const auto& name : SetNames()) listed.insert(name);
  EXPECT_EQ(dirs, listed);
}

// The comparison sees a difference: the client leaves out the last file.
TEST(RealworldCorpus, ComparisonSeesAMissingFile) {
  const RealworldSet& set = FindSet("conductor-sqlite");
  FLYRUN_REQUIRE_CORPUS(std::filesystem::path("realworld") / set.name);
  TempDir work;
  auto by_flyrun = CreateScratchDb(set.engine, work.path(), "flyrun");
  auto by_client = CreateScratchDb(set.engine, work.path(), "client");
  Invocation inv = Prepare(Form::kNative, set, *by_flyrun, work.path() / "flyrun");
  RunResult migrated = Migrate(inv);
  ASSERT_EQ(0, migrated.exit_code) << migrated.err;
  ScriptOrder order = OrderScripts(set);
  ASSERT_GE(order.applied.size(), 2u);
  std::vector<ClientFile> all_but_last;
  for (size_t i = 0; i + 1 < order.applied.size(); ++i)
    all_but_last.push_back({order.applied[i].path});
  ToolResult r = by_client->ApplyAll(all_but_last);
  ASSERT_EQ(0, r.exit_code) << r.err;
  const std::string& history = inv.history_table;
  bool same_schema = SameText("schemas", "client", by_client->Schema(history), "flyrun",
                              by_flyrun->Schema(history));
  bool same_rows =
      SameText("rows", "client", by_client->Rows(history), "flyrun", by_flyrun->Rows(history));
  EXPECT_FALSE(same_schema && same_rows) << order.applied.back().name << " made no difference";
  EXPECT_FALSE(InfoShowsApplied(R"({"migrations": []})", order));
}

TEST(RealworldCorpus, VersionsCompareAsFlywayDoes) {
  EXPECT_LT(CompareVersions("4.9.1", "4.100"), 0);
  EXPECT_LT(CompareVersions("4.101.1631562784", "4.101.1639764160"), 0);
  EXPECT_EQ(CompareVersions("5.0_2014.08.08", "5.0.2014.8.8"), 0);
  EXPECT_EQ(CompareVersions("1.0", "1"), 0);
  EXPECT_LT(CompareVersions("111", "111_1"), 0);
  EXPECT_GT(CompareVersions("20200810154730", "9"), 0);
}

}  // namespace
}  // namespace flyrun::test
