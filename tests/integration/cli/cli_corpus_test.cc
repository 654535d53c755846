// Every SQLite and generic directory of the shared corpus (real SQL written by
// others, see its SOURCES.md) applies with `flyrun migrate` on a fresh SQLite
// database, and info then shows every file as Success.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.h"

namespace flyrun::test {
namespace {

std::vector<std::filesystem::path> CorpusDirs() {
  std::vector<std::filesystem::path> dirs;
  for (const char* group : {"sqlite", "generic"}) {
    std::filesystem::path root = CorpusDir() / "flyway" / group;
    if (!std::filesystem::is_directory(root)) continue;
    for (const auto& e : std::filesystem::directory_iterator(root))
      if (e.is_directory()) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

TEST(CorpusSqlite, EveryDirectoryApplies) {
  FLYRUN_REQUIRE_CORPUS("flyway");
  auto dirs = CorpusDirs();
  ASSERT_GE(dirs.size(), 8u) << "too few corpus directories in " << CorpusDir();
  for (const auto& d : dirs) {
    TempDir tmp;
    std::string url = "sqlite:" + (tmp.path() / "corpus.db").string();
    auto r = RunFlyrun({"migrate", "--url", url, "--locations", d.string()}, tmp.path());
    EXPECT_EQ(r.exit_code, 0) << d << "\n" << r.err;
    auto info = RunFlyrun({"info", "--output", "json", "--url", url, "--locations", d.string()},
                          tmp.path());
    ASSERT_EQ(info.exit_code, 0) << info.err;
    auto doc = nlohmann::json::parse(info.out);
    ASSERT_FALSE(doc["migrations"].empty()) << d;
    for (const auto& m : doc["migrations"]) EXPECT_EQ(m["state"], "Success") << d << " " << m;
  }
}

}  // namespace
}  // namespace flyrun::test
