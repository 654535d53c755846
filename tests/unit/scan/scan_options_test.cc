#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "scan/scanner.h"
#include "support/test_support.h"

namespace flyrun {
namespace {

namespace fs = std::filesystem;
using Outcome = NameParse::Outcome;

std::vector<std::string> Scripts(const ScanResult& r) {
  std::vector<std::string> out;
  for (const auto& m : r.migrations) out.push_back(m.script);
  return out;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ScanOptionsTest : public ::testing::Test {
 protected:
  std::string Loc(const std::string& name = "sql") const { return (dir_.path() / name).string(); }
  void Touch(const std::string& relative, const std::string& text = "select 1;\n") const {
    dir_.Write(relative, text);
  }
  ScanResult Scan(const std::vector<std::string>& locations) const {
    ScanOptions options = options_;
    options.locations = locations;
    return ScanLocations(options);
  }

  test::TempDir dir_;
  ScanOptions options_;
};

// --- locations -----------------------------------------------------------

TEST_F(ScanOptionsTest, FilesystemPrefixIsStripped) {
  Touch("sql/V1__a.sql");
  ScanResult r = Scan({"filesystem:" + Loc()});
  EXPECT_TRUE(r.issues.empty());
  ASSERT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql"}));
  EXPECT_EQ(r.migrations[0].path, fs::path(Loc()) / "V1__a.sql");
  EXPECT_EQ(ResolveLocation("filesystem:sql", ""), "sql");
  EXPECT_EQ(ResolveLocation("FILESYSTEM:db/sql", ""), "db/sql");
  EXPECT_EQ(ResolveLocation("sql", ""), "sql");
}

TEST_F(ScanOptionsTest, ClasspathWithoutRootIsAUsageErrorNamingLocationAndKey) {
  try {
    ResolveLocation("classpath:db/migration", "");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kUsage);
    EXPECT_TRUE(Contains(e.what(), "classpath:db/migration")) << e.what();
    EXPECT_TRUE(Contains(e.what(), "classpath_root")) << e.what();
    EXPECT_TRUE(Contains(e.hint(), "classpath_root")) << e.hint();
  }
  EXPECT_THROW(Scan({"classpath:db/migration"}), Error);
  EXPECT_THROW(ResolveLocation("filesystem:", ""), Error);
  EXPECT_THROW(ResolveLocation("s3:bucket/sql", ""), Error);
}

TEST_F(ScanOptionsTest, ClasspathMapsUnderTheRoot) {
  Touch("src/main/resources/db/migration/V1__a.sql");
  options_.classpath_root = Loc("src/main/resources");
  EXPECT_EQ(ResolveLocation("classpath:db/migration", "res"), "res/db/migration");
  EXPECT_EQ(ResolveLocation("classpath:/db", "res"), "res/db");
  ScanResult r = Scan({"classpath:db/migration"});
  EXPECT_TRUE(r.issues.empty());
  ASSERT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql"}));
  EXPECT_EQ(r.migrations[0].path,
            fs::path(Loc("src/main/resources")) / "db/migration" / "V1__a.sql");
}

TEST_F(ScanOptionsTest, StarMatchesOneDirectoryName) {
  Touch("db/app/migrations/V1__a.sql");
  Touch("db/billing/migrations/V2__b.sql");
  Touch("db/billing/other/V3__not_this.sql");
  Touch("db/x/y/migrations/V4__too_deep.sql");
  ScanResult r = Scan({"filesystem:" + Loc("db") + "/*/migrations"});
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql", "V2__b.sql"}));
  EXPECT_EQ(r.migrations[1].path, fs::path(Loc("db")) / "billing/migrations/V2__b.sql");
}

TEST_F(ScanOptionsTest, QuestionMarkMatchesOneCharacter) {
  Touch("db/release1.0/V1__a.sql");
  Touch("db/release1.1/V2__b.sql");
  Touch("db/release1.11/V3__c.sql");
  ScanResult r = Scan({Loc("db") + "/release1.?"});
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql", "V2__b.sql"}));
  ScanResult star = Scan({Loc("db") + "/release1.*"});
  EXPECT_EQ(Scripts(star), (std::vector<std::string>{"V1__a.sql", "V2__b.sql", "V3__c.sql"}));
}

TEST_F(ScanOptionsTest, DoubleStarMatchesAnyDepthIncludingNone) {
  Touch("db/test/V1__a.sql");
  Touch("db/v1/test/V2__b.sql");
  Touch("db/dev/v/1.0/test/V3__c.sql");
  Touch("db/v1/release/V4__not_this.sql");
  ScanResult r = Scan({Loc("db") + "/**/test"});
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql", "V2__b.sql", "V3__c.sql"}));
}

TEST_F(ScanOptionsTest, WildcardRelativeToWorkingDirectory) {
  Touch("db/a/V1__a.sql");
  fs::path old = fs::current_path();
  fs::current_path(dir_.path());
  ScanResult r = Scan({"filesystem:db/*"});
  fs::current_path(old);
  ASSERT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql"}));
  EXPECT_EQ(r.migrations[0].path.string(), "db/a/V1__a.sql");
}

TEST_F(ScanOptionsTest, WildcardWithMissingFixedPartIsMissing) {
  ScanResult r = Scan({Loc("nope") + "/*/sql"});
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].code, "location-missing");
  EXPECT_TRUE(Contains(r.issues[0].message, Loc("nope"))) << r.issues[0].message;
  fs::create_directories(Loc("empty"));
  EXPECT_TRUE(Scan({Loc("empty") + "/*/sql"}).issues.empty());  // matches nothing: a warning
}

// --- naming keys ----------------------------------------------------------

TEST(NamingRules, CustomPrefixesSeparatorAndSuffixes) {
  NamingRules rules;
  rules.versioned_prefix = "M";
  rules.undo_prefix = "UNDO";
  rules.repeatable_prefix = "REP";
  rules.separator = "-";
  rules.suffixes = {".sql", ".pgsql"};
  NameParse v = ParseMigrationName("M1_2-add_users.pgsql", rules);
  ASSERT_EQ(v.outcome, Outcome::kMigration) << v.problem;
  EXPECT_EQ(v.migration.kind, MigrationKind::kVersioned);
  EXPECT_EQ(v.migration.version->str(), "1.2");
  EXPECT_EQ(v.migration.version_text, "1.2");
  EXPECT_EQ(v.migration.description, "add users");
  NameParse u = ParseMigrationName("UNDO1_2-add_users.sql", rules);
  ASSERT_EQ(u.outcome, Outcome::kMigration) << u.problem;
  EXPECT_EQ(u.migration.kind, MigrationKind::kUndo);
  NameParse r = ParseMigrationName("REP-views.sql", rules);
  ASSERT_EQ(r.outcome, Outcome::kMigration) << r.problem;
  EXPECT_EQ(r.migration.kind, MigrationKind::kRepeatable);
  EXPECT_EQ(r.migration.description, "views");
  NameParse c = ParseMigrationName("beforeMigrate-grants.sql", rules);
  ASSERT_EQ(c.outcome, Outcome::kMigration) << c.problem;
  EXPECT_EQ(c.migration.event, "beforeMigrate");
  EXPECT_EQ(c.migration.description, "grants");
  // The default letters mean nothing under other rules.
  EXPECT_EQ(ParseMigrationName("V1__a.sql", rules).outcome, Outcome::kNotMigration);
  EXPECT_EQ(ParseMigrationName("M1-a.txt", rules).outcome, Outcome::kNotMigration);
  NameParse bad = ParseMigrationName("M1_a.sql", rules);
  EXPECT_EQ(bad.outcome, Outcome::kMalformed);
  EXPECT_TRUE(Contains(bad.problem, "M<version>-<description>.sql")) << bad.problem;
}

TEST(NamingRules, VersionAsWrittenWithDefaultRules) {
  NameParse v = ParseMigrationName("V5_0_2014_08_08__x.sql");
  ASSERT_EQ(v.outcome, Outcome::kMigration);
  EXPECT_EQ(v.migration.version_text, "5.0.2014.08.08");
  NameParse u = ParseMigrationName("U1.01__x.sql");
  EXPECT_EQ(u.migration.version_text, "1.01");
}

TEST(NamingRules, FlywayCallbacksAndBaselineFiles) {
  for (const char* name : {"beforeMigrate.sql", "afterMigrate.sql", "beforeEachMigrate.sql",
                           "afterEachMigrate.sql", "afterMigrateError.sql", "beforeClean.sql",
                           "beforeMigrate__desc.sql", "afterEachMigrateError.sql"}) {
    NameParse p = ParseMigrationName(name);
    EXPECT_EQ(p.outcome, Outcome::kMigration) << name << ": " << p.problem;
    EXPECT_EQ(p.migration.kind, MigrationKind::kCallback) << name;
  }
  // hawkBit's baseline migration is not flyrun's business.
  EXPECT_EQ(ParseMigrationName("B1_20_0__1.0.0_baseline__MYSQL.sql").outcome,
            Outcome::kNotMigration);
}

TEST_F(ScanOptionsTest, MalformedNamesAreSkippedWhenNamingIsNotValidated) {
  Touch("sql/V1__a.sql");
  Touch("sql/V2_bad.sql");
  Touch("sql/B1_20_0__1.0.0_baseline__MYSQL.sql");
  EXPECT_EQ(Scan({Loc()}).issues.size(), 1u);
  options_.report_malformed = false;
  ScanResult r = Scan({Loc()});
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql"}));
}

TEST_F(ScanOptionsTest, NamingRulesDriveTheScan) {
  Touch("sql/M1-a.sql");
  Touch("sql/V2__b.sql");
  options_.naming.versioned_prefix = "M";
  options_.naming.separator = "-";
  ScanResult r = Scan({Loc()});
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"M1-a.sql"}));
}

// --- <script>.sql.conf ----------------------------------------------------

TEST_F(ScanOptionsTest, ScriptConfigSetsTheScriptsSettings) {
  Touch("sql/V1__a.sql");
  Touch("sql/V1__a.sql.conf",
        "# per script\nexecuteInTransaction=false\nencoding: ISO-8859-1\n"
        "  placeholderReplacement  false\r\n! another comment\n\n");
  Touch("sql/V2__b.sql");
  ScanResult r = Scan({Loc()});
  EXPECT_TRUE(r.issues.empty()) << r.issues[0].message;
  ASSERT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql", "V2__b.sql"}));  // not a migration
  EXPECT_EQ(r.migrations[0].execute_in_transaction, std::optional<bool>(false));
  EXPECT_EQ(r.migrations[0].encoding, std::optional<std::string>("ISO-8859-1"));
  EXPECT_EQ(r.migrations[0].placeholder_replacement, std::optional<bool>(false));
  EXPECT_FALSE(r.migrations[1].execute_in_transaction);
  EXPECT_FALSE(r.migrations[1].encoding);
  EXPECT_FALSE(r.migrations[1].placeholder_replacement);
}

TEST_F(ScanOptionsTest, ScriptConfigIsPlaceholderReplacedFirst) {
  Touch("sql/R__a.sql");
  Touch("sql/R__a.sql.conf", "executeInTransaction=${in_tx}\nencoding=${ENC}\n");
  options_.placeholders = {{"in_tx", "false"}, {"enc", "UTF-16"}};
  ScanResult r = Scan({Loc()});
  EXPECT_TRUE(r.issues.empty()) << r.issues[0].message;
  ASSERT_EQ(r.migrations.size(), 1u);
  EXPECT_EQ(r.migrations[0].execute_in_transaction, std::optional<bool>(false));
  EXPECT_EQ(r.migrations[0].encoding, std::optional<std::string>("UTF-16"));
}

TEST_F(ScanOptionsTest, ScriptConfigErrorsNameFileAndLine) {
  Touch("sql/V1__a.sql");
  Touch("sql/V1__a.sql.conf",
        "encoding=UTF-8\nshouldExecute=true\nexecuteInTransaction=maybe\n"
        "placeholderReplacement=${missing}\n");
  ScanResult r = Scan({Loc()});
  ASSERT_EQ(r.issues.size(), 4u);
  std::string conf = Loc() + "/V1__a.sql.conf";
  for (const Issue& i : r.issues) {
    EXPECT_EQ(i.code, "script-config");
    EXPECT_EQ(i.file, conf);
  }
  EXPECT_EQ(r.issues[0].line, 2);
  EXPECT_TRUE(Contains(r.issues[0].message, "shouldExecute")) << r.issues[0].message;
  EXPECT_EQ(r.issues[1].line, 3);
  EXPECT_TRUE(Contains(r.issues[1].message, "maybe"));
  EXPECT_EQ(r.issues[2].line, 4);
  EXPECT_TRUE(Contains(r.issues[2].message, "${missing}")) << r.issues[2].message;
}

TEST(ParseScriptConfig, PropertiesForms) {
  Issues issues;
  ScanOptions options;
  ScriptConfig c =
      ParseScriptConfig("executeInTransaction = TRUE\nencoding UTF-8", "x.conf", options, issues);
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(c.execute_in_transaction, std::optional<bool>(true));
  EXPECT_EQ(c.encoding, std::optional<std::string>("UTF-8"));
}

}  // namespace
}  // namespace flyrun
