#include "checksum/flyway_checksum.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "parse/script_text.h"
#include "support/test_support.h"

namespace flyrun {
namespace {

// A file's checksum as flyrun computes it for a Flyway history: the script
// reader decodes and checks the text, FlywayCrc32 hashes it.
int32_t FlywayFileChecksum(const std::filesystem::path& path, const std::string& encoding) {
  ScriptTextOptions options;
  options.encoding = encoding;
  FlywayCrc32 crc;
  ReadScriptText(path.string(), options, [&](std::string_view text) { crc.Update(text); });
  return crc.Value();
}

// `bytes` as the script reader decodes them from `encoding`.
std::string DecodeToUtf8(std::string_view bytes, const std::string& encoding,
                         const std::string& name) {
  test::TempDir dir;
  ScriptTextOptions options;
  options.encoding = encoding;
  return ReplacedScriptText(dir.Write(name, std::string(bytes)).string(), options);
}

// Vectors of FLYWAY-FACTS §1: values Flyway stores for these texts.
constexpr int32_t kCreateTable = 1556295178;  // "CREATE TABLE t (id INT);"
constexpr int32_t kSelectOne = 78787420;      // "SELECT 1;"
constexpr int32_t kAB = -1635563411;          // "ab"

// Every way of cutting `text` into two or three chunks gives the same value.
void ExpectSameHoweverCut(const std::string& text, int32_t expected) {
  EXPECT_EQ(FlywayChecksumOfText(text), expected) << text;
  for (size_t a = 0; a <= text.size(); ++a) {
    for (size_t b = a; b <= text.size(); ++b) {
      FlywayCrc32 crc;
      crc.Update(std::string_view(text).substr(0, a));
      crc.Update(std::string_view(text).substr(a, b - a));
      crc.Update(std::string_view(text).substr(b));
      ASSERT_EQ(crc.Value(), expected) << "cut at " << a << " and " << b;
    }
  }
}

TEST(FlywayChecksum, LineEndingsBomAndFinalNewlineDoNotCount) {
  for (std::string text : {"CREATE TABLE t (id INT);\n", "CREATE TABLE t (id INT);\r\n",
                           "CREATE TABLE t (id INT);\r", "CREATE TABLE t (id INT);",
                           "\xEF\xBB\xBF"
                           "CREATE TABLE t (id INT);\n"}) {
    ExpectSameHoweverCut(text, kCreateTable);
  }
  ExpectSameHoweverCut("SELECT 1;", kSelectOne);
  ExpectSameHoweverCut("SELECT 1;\n", kSelectOne);
}

TEST(FlywayChecksum, LinesAreJoinedWithoutTerminatorsAndEmptyLinesAddNothing) {
  for (std::string text : {"a\nb", "ab", "a\rb", "a\r\nb", "a\n\n\r\n\rb\n"})
    ExpectSameHoweverCut(text, kAB);
  EXPECT_EQ(FlywayChecksumOfText(""), 0);
  EXPECT_EQ(FlywayChecksumOfText("\n\r\n\r"), 0);
}

TEST(FlywayChecksum, OnlyALeadingBomIsDropped) {
  // A BOM after the first byte is text (Java's readLine keeps it).
  EXPECT_NE(FlywayChecksumOfText("\nab"), FlywayChecksumOfText("\n\xEF\xBB\xBF"
                                                               "ab"));
  EXPECT_EQ(FlywayChecksumOfText("\xEF\xBB\xBF"
                                 "ab"),
            kAB);
  // Bytes that begin like a BOM but are not one are hashed.
  EXPECT_NE(FlywayChecksumOfText("\xEF\xBB"), 0);
  ExpectSameHoweverCut(
      "\xEF\xBB"
      "x",
      FlywayChecksumOfText("\xEF\xBB"
                           "x"));
}

TEST(FlywayChecksum, CorpusFilesHaveTheChecksumsFlywaysOwnTestsAssert) {
  FLYRUN_REQUIRE_CORPUS("flyway/generic/sql");
  auto dir = test::CorpusDir() / "flyway/generic/sql";
  EXPECT_EQ(FlywayFileChecksum(dir / "V1.1__View.sql", "UTF-8"), -133051733);
  EXPECT_EQ(FlywayFileChecksum(dir / "V1__First.sql", "UTF-8"), 454910647);
}

TEST(FlywayChecksum, ANonUtf8FileIsHashedAsItsTextInUtf8) {
  test::TempDir dir;
  auto latin1 = dir.path() / "latin1.sql";
  auto utf8 = dir.path() / "utf8.sql";
  std::ofstream(latin1, std::ios::binary) << "INSERT INTO t VALUES ('caf\xE9');\r\n";
  std::ofstream(utf8, std::ios::binary) << "INSERT INTO t VALUES ('caf\xC3\xA9');\n";
  int32_t expected = FlywayFileChecksum(utf8, "UTF-8");
  EXPECT_EQ(FlywayFileChecksum(latin1, "ISO-8859-1"), expected);
  EXPECT_EQ(FlywayFileChecksum(latin1, "iso-8859-1"), expected);
  EXPECT_EQ(FlywayChecksumOfText("INSERT INTO t VALUES ('caf\xC3\xA9');"), expected);
}

TEST(FlywayChecksum, InvalidInputIsAnErrorNamingFileAndLine) {
  test::TempDir dir;
  auto file = dir.path() / "V1__bad.sql";
  std::ofstream(file, std::ios::binary) << "SELECT 1;\nSELECT 'caf\xE9';\n";
  try {
    FlywayFileChecksum(file, "UTF-8");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_EQ(e.line, 2);
    EXPECT_NE(std::string(e.what()).find("V1__bad.sql:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos) << e.what();
  }
  // Overlong forms, surrogates and truncated sequences are invalid too.
  for (std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xE2\x82", "\xF5\x80\x80\x80"})
    EXPECT_THROW(DecodeToUtf8(bad, "UTF-8", "f.sql"), Error) << bad;
  EXPECT_THROW(DecodeToUtf8("x", "no-such-encoding", "f.sql"), Error);
  EXPECT_EQ(DecodeToUtf8("caf\xE9", "ISO-8859-1", "f.sql"), "caf\xC3\xA9");
}

TEST(JavaStringHash, MatchesJavaForFlywaysLockNames) {
  // FLYWAY-FACTS §3.
  EXPECT_EQ(JavaStringHash("\"public\".\"flyway_schema_history\""), 2125624436);
  EXPECT_EQ(JavaStringHash("`app`.`flyway_schema_history`"), -320650056);
  EXPECT_EQ(JavaStringHash(""), 0);
  EXPECT_EQ(JavaStringHash("a"), 97);
  // Outside the BMP a character is two UTF-16 code units: U+1F600 = D83D DE00.
  EXPECT_EQ(JavaStringHash("\xF0\x9F\x98\x80"), static_cast<int32_t>(0xD83D * 31 + 0xDE00));
}

}  // namespace
}  // namespace flyrun
