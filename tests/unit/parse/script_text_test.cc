// Flyway's placeholder replacement and script decoding (parse/script_text.h).
#include "parse/script_text.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "core/error.h"
#include "parse/statement_source.h"

namespace flyrun {
namespace {

const std::map<std::string, std::string> kValues = {{"x", "VAL"}, {"Name", "n"}, {"empty", ""}};

std::string ReplaceIn(const std::string& text, const std::vector<size_t>& cuts,
                      const std::map<std::string, std::string>& values = kValues,
                      const std::string& prefix = "${", const std::string& suffix = "}") {
  PlaceholderReplacer replacer(values, prefix, suffix, "V1__x.sql");
  std::string out;
  size_t at = 0;
  for (size_t cut : cuts) {
    replacer.Feed(std::string_view(text).substr(at, cut - at), out);
    at = cut;
  }
  replacer.Feed(std::string_view(text).substr(at), out);
  replacer.Finish(out);
  return out;
}

/// The text replaced whole, then cut at every point and in single bytes: all the same.
std::string Replace(const std::string& text,
                    const std::map<std::string, std::string>& values = kValues,
                    const std::string& prefix = "${", const std::string& suffix = "}") {
  std::string whole = ReplaceIn(text, {}, values, prefix, suffix);
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    EXPECT_EQ(ReplaceIn(text, {cut}, values, prefix, suffix), whole) << "cut at " << cut;
  }
  std::vector<size_t> every;
  for (size_t i = 1; i < text.size(); ++i) every.push_back(i);
  EXPECT_EQ(ReplaceIn(text, every, values, prefix, suffix), whole) << "byte by byte";
  return whole;
}

Error ReplaceError(const std::string& text, const std::string& prefix = "${",
                   const std::string& suffix = "}") {
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    try {
      ReplaceIn(text, {cut}, kValues, prefix, suffix);
      ADD_FAILURE() << "no error for: " << text << " cut at " << cut;
    } catch (const Error& e) {
      if (cut < text.size()) continue;
      return e;
    }
  }
  return Error(ExitCode::kSuccess, "none");
}

TEST(FlywayPlaceholders, ReadsAheadOnlyWhileAPrefixOfThePrefix) {
  EXPECT_EQ(Replace("a $${x} b"), "a $${x} b");
  EXPECT_EQ(Replace("$$ ${X} $$"), "$$ VAL $$");
  EXPECT_EQ(Replace("$${x}${x}"), "$${x}VAL");
  EXPECT_EQ(Replace("${x}${x}"), "VALVAL");
  EXPECT_EQ(Replace("$"), "$");
  EXPECT_EQ(Replace("a$"), "a$");
  EXPECT_EQ(Replace("{x} $ {x}"), "{x} $ {x}");
}

TEST(FlywayPlaceholders, ReplacesEverywhereCommentsAndStringsIncluded) {
  EXPECT_EQ(Replace("-- ${x}\nSELECT '${x}' /* ${x} */; $body$ ${x} $body$"),
            "-- VAL\nSELECT 'VAL' /* VAL */; $body$ VAL $body$");
}

TEST(FlywayPlaceholders, NamesMatchIgnoringCaseAndValuesAreNotScannedAgain) {
  EXPECT_EQ(Replace("${NAME} ${name} ${nAmE}"), "n n n");
  EXPECT_EQ(Replace("[${empty}]"), "[]");
  EXPECT_EQ(Replace("${a}", {{"a", "${b}"}, {"b", "no"}}), "${b}");
}

TEST(FlywayPlaceholders, CustomPrefixAndSuffix) {
  EXPECT_EQ(Replace("#[x] ${x} ##[x] #x]", kValues, "#[", "]"), "VAL ${x} ##[x] #x]");
  EXPECT_EQ(Replace("SELECT @@x@@; @ @@X@@", kValues, "@@", "@@"), "SELECT VAL; @ VAL");
  EXPECT_EQ(Replace("%x%%x%", kValues, "%", "%"), "VALVAL");
}

TEST(FlywayPlaceholders, UnknownNameNamesFileAndLine) {
  Error e = ReplaceError("SELECT 1;\r\n-- ok\n\n  ${nope} x");
  EXPECT_EQ(e.code(), ExitCode::kValidation);
  EXPECT_STREQ(e.what(), "No value provided for placeholder: ${nope} at V1__x.sql:4");
  EXPECT_EQ(e.file, "V1__x.sql");
  EXPECT_EQ(e.line, 4);
  EXPECT_NE(e.hint().find("--placeholder"), std::string::npos);
}

TEST(FlywayPlaceholders, ValuesWithoutNewlinesKeepLineNumbers) {
  Error e = ReplaceError("${x}\n${x}\n#[a\nb]", "#[", "]");
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(std::string(e.what()).find("#[a\nb]"), std::string::npos) << e.what();
  e = ReplaceError("${x}\n${x}\n${y}");
  EXPECT_EQ(e.line, 3);
}

TEST(FlywayPlaceholders, UnterminatedPlaceholderIsAnError) {
  Error e = ReplaceError("SELECT 1;\n${x");
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(std::string(e.what()).find("${x (no } before the end"), std::string::npos) << e.what();
}

TEST(FlywayPlaceholders, LongNamesAreCutInTheMessage) {
  std::string name(600, 'a');
  Error e = ReplaceError("${" + name + "}");
  std::string what = e.what();
  EXPECT_LT(what.size(), 400u);
  EXPECT_NE(what.find("aaa...}"), std::string::npos) << what;
}

TEST(FlywayPlaceholders, UnknownNamesBecomeIssuesWhenCollected) {
  Issues issues;
  PlaceholderReplacer replacer(kValues, "${", "}", "V1__x.sql", &issues);
  std::string out;
  replacer.Feed("a ${u1}\n${x} ${u2} b", out);
  replacer.Finish(out);
  EXPECT_EQ(out, "a \nVAL  b");
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].code, "unknown-placeholder");
  EXPECT_EQ(issues[1].line, 2);
}

// --- decoding ---------------------------------------------------------------

std::string Decode(const std::string& bytes, const std::string& encoding, size_t chunk) {
  ScriptTextOptions options;
  options.encoding = encoding;
  options.chunk_size = chunk;
  auto in = ScriptTextStream(std::make_unique<std::istringstream>(bytes), options, "V2__y.sql");
  std::string out(64, '\0');
  std::string all;
  // Read from the buffer as the splitter does (operator<< would swallow errors).
  while (std::streamsize got = in->rdbuf()->sgetn(out.data(), 64))
    all.append(out, 0, static_cast<size_t>(got));
  return all;
}

Error DecodeError(const std::string& bytes, const std::string& encoding, size_t chunk) {
  try {
    Decode(bytes, encoding, chunk);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return Error(ExitCode::kSuccess, "none");
}

TEST(ScriptEncoding, Latin1IsDecodedToUtf8) {
  for (size_t chunk : {1, 2, 3, 64}) {
    EXPECT_EQ(Decode("SELECT 'caf\xE9';", "ISO-8859-1", chunk), "SELECT 'caf\xC3\xA9';");
    EXPECT_EQ(Decode(std::string("\xFF\xFE"
                                 "a\0\xE9\0",
                                 6),
                     "UTF-16", chunk),
              "a\xC3\xA9");
  }
}

TEST(ScriptEncoding, Utf8IsCheckedAcrossChunks) {
  std::string text = "-- \xE2\x82\xAC\nSELECT '\xF0\x9F\x98\x80', 'caf\xC3\xA9 long enough';";
  for (size_t chunk = 1; chunk <= text.size(); ++chunk)
    EXPECT_EQ(Decode(text, "UTF-8", chunk), text);
}

TEST(ScriptEncoding, InvalidUtf8NamesFileAndLine) {
  for (size_t chunk : {1, 2, 5, 4096}) {
    Error e = DecodeError("SELECT 1;\nSELECT 2;\r\nSELECT 'caf\xE9';", "UTF-8", chunk);
    EXPECT_EQ(e.file, "V2__y.sql");
    EXPECT_EQ(e.line, 3) << chunk;
    EXPECT_NE(std::string(e.what()).find("V2__y.sql:3: not valid UTF-8 (byte 0x"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(DecodeError("a\n\xC0\xAF", "utf8", 64).line, 2);    // overlong
  EXPECT_EQ(DecodeError("\xED\xA0\x80", "UTF-8", 64).line, 1);  // surrogate
  EXPECT_NE(std::string(DecodeError("ok\n\xE2\x82", "UTF-8", 2).what()).find("ends inside"),
            std::string::npos);
}

TEST(ScriptEncoding, InvalidInOtherEncodingsAndUnknownEncodings) {
  Error e = DecodeError("SELECT 1;\n\x81", "windows-1252", 3);
  EXPECT_EQ(e.line, 2);
  e = DecodeError("x", "no-such-encoding", 3);
  EXPECT_EQ(e.code(), ExitCode::kUsage);
  EXPECT_NE(std::string(e.what()).find("unknown encoding 'no-such-encoding'"), std::string::npos);
}

// --- through StatementSource ------------------------------------------------

std::vector<std::string> Split(const std::string& sql, SplitOptions options) {
  StatementSource source(std::make_unique<std::istringstream>(sql), "V1__x.sql", options);
  std::vector<std::string> out;
  Statement st;
  while (source.Next(st)) out.push_back(st.sql + "@" + std::to_string(st.line));
  return out;
}

TEST(ScriptText, StatementSourceReplacesBeforeSplitting) {
  SplitOptions o;
  o.dialect = Dialect::kPostgres;
  o.placeholders = {{"s", "a;b"}, {"t", "tbl"}};
  o.replace_everywhere = true;
  o.chunk_size = 3;
  // The value is split as text of the script: Flyway replaces before parsing.
  EXPECT_EQ(Split("-- ${t}\nSELECT '${s}';\nSELECT 1 FROM ${t};", o),
            (std::vector<std::string>{"SELECT 'a;b'@2", "SELECT 1 FROM tbl@3"}));
  // The splitter's own replacement would have left a comment alone and failed on $${.
  EXPECT_EQ(Split("SELECT $${s}$$;", o), (std::vector<std::string>{"SELECT $${s}$$@1"}));
  o.replace_placeholders = false;
  EXPECT_EQ(Split("SELECT '${s}';", o), (std::vector<std::string>{"SELECT '${s}'@1"}));
}

TEST(ScriptText, StatementSourceDecodes) {
  SplitOptions o;
  o.encoding = "ISO-8859-1";
  EXPECT_EQ(Split("SELECT '\xE9';", o), (std::vector<std::string>{"SELECT '\xC3\xA9'@1"}));
}

TEST(ScriptText, ReplacedScriptTextReadsAFile) {
  auto path = std::filesystem::temp_directory_path() /
              ("placeholders_script_text_" + std::to_string(::getpid()) + ".sql");
  {
    std::ofstream f(path, std::ios::binary);
    f << "-- \xE9 ${X}\nSELECT 1;";
  }
  ScriptTextOptions o;
  o.encoding = "ISO-8859-1";
  o.replace_placeholders = true;
  o.placeholders = {{"x", "v"}};
  o.chunk_size = 2;
  EXPECT_EQ(ReplacedScriptText(path.string(), o), "-- \xC3\xA9 v\nSELECT 1;");
  std::filesystem::remove(path);
  EXPECT_THROW(ReplacedScriptText(path.string(), o), Error);
}

}  // namespace
}  // namespace flyrun
