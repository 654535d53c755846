// Flyway's command line through the real binary, on SQLite: several verbs in
// one call, -X / -q / -outputType=json, the binary invoked as `flyway`, flyrun's
// own flags mixed in, jdbc:sqlite: URLs, and -key=value configuration.

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "sqlite_cli.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

namespace fs = std::filesystem;

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Show(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

/// The JSON documents printed one after the other on `out`.
std::vector<nlohmann::json> JsonDocuments(const std::string& out) {
  std::vector<nlohmann::json> docs;
  size_t from = 0;
  while (from < out.size()) {
    size_t start = out.find('{', from);
    if (start == std::string::npos) break;
    int depth = 0;
    bool in_string = false, escaped = false;
    size_t end = start;
    for (; end < out.size(); ++end) {
      char c = out[end];
      if (in_string) {
        if (escaped)
          escaped = false;
        else if (c == '\\')
          escaped = true;
        else if (c == '"')
          in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}' && --depth == 0) {
        break;
      }
    }
    docs.push_back(nlohmann::json::parse(out.substr(start, end - start + 1)));
    from = end + 1;
  }
  return docs;
}

class CliFlyway : public SqliteCli {
 protected:
  void WriteTwo() {
    dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
    dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
  }
  long long Applied() {
    return TableExists("flyrun_schema_history")
               ? Count("SELECT count(*) FROM flyrun_schema_history WHERE success = 1")
               : 0;
  }
  /// `flyway`: a link to flyrun under Flyway's name, in the test's directory.
  RunResult RunAsFlyway(const std::vector<std::string>& args,
                        std::map<std::string, std::string> env = {}) {
    fs::path link = dir.path() / "bin" / "flyway";
    if (!fs::exists(link)) {
      fs::create_directories(link.parent_path());
      fs::create_symlink(fs::absolute(FLYRUN_BINARY), link);
    }
    if (!env.count("FLYRUN_URL")) env["FLYRUN_URL"] = url();
    return RunProgram(link, args, dir.path(), env);
  }
};

TEST_F(CliFlyway, SeveralVerbsRunInOrder) {
  WriteTwo();
  auto r = Run({"--clean-enabled", "migrate", "info"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Applied(), 2);
  // info ran after migrate: it lists both as applied.
  size_t info_at = r.out.find("Success");
  EXPECT_NE(info_at, std::string::npos) << Show(r);

  // clean, then migrate again: the history starts over.
  auto again = Run({"--clean-enabled", "clean", "migrate"});
  ASSERT_EQ(again.exit_code, 0) << Show(again);
  EXPECT_EQ(Applied(), 2);
  EXPECT_EQ(Count("SELECT min(installed_rank) FROM flyrun_schema_history"), 1);
}

TEST_F(CliFlyway, SeveralVerbsStopAtTheFirstThatFailsWithItsCode) {
  WriteTwo();
  // clean is refused without clean_enabled (exit 2): migrate never runs.
  auto r = Run({"clean", "migrate"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Has(r.err, "clean")) << Show(r);
  EXPECT_FALSE(fs::exists(db_path()) && TableExists("flyrun_schema_history")) << Show(r);

  // A failing migration (exit 1): info never runs.
  dir.Write("sql/V3__bad.sql", "CREATE TABLE a (id INT);\n");
  auto failed = Run({"-outputType=json", "migrate", "info"});
  EXPECT_EQ(failed.exit_code, 1) << Show(failed);
  auto docs = JsonDocuments(failed.out);
  ASSERT_EQ(docs.size(), 1u) << Show(failed);
  EXPECT_EQ(docs[0]["command"], "migrate") << failed.out;
  EXPECT_EQ(docs[0]["success"], false) << failed.out;
}

TEST_F(CliFlyway, OutputTypeJsonIsOutputJson) {
  WriteTwo();
  auto r = Run({"-outputType=json", "migrate", "info"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  auto docs = JsonDocuments(r.out);
  ASSERT_EQ(docs.size(), 2u) << Show(r);
  EXPECT_EQ(docs[0]["command"], "migrate");
  EXPECT_EQ(docs[1]["command"], "info");
  EXPECT_EQ(docs[1]["success"], true);

  // Errors of the command line honour it and name the command.
  auto bad = Run({"-outputType=json", "info", "--bogus"});
  EXPECT_EQ(bad.exit_code, 2) << Show(bad);
  auto doc = nlohmann::json::parse(bad.out);
  EXPECT_EQ(doc["command"], "info") << bad.out;
  EXPECT_EQ(doc["success"], false) << bad.out;
  auto unknown = nlohmann::json::parse(Run({"-outputType=json", "migrat"}).out);
  EXPECT_EQ(unknown["error"]["hint"], "did you mean 'migrate'?") << unknown.dump();
}

TEST_F(CliFlyway, DashXIsDebugAndDashQIsQuiet) {
  WriteTwo();
  dir.Write("sql/beforeMigrate.sql", "SELECT 1;\n");
  auto debug = Run({"-X", "migrate"});
  ASSERT_EQ(debug.exit_code, 0) << Show(debug);
  EXPECT_TRUE(Has(debug.err, "callback")) << Show(debug);
  auto normal = Run({"migrate"});
  ASSERT_EQ(normal.exit_code, 0) << Show(normal);
  EXPECT_FALSE(Has(normal.err, "callback")) << Show(normal);

  // -q keeps flyrun's meaning: warnings and errors only.
  auto notice = Run({"info"}, {{"FLYRUN_URL", "jdbc:sqlite:" + db_path() + "?journal_mode=WAL"}});
  ASSERT_EQ(notice.exit_code, 0) << Show(notice);
  EXPECT_TRUE(Has(notice.err, "journal_mode")) << Show(notice);
  auto quiet = Run({"-q", "info"});
  EXPECT_EQ(quiet.exit_code, 0) << Show(quiet);
}

TEST_F(CliFlyway, InvokedAsFlywayItBehavesTheSame) {
  WriteTwo();
  auto r = RunAsFlyway({"-outputType=json", "migrate", "info"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  auto docs = JsonDocuments(r.out);
  ASSERT_EQ(docs.size(), 2u) << Show(r);
  EXPECT_EQ(docs[1]["command"], "info");
  EXPECT_EQ(Applied(), 2);

  auto version = RunAsFlyway({"version"});
  EXPECT_EQ(version.exit_code, 0) << Show(version);
  EXPECT_TRUE(Has(version.out, "flyrun")) << Show(version);
  auto help = RunAsFlyway({"help", "migrate"});
  EXPECT_EQ(help.exit_code, 0) << Show(help);
  EXPECT_TRUE(Has(help.out, "--dry-run")) << Show(help);
  auto unknown = RunAsFlyway({"migrat"});
  EXPECT_EQ(unknown.exit_code, 2) << Show(unknown);
  EXPECT_TRUE(Has(unknown.err, "did you mean 'migrate'?")) << Show(unknown);
}

TEST_F(CliFlyway, FlyrunFlagsStillWorkAndMixWithFlywayOnes) {
  WriteTwo();
  auto dry = Run({"--url", url(), "-X", "migrate", "--dry-run", "-outputType=json"});
  ASSERT_EQ(dry.exit_code, 0) << Show(dry);
  EXPECT_EQ(nlohmann::json::parse(dry.out)["dry_run"], true) << dry.out;
  EXPECT_FALSE(TableExists("flyrun_schema_history"));
  auto r = Run({"--output=json", "-v", "migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Applied(), 2);
}

TEST_F(CliFlyway, JdbcSqliteUrls) {
  WriteTwo();
  auto r = Run({"--url", "jdbc:sqlite:" + db_path(), "migrate"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Applied(), 2);
  // Relative to the working directory, as sqlite-jdbc reads it.
  auto relative = Run({"info", "-outputType=json"}, {{"FLYRUN_URL", "jdbc:sqlite:app.db"}});
  ASSERT_EQ(relative.exit_code, 0) << Show(relative);
  auto file_uri = Run({"info"}, {{"FLYRUN_URL", "jdbc:sqlite:file:app.db?cache=shared"}});
  ASSERT_EQ(file_uri.exit_code, 0) << Show(file_uri);
  EXPECT_TRUE(Has(file_uri.err, "ignoring parameter(s) cache")) << Show(file_uri);
  auto memory = Run({"migrate"}, {{"FLYRUN_URL", "jdbc:sqlite::memory:"}});
  EXPECT_EQ(memory.exit_code, 0) << Show(memory);
  auto bad = Run({"info"}, {{"FLYRUN_URL", "jdbc:sqlite::resource:x.db"}});
  EXPECT_EQ(bad.exit_code, 2) << Show(bad);
  EXPECT_TRUE(Has(bad.err, "FLYRUN_URL")) << Show(bad);
}

// -key=value is Flyway's configuration layer: LoadConfig reads it. Until it
// does (ConfigInputs::flyway_args), these are skipped.
class CliFlywayConfig : public CliFlyway {
 protected:
  void SetUp() override {
    ConfigInputs probe;
    probe.flyway_args = {{"url", "sqlite:probe.db"}};
    if (LoadConfig(probe, {}, dir.path()).url.empty())
      GTEST_SKIP() << "the configuration does not read Flyway's -key=value arguments yet";
  }
};

TEST_F(CliFlywayConfig, KeyValueArgumentsConfigureTheRun) {
  dir.Write("migrations/V1__a.sql", "CREATE TABLE ${tenant}_a (id INT);\n");
  auto r = Run({"-url=jdbc:sqlite:" + db_path(), "-locations=filesystem:migrations",
                "-placeholders.tenant=acme", "migrate", "info"},
               {{"FLYRUN_URL", ""}});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(TableExists("acme_a")) << Show(r);
}

TEST_F(CliFlywayConfig, ConfigFilesAndWorkingDirectory) {
  dir.Write("project/conf/a.conf",
            "flyway.locations=filesystem:" + (dir.path() / "project" / "db").string() + "\n");
  dir.Write("project/conf/b.conf", "flyway.placeholders.tenant=acme\n");
  dir.Write("project/db/V1__a.sql", "CREATE TABLE ${tenant}_a (id INT);\n");
  std::string conf = (dir.path() / "project" / "conf").string();
  auto r = RunAsFlyway(
      {"-workingDirectory=project", "-configFiles=" + conf + "/a.conf," + conf + "/b.conf",
       "-url=jdbc:sqlite:" + db_path(), "migrate"},
      {{"FLYRUN_URL", ""}});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(TableExists("acme_a")) << Show(r);
}

TEST_F(CliFlywayConfig, PasswordArgumentsNeverAppear) {
  auto r = Run({"-url=jdbc:postgresql://127.0.0.1:1/app?password=pw-in-url-77",
                "-password=pw-arg-77", "-outputType=json", "info"},
               {{"FLYRUN_URL", ""}});
  EXPECT_NE(r.exit_code, 0) << Show(r);
  EXPECT_FALSE(Has(r.out + r.err, "pw-in-url-77")) << Show(r);
  EXPECT_FALSE(Has(r.out + r.err, "pw-arg-77")) << Show(r);
}

}  // namespace
}  // namespace flyrun::test
