// Property: a script split whole and split with its input cut anywhere (one byte
// at a time, at each single offset, at random offsets) gives the same statements,
// positions, flags, COPY data and errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "render.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

struct Input {
  std::string label;
  std::string text;
  Dialect dialect;
  std::string options_text;
};

std::vector<Input> GoldenInputs() {
  std::vector<Input> inputs;
  for (const char* dir : {"postgres", "mysql", "sqlite"}) {
    for (const auto& path : GoldenCases(dir)) {
      auto options = std::filesystem::path(path).replace_extension(".options");
      inputs.push_back({path, ReadFile(path), DialectOfDir(dir),
                        std::filesystem::exists(options) ? ReadFile(options) : std::string()});
    }
  }
  return inputs;
}

std::vector<Input> CorpusInputs() {
  std::vector<Input> inputs;
  for (const auto& e : std::filesystem::recursive_directory_iterator(CorpusDir() / "flyway")) {
    if (e.path().extension() != ".sql") continue;
    std::string p = e.path().string();
    Dialect d = p.find("/mysql/") != std::string::npos    ? Dialect::kMysql
                : p.find("/sqlite/") != std::string::npos ? Dialect::kSqlite
                                                          : Dialect::kPostgres;
    inputs.push_back({p, ReadFile(e.path()), d, ""});
  }
  return inputs;
}

void CheckCuts(const Input& in, size_t max_single_cuts) {
  SplitOptions base = GoldenOptions(in.dialect, in.options_text);
  base.chunk_size = 64 * 1024;
  const std::string reference = Render(in.text, "x.sql", base);

  SplitOptions bytewise = base;
  bytewise.chunk_size = 1;
  ASSERT_EQ(reference, Render(in.text, "x.sql", bytewise)) << in.label << ": chunk_size 1";

  const size_t n = in.text.size();
  size_t stride = n <= max_single_cuts ? 1 : n / max_single_cuts + 1;
  for (size_t cut = 1; cut < n; cut += stride) {
    ASSERT_EQ(reference, Render(in.text, "x.sql", base, {{cut}, true}))
        << in.label << ": cut at byte " << cut;
  }

  std::mt19937 rng(static_cast<unsigned>(n));
  for (int round = 0; round < 20 && n > 1; ++round) {
    std::vector<size_t> cuts;
    std::uniform_int_distribution<size_t> at(1, n - 1);
    for (int k = 0; k < 1 + round % 7; ++k) cuts.push_back(at(rng));
    SplitOptions small = base;
    small.chunk_size = 1 + rng() % 97;
    ASSERT_EQ(reference, Render(in.text, "x.sql", small, {cuts, true}))
        << in.label << ": random cuts, chunk_size " << small.chunk_size;
  }

  // COPY data left unread is skipped the same way however the input is cut.
  std::string unread = Render(in.text, "x.sql", base, {{}, false});
  ASSERT_EQ(unread, Render(in.text, "x.sql", bytewise, {{}, false})) << in.label;
}

void CheckEveryCut(const std::vector<Input>& inputs) {
  for (const auto& in : inputs) {
    SCOPED_TRACE(in.label);
    CheckCuts(in, 3000);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(ChunkProperty, GoldenFilesSplitTheSameAtEveryCut) {
  auto inputs = GoldenInputs();
  ASSERT_GT(inputs.size(), 30u);
  CheckEveryCut(inputs);
}

TEST(ChunkProperty, CorpusFilesSplitTheSameAtEveryCut) {
  FLYRUN_REQUIRE_CORPUS("flyway");
  auto inputs = CorpusInputs();
  ASSERT_GT(inputs.size(), 30u);
  CheckEveryCut(inputs);
}

TEST(ChunkProperty, CrlfAndBomAtEveryCut) {
  std::string text =
      "\xEF\xBB\xBF-- flyrun:transaction=false\r\nCREATE TABLE t (a text);\r\r\n"
      "INSERT INTO t VALUES ('a\r\nb');\rCOPY t FROM stdin;\r\nx\r\n\\.\r\nSELECT $$\r\n$$";
  for (Dialect d : {Dialect::kPostgres, Dialect::kMysql, Dialect::kSqlite}) {
    CheckCuts({"crlf", text, d, ""}, 100000);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace flyrun::test
