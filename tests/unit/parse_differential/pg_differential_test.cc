// flyrun's PostgreSQL statement boundaries against PostgreSQL's own parser
// (libpg_query), on every script the parser accepts: the shared corpus of real
// migrations, the golden cases and the differential fuzzer's seeds. A script the
// parser rejects (psql meta-commands, COPY data, placeholders) says nothing here;
// the golden and corpus tests cover those.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "differential/pg_boundaries.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> FilesUnder(const fs::path& root, const std::string& extension) {
  std::vector<fs::path> files;
  if (!fs::is_directory(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    if (extension.empty() || entry.path().extension() == extension) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// Compares every file; returns how many the parser accepted.
size_t CompareAll(const std::vector<fs::path>& files) {
  size_t compared = 0;
  for (const auto& file : files) {
    BoundaryComparison c = ComparePostgresBoundaries(ReadFile(file));
    if (!c.comparable) continue;
    ++compared;
    EXPECT_EQ(c.difference, "") << file.string();
  }
  return compared;
}

TEST(PgDifferential, CorpusScriptsSplitWherePostgresSplitsThem) {
  FLYRUN_REQUIRE_CORPUS("flyway/postgresql");
  fs::path corpus = CorpusDir();
  std::vector<fs::path> files;
  for (const char* dir : {"flyway/postgresql", "flyway/generic"}) {
    auto some = FilesUnder(corpus / dir, ".sql");
    files.insert(files.end(), some.begin(), some.end());
  }
  for (const auto& set : fs::directory_iterator(corpus / "realworld")) {
    if (set.path().filename().string().find("-postgres") == std::string::npos) continue;
    auto some = FilesUnder(set.path(), ".sql");
    files.insert(files.end(), some.begin(), some.end());
  }
  ASSERT_GT(files.size(), 150u);
  // Most of the corpus is plain SQL the parser accepts; a drop here means the
  // comparison stopped comparing, not that the splitter got better.
  size_t compared = CompareAll(files);
  std::printf("compared %zu of %zu corpus scripts\n", compared, files.size());
  EXPECT_GT(compared, files.size() * 3 / 4);
}

TEST(PgDifferential, GoldenCasesSplitWherePostgresSplitsThem) {
  auto files = FilesUnder(FLYRUN_GOLDEN_DIR, ".sql");
  ASSERT_FALSE(files.empty());
  EXPECT_GT(CompareAll(files), 0u);
}

TEST(PgDifferential, FuzzerSeedsSplitWherePostgresSplitsThem) {
  auto files = FilesUnder(FLYRUN_PG_DIFFERENTIAL_SEEDS, "");
  ASSERT_FALSE(files.empty());
  EXPECT_GT(CompareAll(files), 0u);
}

/// The comparison itself: a script cut in the wrong place is caught.
TEST(PgDifferential, AWrongBoundaryIsReported) {
  BoundaryComparison same = ComparePostgresBoundaries("SELECT 1; SELECT 'a;b';");
  EXPECT_TRUE(same.comparable);
  EXPECT_EQ(same.difference, "");
  // Not comparable: PostgreSQL rejects it, so it says nothing about boundaries.
  EXPECT_FALSE(ComparePostgresBoundaries("SELEC 1;").comparable);
  // Not UTF-8: libpg_query copies the byte into its JSON; nothing to compare.
  EXPECT_FALSE(ComparePostgresBoundaries("SELECT 'a\xC1"
                                         "b';")
                   .comparable);

  const std::string script = "SELECT 1; SELECT 'a;b'; SELECT 3";
  EXPECT_EQ(CompareWithParser(script, {"SELECT 1", "SELECT 'a;b'", "SELECT 3"}).difference, "");
  EXPECT_NE(CompareWithParser(script, {"SELECT 1", "SELECT 'a", "b'", "SELECT 3"}).difference, "");
  EXPECT_NE(CompareWithParser(script, {"SELECT 1; SELECT 'a;b'", "SELECT 3"}).difference, "");
  EXPECT_NE(CompareWithParser(script, {"SELECT 1", "SELECT 'a;b'"}).difference, "");
  EXPECT_NE(CompareWithParser(script, {"SELECT 1", "SELECT 'a;b'", "SELECT 4"}).difference, "");
}

}  // namespace
}  // namespace flyrun::test
