#include "checksum/checksum.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "support/test_support.h"

namespace flyrun {
namespace {

constexpr char kEmpty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbcLf[] = "edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb";
constexpr char kALfB[] = "7e18f737311b2dc3b2f269dd78396b0351f14fb66efa879f768cb23181883c78";
constexpr char kALfLfB[] = "38022fd2b8dbc5cb3d2cee74e083edbf59e3d4e13d067ebcb5db633d4cff4d8c";
constexpr char kLfLf[] = "75a11da44c802486bc6f65640aa48a730f0f684c5c07a42ba3cd1735eb3fb070";
constexpr char kLf[] = "01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b";
constexpr char kAbc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kEf[] = "4d4d75d742863ab9656f3d5f76dff8589c3922e95a24ea6812157ffe4aaa3b6b";
constexpr char kEfBb[] = "f257f0501a5e137710e26f1c35ddd32ce2b5752f20274a648cb6d0347849a5a9";
constexpr char kEfBbX[] = "dc4dd292d067d94e400ed05aacbb3452f473d3e53ed3af32ca5dfe0d40806487";
constexpr char kABom[] = "7b3f2e406be832b35312bfd7bd6300df2d05744f2215e6799c943903202113c6";
constexpr char kBomX[] = "84144a41283d6dc344addf4e83189d83fdd656439675abf54e6f44ccb73b4eb6";
// sha256("abc\nv=1"): normalised file text followed by raw extra bytes.
constexpr char kAbcLfExtra[] = "7d5dfb19101ac2704806769d87d9f4dc4e7ca718114c06b2697dc1351c5a5f09";

std::string Sha(std::string_view data) {
  NormalizedSha256 sha;
  sha.Update(data);
  return sha.HexDigest();
}

// Feeds `data` cut into pieces at the given byte offsets.
std::string ShaCut(std::string_view data, const std::vector<size_t>& cuts) {
  NormalizedSha256 sha;
  size_t start = 0;
  for (size_t cut : cuts) {
    sha.Update(data.substr(start, cut - start));
    start = cut;
  }
  sha.Update(data.substr(start));
  return sha.HexDigest();
}

TEST(NormalizedSha256, KnownVectors) {
  EXPECT_EQ(Sha(""), kEmpty);
  EXPECT_EQ(Sha("abc"), kAbc);
  EXPECT_EQ(Sha("abc\n"), kAbcLf);
  EXPECT_EQ(Sha("\n"), kLf);
}

TEST(NormalizedSha256, NoUpdateIsEmptyDigest) {
  NormalizedSha256 sha;
  EXPECT_EQ(sha.HexDigest(), kEmpty);
}

TEST(NormalizedSha256, LineEndingsAndBomDoNotMatter) {
  EXPECT_EQ(Sha("abc\r\n"), kAbcLf);
  EXPECT_EQ(Sha("abc\r"), kAbcLf);
  EXPECT_EQ(Sha("\xEF\xBB\xBF"
                "abc\r\n"),
            kAbcLf);
  EXPECT_EQ(Sha("\xEF\xBB\xBF"
                "abc\n"),
            kAbcLf);
  EXPECT_EQ(Sha("\xEF\xBB\xBF"
                "abc"),
            kAbc);
  EXPECT_EQ(Sha("\xEF\xBB\xBF"), kEmpty);
  EXPECT_EQ(Sha("a\rb"), kALfB);
  EXPECT_EQ(Sha("a\r\nb"), kALfB);
  EXPECT_EQ(Sha("\r\n"), kLf);
  EXPECT_EQ(Sha("\r"), kLf);
}

TEST(NormalizedSha256, EachCrIsOneLineBreak) {
  EXPECT_EQ(Sha("a\r\rb"), kALfLfB);      // two lone CRs
  EXPECT_EQ(Sha("a\r\n\r\nb"), kALfLfB);  // two CRLFs
  EXPECT_EQ(Sha("a\n\r\nb"), kALfLfB);    // LF then CRLF
  EXPECT_EQ(Sha("a\r\r\nb"), kALfLfB);    // CR then CRLF
  EXPECT_EQ(Sha("\n\r"), kLfLf);          // LF then lone CR: no LFCR pairing
  EXPECT_EQ(Sha("\r\n\r"), kLfLf);
}

TEST(NormalizedSha256, OnlyALeadingCompleteBomIsDropped) {
  EXPECT_EQ(Sha("\xEF"), kEf);
  EXPECT_EQ(Sha("\xEF\xBB"), kEfBb);
  EXPECT_EQ(Sha("\xEF\xBBx"), kEfBbX);
  EXPECT_EQ(Sha("a\xEF\xBB\xBF"), kABom);
  EXPECT_EQ(Sha("\xEF\xBB\xBF\xEF\xBB\xBFx"), kBomX);  // only the first BOM
}

TEST(NormalizedSha256, EmptyUpdatesChangeNothing) {
  NormalizedSha256 sha;
  sha.Update("");
  sha.Update("\xEF\xBB");
  sha.Update("");
  sha.Update(
      "\xBF"
      "abc\r");
  sha.Update("");
  sha.Update("\n");
  EXPECT_EQ(sha.HexDigest(), kAbcLf);
}

TEST(NormalizedSha256, BomSplitAcrossChunks) {
  EXPECT_EQ(ShaCut("\xEF\xBB\xBF"
                   "abc\n",
                   {1}),
            kAbcLf);
  EXPECT_EQ(ShaCut("\xEF\xBB\xBF"
                   "abc\n",
                   {2}),
            kAbcLf);
  EXPECT_EQ(ShaCut("\xEF\xBB\xBF"
                   "abc\n",
                   {1, 2}),
            kAbcLf);
  EXPECT_EQ(ShaCut("\xEF\xBB\xBF"
                   "abc\n",
                   {3}),
            kAbcLf);
  EXPECT_EQ(ShaCut("\xEF\xBBx", {1}), kEfBbX);
  EXPECT_EQ(ShaCut("\xEF\xBBx", {2}), kEfBbX);
  EXPECT_EQ(ShaCut("\xEF\xBB", {1}), kEfBb);
}

TEST(NormalizedSha256, CrLfSplitAcrossChunks) {
  EXPECT_EQ(ShaCut("abc\r\n", {4}), kAbcLf);
  EXPECT_EQ(ShaCut("a\r\nb", {2}), kALfB);
  EXPECT_EQ(ShaCut("a\r\rb", {2}), kALfLfB);
  EXPECT_EQ(ShaCut("a\r\r\nb", {2, 3}), kALfLfB);
}

// Every way of cutting the input in two or three pieces gives the whole-input digest.
TEST(NormalizedSha256, CutAtEveryByteBoundary) {
  const std::vector<std::string> inputs = {
      "\xEF\xBB\xBF"
      "create table t (id int);\r\ninsert into t values (1);\r\n\r\n",
      "a\r\r\n\r\n\n\rb\r",
      "\xEF\xBB\xBF\r\n\xEF\xBB\xBF\r",
      "\xEF\xBBx\r\n",
      "\xEF\r\n",
      "no line break at all",
  };
  for (const std::string& input : inputs) {
    const std::string whole = Sha(input);
    for (size_t i = 0; i <= input.size(); ++i) {
      ASSERT_EQ(ShaCut(input, {i}), whole) << "cut at " << i;
      for (size_t j = i; j <= input.size(); ++j) {
        ASSERT_EQ(ShaCut(input, {i, j}), whole) << "cuts at " << i << ", " << j;
      }
    }
    std::vector<size_t> every_byte;
    for (size_t i = 1; i < input.size(); ++i) every_byte.push_back(i);
    EXPECT_EQ(ShaCut(input, every_byte), whole);
  }
  EXPECT_EQ(Sha(inputs[0]), Sha("create table t (id int);\ninsert into t values (1);\n\n"));
}

TEST(NormalizedSha256, UpdateRawIsNotNormalised) {
  NormalizedSha256 sha;
  sha.Update("abc\r\n");
  sha.UpdateRaw("v=1");
  EXPECT_EQ(sha.HexDigest(), kAbcLfExtra);

  NormalizedSha256 raw;
  raw.UpdateRaw("abc\r\n");
  EXPECT_NE(raw.HexDigest(), kAbcLf);
}

TEST(NormalizedSha256, UpdateRawEndsAPendingCrAndBom) {
  // A CR before raw bytes was already a line break; an LF after the raw bytes
  // is a new one, not the end of a CRLF.
  NormalizedSha256 a;
  a.Update("a\r");
  a.UpdateRaw("");
  a.Update("\nb");
  EXPECT_EQ(a.HexDigest(), kALfLfB);

  // Bytes held back as a possible BOM are text when raw bytes follow.
  NormalizedSha256 b;
  b.Update("\xEF\xBB");
  b.UpdateRaw("x");
  EXPECT_EQ(b.HexDigest(), kEfBbX);
}

TEST(NormalizedSha256, NoUpdateAfterDigest) {
  NormalizedSha256 sha;
  sha.Update("abc");
  EXPECT_EQ(sha.HexDigest(), kAbc);
  EXPECT_THROW(sha.Update("x"), Error);
  EXPECT_THROW(sha.UpdateRaw("x"), Error);
  EXPECT_THROW(sha.HexDigest(), Error);
}

TEST(FileChecksum, ReadsInChunksAndNormalises) {
  test::TempDir dir;
  EXPECT_EQ(FileChecksum(dir.Write("empty.sql", "")), kEmpty);
  EXPECT_EQ(FileChecksum(dir.Write("lf.sql", "abc\n")), kAbcLf);
  EXPECT_EQ(FileChecksum(dir.Write("crlf.sql", "abc\r\n")), kAbcLf);
  EXPECT_EQ(FileChecksum(dir.Write("bom.sql",
                                   "\xEF\xBB\xBF"
                                   "abc\r\n")),
            kAbcLf);
  EXPECT_EQ(FileChecksum(dir.path() / "crlf.sql", "v=1"), kAbcLfExtra);
}

TEST(FileChecksum, LargeFileWithCrLfAtChunkEdges) {
  // Lines of 7 bytes + CRLF put CR and LF on both sides of every 64 KiB edge
  // somewhere in the file, and the BOM is at the start.
  std::string crlf = "\xEF\xBB\xBF", lf;
  for (int i = 0; i < 40000; ++i) {
    std::string line = "line" + std::to_string(i % 1000 + 100);
    crlf += line + "\r\n";
    lf += line + "\n";
  }
  test::TempDir dir;
  EXPECT_EQ(FileChecksum(dir.Write("crlf.sql", crlf)), FileChecksum(dir.Write("lf.sql", lf)));
  EXPECT_EQ(FileChecksum(dir.path() / "lf.sql"), Sha(lf));
}

TEST(FileChecksum, MissingFileIsAnErrorNamingIt) {
  test::TempDir dir;
  auto missing = dir.path() / "V1__gone.sql";
  try {
    FileChecksum(missing);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find("V1__gone.sql"), std::string::npos) << e.what();
    EXPECT_EQ(e.file, missing.string());
  }
  EXPECT_THROW(FileChecksum(dir.path()), Error);  // a directory cannot be read
}

}  // namespace
}  // namespace flyrun
