// The machine-readable outputs of `flyrun validate`: JSON (the documented
// schema), SARIF 2.1.0 and GitHub workflow annotations.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "git_cli.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

using nlohmann::json;

// A repository on branch "feature" forked from "main", with problems of both
// kinds: in the files (with line and column) and against main.
class ValidateOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveGit()) GTEST_SKIP() << "git is not installed";
    G("init -q");
    dir.Write("sql/V1__create.sql", "CREATE TABLE a (id INT);\n");
    dir.Write("sql/V2__more.sql", "CREATE TABLE b (id INT);\n");
    G("add -A");
    G("commit -q -m main");
    G("checkout -q -b feature");
    dir.Write("sql/V1__create.sql", "CREATE TABLE a (id BIGINT);\n");  // edited
    dir.Write("sql/V3__bad, name.sql", "SELECT 1;\nSELECT 'open;\n");  // unterminated at 2:8
    dir.Write("sql/V4__p.sql", "SELECT '${nope}';\n");                 // unknown placeholder 1:9
  }

  void G(const std::string& args) {
    std::string out;
    if (Git(dir.path(), args, &out) != 0) throw std::runtime_error("git " + args + ": " + out);
  }

  RunResult Run(const std::string& format) const {
    return RunFlyrun({"--output", format, "validate", "--base", "main"}, dir.path());
  }

  TempDir dir;
};

TEST_F(ValidateOutput, JsonFollowsTheDocumentedSchema) {
  auto r = Run("json");
  ASSERT_EQ(r.exit_code, 3) << r.out << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["command"], "validate");
  EXPECT_EQ(j["success"], false);
  EXPECT_EQ(j["offline"], true);
  EXPECT_EQ(j["migrations"], 4);
  ASSERT_TRUE(j["base"].is_object());
  EXPECT_EQ(j["base"]["ref"], "main");
  EXPECT_TRUE(std::regex_match(j["base"]["commit"].get<std::string>(), std::regex("[0-9a-f]{40}")));
  EXPECT_TRUE(j["base"]["merge_base"].is_string());
  EXPECT_EQ(j["base"]["migrations"], 2);
  ASSERT_TRUE(j["issues"].is_array());
  ASSERT_EQ(j["issues"].size(), 3u) << j.dump(2);
  std::map<std::string, json> by_code;
  for (const json& issue : j["issues"]) {
    for (const char* key : {"code", "file", "message", "hint"}) {
      ASSERT_TRUE(issue.contains(key) && issue[key].is_string()) << key << issue.dump();
    }
    for (const char* key : {"line", "column"}) {
      ASSERT_TRUE(issue.contains(key) && issue[key].is_number_integer()) << key << issue.dump();
    }
    by_code[issue["code"]] = issue;
  }
  EXPECT_EQ(by_code["unterminated"]["file"], "sql/V3__bad, name.sql");
  EXPECT_EQ(by_code["unterminated"]["line"], 2);
  EXPECT_EQ(by_code["unterminated"]["column"], 8);
  EXPECT_EQ(by_code["unknown-placeholder"]["line"], 1);
  EXPECT_EQ(by_code["unknown-placeholder"]["column"], 9);
  EXPECT_EQ(by_code["edited-migration"]["file"], "sql/V1__create.sql");
  EXPECT_EQ(by_code["edited-migration"]["line"], 0);
  EXPECT_NE(by_code["edited-migration"]["hint"].get<std::string>().find("git checkout main"),
            std::string::npos);
}

TEST_F(ValidateOutput, JsonOnSuccess) {
  TempDir clean;
  clean.Write("sql/V1__a.sql", "SELECT 1;\n");
  auto r = RunFlyrun({"--output", "json", "validate"}, clean.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["success"], true);
  EXPECT_TRUE(j["issues"].empty());
  EXPECT_FALSE(j.contains("base"));
}

TEST_F(ValidateOutput, SarifHasTheRequiredFields) {
  auto r = Run("sarif");
  ASSERT_EQ(r.exit_code, 3) << r.out << r.err;
  json log = json::parse(r.out);
  EXPECT_EQ(log["version"], "2.1.0");
  EXPECT_TRUE(log["$schema"].get<std::string>().find("sarif") != std::string::npos);
  ASSERT_EQ(log["runs"].size(), 1u);
  const json& run = log["runs"][0];
  const json& driver = run["tool"]["driver"];
  EXPECT_EQ(driver["name"], "flyrun");
  std::set<std::string> rule_ids;
  for (const json& rule : driver["rules"]) {
    ASSERT_TRUE(rule["id"].is_string());
    ASSERT_TRUE(rule["shortDescription"]["text"].is_string());
    rule_ids.insert(rule["id"]);
  }
  ASSERT_EQ(run["results"].size(), 3u);
  std::map<std::string, json> by_rule;
  for (const json& result : run["results"]) {
    std::string id = result["ruleId"];
    EXPECT_TRUE(rule_ids.count(id)) << id;
    EXPECT_EQ(driver["rules"][result["ruleIndex"].get<size_t>()]["id"], id);
    EXPECT_EQ(result["level"], "error");
    EXPECT_FALSE(result["message"]["text"].get<std::string>().empty());
    ASSERT_EQ(result["locations"].size(), 1u);
    const json& physical = result["locations"][0]["physicalLocation"];
    EXPECT_TRUE(physical["artifactLocation"]["uri"].is_string());
    by_rule[id] = physical;
  }
  // The URI is percent-encoded; the region is 1-based.
  EXPECT_EQ(by_rule["unterminated"]["artifactLocation"]["uri"], "sql/V3__bad%2C%20name.sql");
  EXPECT_EQ(by_rule["unterminated"]["region"]["startLine"], 2);
  EXPECT_EQ(by_rule["unterminated"]["region"]["startColumn"], 8);
  EXPECT_EQ(by_rule["edited-migration"]["artifactLocation"]["uri"], "sql/V1__create.sql");
  EXPECT_FALSE(by_rule["edited-migration"].contains("region"));
  EXPECT_EQ(run["properties"]["base"], "main");
}

TEST_F(ValidateOutput, SarifWithoutProblemsHasNoResults) {
  TempDir clean;
  clean.Write("sql/V1__a.sql", "SELECT 1;\n");
  auto r = RunFlyrun({"--output", "sarif", "validate"}, clean.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json log = json::parse(r.out);
  EXPECT_EQ(log["version"], "2.1.0");
  EXPECT_TRUE(log["runs"][0]["results"].empty());
  EXPECT_TRUE(log["runs"][0]["tool"]["driver"]["rules"].empty());
}

TEST_F(ValidateOutput, GithubAnnotationsAreWellFormed) {
  auto r = Run("github");
  ASSERT_EQ(r.exit_code, 3) << r.out << r.err;
  // ::error file=F[,line=N[,col=N]],title=T::message, properties escaped (',' ':'
  // '%' and line breaks), the message with line breaks escaped.
  const std::regex annotation(
      R"(::error file=[^,:\r\n]+(,line=[1-9][0-9]*(,col=[1-9][0-9]*)?)?,title=flyrun [a-z-]+::[^\r\n]+)");
  std::istringstream lines(r.out);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    EXPECT_TRUE(std::regex_match(line, annotation)) << line;
  }
  EXPECT_EQ(count, 3) << r.out;
  EXPECT_NE(r.out.find("::error file=sql/V3__bad%2C name.sql,line=2,col=8,title=flyrun "
                       "unterminated::unterminated string"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("::error file=sql/V1__create.sql,title=flyrun edited-migration::"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("%0AHint: "), std::string::npos) << r.out;
}

// Compiler style, which terminals, editors and grep understand: every problem
// line starts with file:line:column: (file: when the problem has no line);
// only hint lines (indented) and the closing count do not.
TEST_F(ValidateOutput, TextProblemLinesStartWithFileLineColumn) {
  auto r = Run("text");
  ASSERT_EQ(r.exit_code, 3) << r.out << r.err;
  std::regex problem(R"([^ :][^:]*(:[1-9][0-9]*:[1-9][0-9]*)?: (error|warning)\[[a-z-]+\]: .+)");
  std::istringstream lines(r.out);
  std::string line;
  int problems = 0, hints = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("  hint: ", 0) == 0) {
      ++hints;
    } else if (line != "3 problems found") {
      EXPECT_TRUE(std::regex_match(line, problem)) << line;
      ++problems;
    }
  }
  EXPECT_EQ(problems, 3) << r.out;
  EXPECT_EQ(hints, 3) << r.out;
  EXPECT_NE(r.out.find("sql/V3__bad, name.sql:2:8: error[unterminated]: "), std::string::npos)
      << r.out;
}

TEST_F(ValidateOutput, TextIsGroupedByFile) {
  auto r = Run("text");
  ASSERT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("sql/V3__bad, name.sql:2:8: error[unterminated]"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("sql/V4__p.sql:1:9: error[unknown-placeholder]"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("sql/V1__create.sql: error[edited-migration]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 problems found"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace flyrun::test
