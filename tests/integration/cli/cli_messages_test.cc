// End-to-end tests of what flyrun says when something is wrong with the
// command line, the target or the database, and of the JSON it prints, on
// SQLite.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "sqlite_cli.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Show(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

class CliMessages : public SqliteCli {
 protected:
  void WriteThree() {
    dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
    dir.Write("sql/V2__b.sql", "CREATE TABLE b (id INT);\n");
    dir.Write("sql/V3__c.sql", "CREATE TABLE c (id INT);\n");
  }
  /// Runs `sql` on the database, creating it.
  void Exec(const std::string& sql) {
    SQLite::Database db(db_path(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(sql);
  }
  /// Versions in the history, in rank order, space separated.
  std::string Applied() {
    if (!TableExists("flyrun_schema_history")) return "";
    SQLite::Database db(db_path());
    SQLite::Statement q(db,
                        "SELECT coalesce(version, description), type FROM flyrun_schema_history "
                        "ORDER BY installed_rank");
    std::string out;
    while (q.executeStep())
      out += (out.empty() ? "" : " ") + q.getColumn(0).getString() +
             (q.getColumn(1).getString() == "SQL" ? "" : ":" + q.getColumn(1).getString());
    return out;
  }
};

// --- unknown commands and parse errors -------------------------------------

TEST_F(CliMessages, UnknownCommandIsNamedWithTheClosestOne) {
  auto r = Run({"migrat"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Has(r.err, "unknown command 'migrat'")) << Show(r);
  EXPECT_TRUE(Has(r.err, "did you mean 'migrate'?")) << Show(r);

  auto options_first = Run({"--locations", "sql", "-q", "vaildate"});
  EXPECT_EQ(options_first.exit_code, 2) << Show(options_first);
  EXPECT_TRUE(Has(options_first.err, "unknown command 'vaildate'")) << Show(options_first);
  EXPECT_TRUE(Has(options_first.err, "did you mean 'validate'?")) << Show(options_first);

  auto far = Run({"frobnicate"});
  EXPECT_EQ(far.exit_code, 2) << Show(far);
  EXPECT_TRUE(Has(far.err, "unknown command 'frobnicate'")) << Show(far);
  EXPECT_FALSE(Has(far.err, "did you mean")) << Show(far);
  EXPECT_TRUE(Has(far.err, "migrate")) << "lists the commands\n" << Show(far);

  auto none = Run({});
  EXPECT_EQ(none.exit_code, 2) << Show(none);
  EXPECT_TRUE(Has(none.err, "no command given")) << Show(none);
}

TEST_F(CliMessages, CommandLineErrorsAreTheJsonErrorObjectWithOutputJson) {
  const std::vector<std::vector<std::string>> cases = {
      {"--output", "json", "--bogus", "info"},     // unknown option before the command
      {"info", "--output", "json", "--bogus"},     // ... and after it
      {"--output=json", "migrat"},                 // unknown command
      {"info", "--output", "json", "--target"},    // missing value
      {"--output", "json"},                        // no command
      {"--output", "json", "info", "extra-word"},  // unexpected argument
  };
  for (const auto& args : cases) {
    auto r = Run(args);
    std::string what;
    for (const auto& a : args) what += a + " ";
    EXPECT_EQ(r.exit_code, 2) << what << Show(r);
    nlohmann::json doc;
    ASSERT_NO_THROW(doc = nlohmann::json::parse(r.out)) << what << Show(r);
    EXPECT_EQ(doc["success"], false) << what << r.out;
    EXPECT_EQ(doc["error"]["exit_code"], 2) << what << r.out;
    EXPECT_TRUE(doc["error"]["message"].is_string()) << what << r.out;
    EXPECT_TRUE(doc.contains("command")) << what << r.out;
  }
  auto r = Run({"--output", "json", "--bogus", "info"});
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["command"], "info") << r.out;
  EXPECT_TRUE(Has(doc["error"]["message"].get<std::string>(), "--bogus")) << r.out;
  auto unknown = nlohmann::json::parse(Run({"--output", "json", "migrat"}).out);
  EXPECT_TRUE(unknown["command"].is_null()) << unknown.dump();
  EXPECT_EQ(unknown["error"]["hint"], "did you mean 'migrate'?") << unknown.dump();
}

// --- JSON of migrate and info ----------------------------------------------

TEST_F(CliMessages, DryRunJsonSaysSoAndCountsWhatItWouldApply) {
  WriteThree();
  ASSERT_EQ(Run({"migrate", "--target", "1"}).exit_code, 0);
  auto dry = Run({"migrate", "--dry-run", "--output", "json"});
  ASSERT_EQ(dry.exit_code, 0) << Show(dry);
  auto doc = nlohmann::json::parse(dry.out);
  EXPECT_EQ(doc["dry_run"], true) << dry.out;
  EXPECT_EQ(doc["migrations_would_apply"], 2) << dry.out;
  EXPECT_EQ(doc["migrations_executed"], 0) << dry.out;
  EXPECT_EQ(doc["migrations"].size(), 2u) << dry.out;
  EXPECT_EQ(Applied(), "1") << "a dry run changes nothing";

  auto real = Run({"migrate", "--output", "json"});
  ASSERT_EQ(real.exit_code, 0) << Show(real);
  auto done = nlohmann::json::parse(real.out);
  EXPECT_EQ(done["dry_run"], false) << real.out;
  EXPECT_EQ(done["migrations_executed"], 2) << real.out;
  EXPECT_FALSE(done.contains("migrations_would_apply")) << real.out;
}

TEST_F(CliMessages, FailedMigrateJsonListsWhatThisRunCommitted) {
  WriteThree();
  dir.Write("sql/V4__bad.sql", "CREATE TABLE d (id INT);\nINSERT INTO nowhere VALUES (1);\n");
  ASSERT_EQ(Run({"migrate", "--target", "1"}).exit_code, 0);
  auto r = Run({"migrate", "--output", "json"});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  nlohmann::json doc;
  ASSERT_NO_THROW(doc = nlohmann::json::parse(r.out)) << Show(r);
  EXPECT_EQ(doc["command"], "migrate");
  EXPECT_EQ(doc["success"], false);
  EXPECT_EQ(doc["error"]["exit_code"], 1) << r.out;
  EXPECT_EQ(doc["migrations_executed"], 2) << r.out;
  ASSERT_EQ(doc["migrations"].size(), 2u) << r.out;
  EXPECT_EQ(doc["migrations"][0]["version"], "2") << r.out;
  EXPECT_EQ(doc["migrations"][1]["version"], "3") << r.out;
  EXPECT_EQ(doc["initial_schema_version"], "1") << r.out;
  EXPECT_EQ(doc["target_schema_version"], "3") << r.out;
}

TEST_F(CliMessages, InfoJsonHasSuccessLikeEveryOtherCommand) {
  WriteThree();
  ASSERT_EQ(Run({"migrate", "--target", "1"}).exit_code, 0);
  auto r = Run({"info", "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(nlohmann::json::parse(r.out)["success"], true) << r.out;
}

// --- option placement ------------------------------------------------------

/// How to try one option: the command it belongs to, its value (empty for a
/// flag), and the exit code a run with it has in this test's setup.
struct OptionCase {
  std::string command;
  std::vector<std::string> value;
  int exit_code = 0;
  std::vector<std::string> tail = {};  ///< words after both, e.g. exec's "-- CMD"
};

/// Every option flyrun documents. The test below reads the README and fails
/// for an option it documents that is missing here.
std::map<std::string, OptionCase> OptionCases(const std::string& url) {
  return {
      {"--url", {"info", {url}}},
      {"--user", {"info", {"someone"}}},
      {"--password", {"info", {"secret"}}},
      {"--password-file", {"info", {"password.txt"}}},
      {"--locations", {"info", {"sql"}}},
      {"--table", {"info", {"flyrun_schema_history"}}},
      {"--schema", {"info", {"main"}}},
      {"--target", {"info", {"1"}}},
      {"--out-of-order", {"info", {}}},
      {"--validate-on-migrate", {"info", {}}},
      {"--baseline-on-migrate", {"info", {}}},
      {"--baseline-version", {"info", {"1"}}},
      {"--baseline-description", {"info", {"old"}}},
      {"--placeholder-replacement", {"info", {}}},
      {"--placeholder", {"info", {"a=b"}}},
      {"--group", {"info", {}}},
      {"--connect-retries", {"info", {"0"}}},
      {"--connect-retry-interval", {"info", {"1s"}}},
      {"--connect-timeout", {"info", {"10s"}}},
      {"--lock-timeout", {"info", {"30s"}}},
      {"--tenants", {"info", {"tenants.txt"}}},
      {"--parallel", {"info", {"2"}}},
      {"--fail-fast", {"info", {}}},
      {"--clean-enabled", {"info", {}}},
      {"--undo-required", {"validate", {}, 3}},  // V1 has no undo file
      {"--init-sql", {"info", {"SELECT 1"}}},
      {"--schemas", {"info", {"main"}}},
      {"--create-schemas", {"info", {}}},
      {"--installed-by", {"info", {"deployer"}}},
      {"--config", {"info", {"flyrun.yaml"}}},
      {"--env", {"info", {"dev"}}},
      {"--output", {"info", {"json"}}},
      {"--log-format", {"info", {"json"}}},
      {"-q", {"info", {}}},
      {"-v", {"info", {}}},
      {"--dry-run", {"migrate", {}}},
      {"--offline", {"validate", {}}},
      {"--dialect", {"validate", {"sqlite"}}},
      {"--base", {"validate", {"HEAD"}, 2}},  // not a git repository
      {"--mark-applied", {"repair", {"7"}, 3}},
      {"--timeout", {"wait", {"5s"}}},
      {"--exec-keep-env", {"exec", {"FLYRUN_X"}, 0, {"--", "true"}}},
      {"--keep-env", {"exec", {"FLYRUN_X"}, 0, {"--", "true"}}},
      {"--lock", {"migrate", {"table"}}},
      {"--lock-lease", {"migrate", {"5s"}}},
      {"--tenants", {"info", {"tenants.txt"}}},
      {"--parallel", {"info", {"2"}}},
      {"--fail-fast", {"info", {}}},
  };
}

/// Every option the README documents: `--word` in the sections about flyrun
/// itself, and the flag of each key of the configuration table.
std::set<std::string> ReadmeOptions() {
  std::string readme = ReadFile(std::filesystem::path(FLYRUN_SOURCE_DIR) / "README.md");
  auto from = readme.find("\n## Commands");
  auto to = readme.find("\n## Validating in CI");
  EXPECT_NE(from, std::string::npos);
  EXPECT_NE(to, std::string::npos);
  std::string part = readme.substr(from, to - from);
  std::set<std::string> out;
  std::regex option(R"(`(--?[a-z][a-z-]*))");
  for (std::sregex_iterator it(part.begin(), part.end(), option), end; it != end; ++it)
    out.insert((*it)[1]);
  auto keys_from = readme.find("\n## Configuration");
  EXPECT_NE(keys_from, std::string::npos);
  std::string keys = readme.substr(keys_from, readme.find("\n### ", keys_from) - keys_from);
  std::regex key(R"(\n\| `([a-z_]+)`(?:, `([a-z_]+)`)?(?:, `([a-z_]+)`)? \|)");
  for (std::sregex_iterator it(keys.begin(), keys.end(), key), end; it != end; ++it) {
    for (int i = 1; i <= 3; ++i) {
      std::string k = (*it)[i];
      if (k.empty() || k == "placeholders" || k == "environments") continue;
      std::replace(k.begin(), k.end(), '_', '-');
      out.insert("--" + k);
    }
  }
  out.erase("--help");
  out.erase("--version");
  return out;
}

TEST_F(CliMessages, EveryReadmeOptionWorksBeforeAndAfterTheCommand) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("password.txt", "secret\n");
  dir.Write("tenants.txt", url() + "\n");
  dir.Write("flyrun.yaml", "environments:\n  dev:\n    table: flyrun_schema_history\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);  // info and validate do not create the database
  auto cases = OptionCases(url());
  std::set<std::string> documented = ReadmeOptions();
  EXPECT_GT(documented.size(), 25u);
  for (const auto& option : documented)
    EXPECT_TRUE(cases.count(option))
        << "the README documents " << option << ": add it to OptionCases";
  for (const auto& [option, c] : cases) {
    std::vector<std::string> before = {option};
    before.insert(before.end(), c.value.begin(), c.value.end());
    before.push_back(c.command);
    std::vector<std::string> after = {c.command, option};
    after.insert(after.end(), c.value.begin(), c.value.end());
    before.insert(before.end(), c.tail.begin(), c.tail.end());
    after.insert(after.end(), c.tail.begin(), c.tail.end());
    for (const auto& args : {before, after}) {
      std::string what;
      for (const auto& a : args) what += a + " ";
      auto r = Run(args);
      EXPECT_EQ(r.exit_code, c.exit_code) << what << Show(r);
      EXPECT_FALSE(Has(r.err, "unknown option") || Has(r.err, "not expected")) << what << Show(r);
    }
  }
}

TEST_F(CliMessages, AnOptionOfAnotherCommandIsNamedAsSuch) {
  auto r = Run({"--dry-run", "info"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Has(r.err, "--dry-run")) << Show(r);
  EXPECT_TRUE(Has(r.err, "migrate")) << "says which commands take it\n" << Show(r);
}

// --- target ----------------------------------------------------------------

TEST_F(CliMessages, TargetCurrentAppliesNoNewVersionButRepeatables) {
  WriteThree();
  ASSERT_EQ(Run({"migrate", "--target", "1"}).exit_code, 0);
  dir.Write("sql/R__view.sql", "CREATE VIEW IF NOT EXISTS v AS SELECT 1 AS x;\n");
  auto r = Run({"migrate", "--target", "current"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Applied(), "1 view");

  auto empty = TempDir();
  auto fresh = RunFlyrun({"migrate", "--target", "current"}, dir.path(),
                         {{"FLYRUN_URL", "sqlite:" + (empty.path() / "x.db").string()}});
  ASSERT_EQ(fresh.exit_code, 0) << Show(fresh);
}

TEST_F(CliMessages, TargetNextAppliesOneVersionAndLatestAll) {
  WriteThree();
  ASSERT_EQ(Run({"migrate", "--target", "next"}).exit_code, 0);
  EXPECT_EQ(Applied(), "1");
  ASSERT_EQ(Run({"migrate", "--target", "NEXT"}).exit_code, 0);
  EXPECT_EQ(Applied(), "1 2");
  ASSERT_EQ(Run({"migrate", "--target", "latest"}).exit_code, 0);
  EXPECT_EQ(Applied(), "1 2 3");
}

TEST_F(CliMessages, TargetNamingNoVersionIsRefusedUnlessMarkedWithAQuestionMark) {
  WriteThree();
  auto between = Run({"migrate", "--target", "2.5"});
  EXPECT_EQ(between.exit_code, 2) << Show(between);
  EXPECT_TRUE(Has(between.err, "no migration has the target version 2.5")) << Show(between);
  EXPECT_TRUE(Has(between.err, "2.5?")) << "the hint says how to go up to it\n" << Show(between);
  EXPECT_EQ(Applied(), "") << "nothing applied";

  auto above = Run({"migrate", "--target", "9"});
  EXPECT_EQ(above.exit_code, 2) << Show(above);

  auto lenient = Run({"migrate", "--target", "2.5?"});
  ASSERT_EQ(lenient.exit_code, 0) << Show(lenient);
  EXPECT_EQ(Applied(), "1 2");
  auto lenient_above = Run({"migrate", "--target", "9?"});
  ASSERT_EQ(lenient_above.exit_code, 0) << Show(lenient_above);
  EXPECT_EQ(Applied(), "1 2 3");

  // undo takes the same targets.
  ASSERT_EQ(Run({"undo", "--target", "1.5"}).exit_code, 2);
  auto undo = Run({"undo", "--target", "1.5?"});
  EXPECT_NE(undo.exit_code, 2) << Show(undo);

  auto bad = Run({"migrate", "--target", "soon"});
  EXPECT_EQ(bad.exit_code, 2) << Show(bad);
  EXPECT_TRUE(Has(bad.err, "current")) << "lists the keywords\n" << Show(bad);
}

TEST_F(CliMessages, UndoTargetCurrentUndoesTheLatest) {
  WriteThree();
  dir.Write("sql/U3__c.sql", "DROP TABLE c;\n");
  ASSERT_EQ(Run({"migrate"}).exit_code, 0);
  auto r = Run({"undo", "--target", "current"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(Applied(), "1 2 3 3:UNDO_SQL");
}

// --- interrupted migrations ------------------------------------------------

// Runs for minutes unless the progress handler aborts it.
constexpr char kLongStatement[] =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
    "SELECT count(*) FROM c;\n";

TEST_F(CliMessages, AnInterruptedMigrationIsNamedWithWhatWasRolledBackAndWhatStays) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V2__slow.sql", std::string("CREATE TABLE b (id INT);\n") + kLongStatement);
  auto bg = StartFlyrun({"migrate"}, dir.path(), {{"FLYRUN_URL", url()}});
  // The journal exists while V2's transaction is open.
  auto v2_running = [&] {
    try {
      return std::filesystem::exists(dir.path() / "app.db-journal") && Applied() == "1";
    } catch (const SQLite::Exception&) {
      return false;  // busy: flyrun is committing
    }
  };
  ASSERT_TRUE(ReachedOrKill(bg, v2_running, "V2 running"));
  long long ms = 0;
  RunResult r = SignalAndWait(bg, SIGTERM, std::chrono::milliseconds(20000), ms);
  EXPECT_EQ(r.exit_code, 130) << Show(r);
  EXPECT_TRUE(Has(r.err, "interrupted by signal during V2__slow.sql")) << Show(r);
  EXPECT_TRUE(Has(r.err, "V2__slow.sql was rolled back")) << Show(r);
  EXPECT_TRUE(Has(r.err, "statement 1 had run")) << Show(r);
  EXPECT_TRUE(Has(r.err, "applied before it in this run and committed: version 1")) << Show(r);
  EXPECT_EQ(Applied(), "1");
}

// --- the history table -----------------------------------------------------

TEST_F(CliMessages, AHistoryTableOfAnotherToolIsNamedWithTheColumnsFlyrunExpects) {
  WriteThree();
  Exec("CREATE TABLE flyrun_schema_history (version BIGINT PRIMARY KEY, dirty BOOLEAN)");
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Has(r.err, "\"flyrun_schema_history\" is not a flyrun history table")) << Show(r);
  EXPECT_TRUE(Has(r.err, "golang-migrate")) << Show(r);
  EXPECT_TRUE(Has(r.err, "installed_rank, version")) << Show(r);
  EXPECT_FALSE(TableExists("a"));
}

TEST_F(CliMessages, AReadOnlySessionSaysItWasCreatingTheHistoryTable) {
  WriteThree();
  auto r = Run({"migrate", "--init-sql", "PRAGMA query_only = ON"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Has(r.err, "could not create the history table \"flyrun_schema_history\""))
      << Show(r);
  EXPECT_TRUE(Has(r.err, "hint: ")) << Show(r);
}

// --- SQLite files ----------------------------------------------------------

TEST_F(CliMessages, ALockFileThatCannotBeCreatedIsNamedAndNotALockTimeout) {
  WriteThree();
  // Works as root too: nothing can create a file where a directory is.
  std::filesystem::create_directories(db_path() + ".flyrun-lock");
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_TRUE(Has(r.err, "cannot create the lock file " + db_path() + ".flyrun-lock")) << Show(r);
  EXPECT_FALSE(Has(r.err, "not acquired")) << Show(r);
}

TEST_F(CliMessages, ReadOnlyCommandsDoNotCreateAMistypedSqliteDatabase) {
  WriteThree();
  for (const char* command : {"info"}) {
    auto r = Run({command}, {{"FLYRUN_URL", "sqlite:typo.db"}});
    EXPECT_EQ(r.exit_code, 4) << command << "\n" << Show(r);
    EXPECT_TRUE(Has(r.err, "typo.db does not exist")) << Show(r);
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "typo.db")) << command;
  }
  auto nodir =
      Run({"info"}, {{"FLYRUN_URL", "sqlite://" + (dir.path() / "nodir/typo.db").string()}});
  EXPECT_EQ(nodir.exit_code, 4) << Show(nodir);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "nodir"));
  auto migrate = Run({"migrate"}, {{"FLYRUN_URL", "sqlite:typo.db"}});
  EXPECT_EQ(migrate.exit_code, 0) << Show(migrate);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "typo.db")) << "migrate creates it";
}

// --- info ------------------------------------------------------------------

/// The display column where `needle` starts in `line` (UTF-8: accented
/// letters one column, CJK two).
size_t ColumnOf(const std::string& line, const std::string& needle) {
  size_t at = line.find(needle);
  if (at == std::string::npos) return std::string::npos;
  size_t column = 0;
  for (size_t i = 0; i < at;) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    column += len == 3 && c >= 0xE3 && c <= 0xE9 ? 2 : 1;  // CJK ideographs and kana
    i += len;
  }
  return column;
}

TEST_F(CliMessages, InfoAlignsAccentedAndCjkDescriptionsByDisplayWidth) {
  dir.Write("sql/V1__plain.sql", "SELECT 1;\n");
  dir.Write("sql/V2__café_crème.sql", "SELECT 1;\n");
  dir.Write("sql/V3__日本語の説明.sql", "SELECT 1;\n");
  ASSERT_EQ(Run({"migrate", "--target", "current"}).exit_code, 0);  // creates the database
  auto r = Run({"info"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  std::vector<size_t> columns;
  size_t start = 0;
  while (start < r.out.size()) {
    size_t nl = r.out.find('\n', start);
    std::string line = r.out.substr(start, nl - start);
    if (Has(line, "Versioned")) columns.push_back(ColumnOf(line, "SQL"));
    start = nl == std::string::npos ? r.out.size() : nl + 1;
  }
  ASSERT_EQ(columns.size(), 3u) << r.out;
  EXPECT_EQ(columns[0], columns[1]) << r.out;
  EXPECT_EQ(columns[0], columns[2]) << r.out;
}

// --- a schema that predates flyrun -----------------------------------------

TEST_F(CliMessages, AFirstMigrateOverExistingObjectsHintsAtBaseline) {
  WriteThree();
  Exec("CREATE TABLE a (id INT)");
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_TRUE(Has(r.err, "flyrun baseline")) << Show(r);
  EXPECT_TRUE(Has(r.err, "baseline_on_migrate")) << Show(r);
}

// An error that points into a file starts with its location, as validate's
// problems and compilers' errors do: terminals, editors and grep jump to it.
TEST_F(CliMessages, AnErrorInAScriptStartsWithFileLineColumn) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n  SELECT * FROM nope;\n");
  auto r = Run({"migrate"});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_EQ(r.err.rfind("sql/V1__a.sql:2:3: error: no such table: nope\n", 0), 0u) << Show(r);

  dir.Write("flyrun.yaml", "locations: sql\nbogus: 1\n");
  auto c = Run({"info"});
  EXPECT_EQ(c.exit_code, 2) << Show(c);
  EXPECT_EQ(c.err.rfind("flyrun.yaml:2: error: unknown key 'bogus'", 0), 0u) << Show(c);
}

// A migrate that refuses because of problems keeps stdout one JSON document:
// the problems travel in it instead of as text lines before it.
TEST_F(CliMessages, AMigrateRefusingOverProblemsIsOneJsonDocument) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id INT);\n");
  dir.Write("sql/V1__b.sql", "CREATE TABLE b (id INT);\n");  // a duplicate version
  auto scan = Run({"--output", "json", "migrate"});
  EXPECT_EQ(scan.exit_code, 3) << Show(scan);
  nlohmann::json doc;
  ASSERT_NO_THROW(doc = nlohmann::json::parse(scan.out)) << Show(scan);
  EXPECT_EQ(doc["success"], false);
  ASSERT_TRUE(doc["issues"].is_array()) << doc.dump(2);
  EXPECT_FALSE(doc["issues"].empty()) << doc.dump(2);

  std::filesystem::remove(dir.path() / "sql/V1__b.sql");
  dir.Write("sql/V2__c.sql", "INSERT INTO a VALUES ('x);\n");  // unterminated
  auto pre = Run({"--output", "json", "migrate"});
  EXPECT_EQ(pre.exit_code, 3) << Show(pre);
  ASSERT_NO_THROW(doc = nlohmann::json::parse(pre.out)) << Show(pre);
  ASSERT_TRUE(doc["issues"].is_array()) << doc.dump(2);
  EXPECT_EQ(doc["issues"][0]["code"], "unterminated") << doc.dump(2);
}

}  // namespace
}  // namespace flyrun::test
