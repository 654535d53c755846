// Golden cases: tests/data/parse/<dialect>/<case>.sql is split and compared with
// <case>.expected (format: render.h). FLYRUN_UPDATE_GOLDEN=1 rewrites the expected
// files instead; review the diff before committing it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "render.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

struct GoldenCase {
  std::string dir;   // postgres, mysql, sqlite
  std::string path;  // absolute path of the .sql file
};

std::vector<GoldenCase> AllCases() {
  std::vector<GoldenCase> all;
  for (const char* dir : {"postgres", "mysql", "sqlite"}) {
    for (const auto& path : GoldenCases(dir)) all.push_back({dir, path});
  }
  return all;
}

std::string Sibling(const std::string& sql_path, const char* extension) {
  return std::filesystem::path(sql_path).replace_extension(extension).string();
}

class Golden : public testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, MatchesExpected) {
  const GoldenCase& c = GetParam();
  std::string options_path = Sibling(c.path, ".options");
  std::string options_text =
      std::filesystem::exists(options_path) ? ReadFile(options_path) : std::string();
  std::string name = c.dir + "/" + std::filesystem::path(c.path).filename().string();
  std::string actual =
      Render(ReadFile(c.path), name, GoldenOptions(DialectOfDir(c.dir), options_text));
  std::string expected_path = Sibling(c.path, ".expected");
  if (EnvOr("FLYRUN_UPDATE_GOLDEN") == "1") {
    std::ofstream(expected_path, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << expected_path;
  }
  ASSERT_TRUE(std::filesystem::exists(expected_path)) << expected_path;
  EXPECT_EQ(ReadFile(expected_path), actual) << "golden mismatch for " << c.path;
}

std::string CaseName(const testing::TestParamInfo<GoldenCase>& info) {
  std::string name = info.param.dir + "_" + std::filesystem::path(info.param.path).stem().string();
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Parse, Golden, testing::ValuesIn(AllCases()), CaseName);

TEST(GoldenCoverage, SeveralDozenCasesPerDialect) {
  EXPECT_GE(GoldenCases("postgres").size(), 30u);
  EXPECT_GE(GoldenCases("mysql").size(), 24u);
  EXPECT_GE(GoldenCases("sqlite").size(), 12u);
}

}  // namespace
}  // namespace flyrun::test
