#include <gtest/gtest.h>

#include "scan/scanner.h"

namespace flyrun {
namespace {

using Outcome = NameParse::Outcome;

ResolvedMigration Parsed(std::string_view name) {
  NameParse p = ParseMigrationName(name);
  EXPECT_EQ(p.outcome, Outcome::kMigration) << name << ": " << p.problem;
  return p.migration;
}

TEST(ParseMigrationName, Versioned) {
  ResolvedMigration m = Parsed("V1__init.sql");
  EXPECT_EQ(m.kind, MigrationKind::kVersioned);
  ASSERT_TRUE(m.version);
  EXPECT_EQ(m.version->str(), "1");
  EXPECT_EQ(m.description, "init");
  EXPECT_TRUE(m.event.empty());
  EXPECT_TRUE(m.script.empty());  // set by the scanner, not from the name
}

TEST(ParseMigrationName, VersionForms) {
  EXPECT_EQ(Parsed("V1_2__x.sql").version->str(), "1.2");
  EXPECT_EQ(Parsed("V1.2.3__x.sql").version->str(), "1.2.3");
  EXPECT_EQ(Parsed("V001__x.sql").version->str(), "1");
  EXPECT_EQ(Parsed("V1.0__x.sql").version->str(), "1");
  EXPECT_EQ(Parsed("V20261123093000__x.sql").version->str(), "20261123093000");
  EXPECT_EQ(*Parsed("V1__a.sql").version, *Parsed("V001__b.sql").version);
  EXPECT_EQ(*Parsed("V1__a.sql").version, *Parsed("V1.0__c.sql").version);
}

TEST(ParseMigrationName, DescriptionUnderscoresBecomeSpaces) {
  EXPECT_EQ(Parsed("V2__add_users_table.sql").description, "add users table");
  EXPECT_EQ(Parsed("V2__add users.sql").description, "add users");
  EXPECT_EQ(Parsed("V2__a__b.sql").description, "a  b");  // the first "__" separates
  EXPECT_EQ(Parsed("V2__Add-Index.v2.sql").description, "Add-Index.v2");
}

TEST(ParseMigrationName, Undo) {
  ResolvedMigration m = Parsed("U1_1__drop_users.sql");
  EXPECT_EQ(m.kind, MigrationKind::kUndo);
  EXPECT_EQ(m.version->str(), "1.1");
  EXPECT_EQ(m.description, "drop users");
}

TEST(ParseMigrationName, Repeatable) {
  ResolvedMigration m = Parsed("R__refresh_views.sql");
  EXPECT_EQ(m.kind, MigrationKind::kRepeatable);
  EXPECT_FALSE(m.version);
  EXPECT_EQ(m.description, "refresh views");
}

TEST(ParseMigrationName, Callbacks) {
  for (const char* event :
       {"beforeMigrate", "afterMigrate", "beforeEachMigrate", "afterEachMigrate",
        "afterMigrateError", "beforeUndo", "afterUndo", "beforeEachUndo", "afterEachUndo",
        "beforeValidate", "afterValidate", "beforeClean", "afterClean", "beforeBaseline",
        "afterBaseline", "beforeRepair", "afterRepair", "beforeInfo", "afterInfo"}) {
    ResolvedMigration m = Parsed(std::string(event) + ".sql");
    EXPECT_EQ(m.kind, MigrationKind::kCallback) << event;
    EXPECT_EQ(m.event, event);
    EXPECT_EQ(m.description, "");
    EXPECT_FALSE(m.version);

    ResolvedMigration d = Parsed(std::string(event) + "__grant_rights.sql");
    EXPECT_EQ(d.kind, MigrationKind::kCallback) << event;
    EXPECT_EQ(d.event, event);
    EXPECT_EQ(d.description, "grant rights");
  }
  // The longest event name wins.
  EXPECT_EQ(Parsed("afterMigrateError.sql").event, "afterMigrateError");
  EXPECT_EQ(Parsed("afterMigrateError__notify.sql").event, "afterMigrateError");
}

TEST(ParseMigrationName, MalformedNamesStateTheExpectedForm) {
  for (const char* name :
       {"V1_init.sql", "V__x.sql", "Vx__y.sql", "v1__lower.sql", "V1__.sql", "V1.sql",
        "V1..2__x.sql", "V1.__x.sql", "V1___.sql", "V_1__x.sql", "V1__ .sql", "V1 __x.sql"}) {
    NameParse p = ParseMigrationName(name);
    EXPECT_EQ(p.outcome, Outcome::kMalformed) << name;
    EXPECT_NE(p.problem.find("V<version>__<description>.sql"), std::string::npos)
        << name << ": " << p.problem;
  }
  for (const char* name : {"U__x.sql", "U1_x.sql", "u1__x.sql", "U1__.sql", "Ua__b.sql"}) {
    NameParse p = ParseMigrationName(name);
    EXPECT_EQ(p.outcome, Outcome::kMalformed) << name;
    EXPECT_NE(p.problem.find("U<version>__<description>.sql"), std::string::npos)
        << name << ": " << p.problem;
  }
  for (const char* name :
       {"R__.sql", "R1__x.sql", "R_x.sql", "r__x.sql", "Rx__y.sql", "R___.sql"}) {
    NameParse p = ParseMigrationName(name);
    EXPECT_EQ(p.outcome, Outcome::kMalformed) << name;
    EXPECT_NE(p.problem.find("R__<description>.sql"), std::string::npos)
        << name << ": " << p.problem;
  }
}

TEST(ParseMigrationName, ProblemSaysWhatIsWrong) {
  EXPECT_NE(ParseMigrationName("V1_init.sql").problem.find("missing '__'"), std::string::npos);
  EXPECT_NE(ParseMigrationName("V__x.sql").problem.find("missing version"), std::string::npos);
  EXPECT_NE(ParseMigrationName("Vx__y.sql").problem.find("'x' is not a version"),
            std::string::npos);
  EXPECT_NE(ParseMigrationName("v1__lower.sql").problem.find("upper-case 'V'"), std::string::npos);
  EXPECT_NE(ParseMigrationName("V1__.sql").problem.find("missing description"), std::string::npos);
  EXPECT_NE(ParseMigrationName("R1__x.sql").problem.find("no version"), std::string::npos);
}

TEST(ParseMigrationName, MalformedCallbacks) {
  for (const char* name :
       {"beforemigrate.sql", "BeforeMigrate.sql", "afterMigrate__.sql", "afterMigrate_x.sql",
        "beforeEachMigrate.old.sql", "AFTERMIGRATEERROR.sql"}) {
    NameParse p = ParseMigrationName(name);
    EXPECT_EQ(p.outcome, Outcome::kMalformed) << name;
    EXPECT_NE(p.problem.find("__<description>.sql"), std::string::npos)
        << name << ": " << p.problem;
  }
  EXPECT_NE(ParseMigrationName("beforemigrate.sql").problem.find("'beforeMigrate'"),
            std::string::npos);
}

TEST(ParseMigrationName, UpperCaseSuffixIsMalformed) {
  NameParse p = ParseMigrationName("V1__init.SQL");
  EXPECT_EQ(p.outcome, Outcome::kMalformed);
  EXPECT_NE(p.problem.find("V1__init.sql"), std::string::npos) << p.problem;
  EXPECT_EQ(ParseMigrationName("R__x.Sql").outcome, Outcome::kMalformed);
  EXPECT_EQ(ParseMigrationName("afterMigrate.SQL").outcome, Outcome::kMalformed);
  EXPECT_EQ(ParseMigrationName("V1_x.SQL").outcome, Outcome::kMalformed);
  EXPECT_EQ(ParseMigrationName("README.SQL").outcome, Outcome::kNotMigration);
}

TEST(ParseMigrationName, OtherFilesAreNotMigrations) {
  for (const char* name :
       {"README.sql", "helpers.sql", "View_helpers.sql", "Users.sql", "V.sql", "R.sql",
        "Upgrade.sql", "V1__init.sql.bak", "V1__init.txt", "V1__init", "README.md", ".sql", "sql",
        "", "afterMigrated.sql", "before.sql", "vendor.sql", "u.sql", "r_x.sql"}) {
    NameParse p = ParseMigrationName(name);
    EXPECT_EQ(p.outcome, Outcome::kNotMigration) << "'" << name << "': " << p.problem;
  }
}

}  // namespace
}  // namespace flyrun
