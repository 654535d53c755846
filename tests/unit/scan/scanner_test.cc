#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "scan/scanner.h"
#include "support/test_support.h"

namespace flyrun {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Scripts(const ScanResult& r) {
  std::vector<std::string> out;
  for (const auto& m : r.migrations) out.push_back(m.script);
  return out;
}

std::vector<std::string> Codes(const ScanResult& r) {
  std::vector<std::string> out;
  for (const auto& i : r.issues) out.push_back(i.code);
  return out;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ScannerTest : public ::testing::Test {
 protected:
  std::string Loc(const std::string& name = "sql") const { return (dir_.path() / name).string(); }
  void Touch(const std::string& relative) const { dir_.Write(relative, "select 1;\n"); }

  test::TempDir dir_;
};

TEST_F(ScannerTest, SortsEachKindInItsOrder) {
  for (const char* f : {"sql/V2__b.sql", "sql/V1.10__j.sql", "sql/V1.2__h.sql", "sql/V1__a.sql",
                        "sql/V1.1__g.sql", "sql/U2__b.sql", "sql/U1.1__g.sql", "sql/R__views.sql",
                        "sql/R__functions.sql", "sql/afterMigrate.sql", "sql/beforeMigrate__b.sql",
                        "sql/beforeMigrate__a.sql", "sql/beforeMigrate.sql"}) {
    Touch(f);
  }
  ScanResult r = ScanLocations({Loc()});
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(Scripts(r),
            (std::vector<std::string>{"V1__a.sql", "V1.1__g.sql", "V1.2__h.sql", "V1.10__j.sql",
                                      "V2__b.sql", "U1.1__g.sql", "U2__b.sql", "R__functions.sql",
                                      "R__views.sql", "afterMigrate.sql", "beforeMigrate.sql",
                                      "beforeMigrate__a.sql", "beforeMigrate__b.sql"}));
  EXPECT_EQ(r.migrations[0].kind, MigrationKind::kVersioned);
  EXPECT_EQ(r.migrations[5].kind, MigrationKind::kUndo);
  EXPECT_EQ(r.migrations[7].kind, MigrationKind::kRepeatable);
  EXPECT_EQ(r.migrations[7].description, "functions");
  EXPECT_EQ(r.migrations[9].kind, MigrationKind::kCallback);
  EXPECT_EQ(r.migrations[9].event, "afterMigrate");
}

TEST_F(ScannerTest, WalksRecursivelyWithRelativeScripts) {
  Touch("sql/V1__a.sql");
  Touch("sql/2026/03/V3__c.sql");
  Touch("sql/2026/V2__b.sql");
  Touch("sql/views/R__v.sql");
  ScanResult r = ScanLocations({Loc()});
  EXPECT_TRUE(r.issues.empty());
  ASSERT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql", "2026/V2__b.sql",
                                                  "2026/03/V3__c.sql", "views/R__v.sql"}));
  EXPECT_EQ(r.migrations[2].path, fs::path(Loc()) / "2026/03/V3__c.sql");
  EXPECT_EQ(r.migrations[2].version->str(), "3");
  EXPECT_EQ(r.migrations[2].description, "c");
}

TEST_F(ScannerTest, RelativeLocationKeepsItsSpelling) {
  Touch("sql/sub/V1__a.sql");
  fs::path old = fs::current_path();
  fs::current_path(dir_.path());
  ScanResult r = ScanLocations({"./sql/", "sql"});
  fs::current_path(old);
  ASSERT_EQ(r.migrations.size(), 1u);  // one directory, scanned once
  EXPECT_EQ(r.migrations[0].path.string(), "./sql/sub/V1__a.sql");
  EXPECT_EQ(r.migrations[0].script, "sub/V1__a.sql");
  EXPECT_TRUE(r.issues.empty()) << r.issues[0].message;
}

TEST_F(ScannerTest, IgnoresOtherFilesAndHiddenEntries) {
  Touch("sql/V1__a.sql");
  Touch("sql/README.md");
  Touch("sql/helpers.sql");
  Touch("sql/V2__b.sql.bak");
  Touch("sql/.V3__hidden.sql");
  Touch("sql/.git/V4__in_git.sql");
  Touch("sql/.hidden/V1_bad.sql");
  ScanResult r = ScanLocations({Loc()});
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql"}));
}

TEST_F(ScannerTest, FollowsSymlinkedDirectoriesWithoutLooping) {
  Touch("shared/V5__shared.sql");
  Touch("sql/V1__a.sql");
  fs::create_directory_symlink(dir_.path() / "shared", dir_.path() / "sql/linked");
  fs::create_directory_symlink(dir_.path() / "sql", dir_.path() / "sql/loop");     // to itself
  fs::create_directory_symlink(dir_.path() / "sql", dir_.path() / "shared/back");  // a cycle
  ScanResult r = ScanLocations({Loc()});
  EXPECT_TRUE(r.issues.empty()) << r.issues[0].message;
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql", "linked/V5__shared.sql"}));
}

TEST_F(ScannerTest, SymlinkedFileIsAMigration) {
  Touch("elsewhere/file.sql");
  fs::create_directories(dir_.path() / "sql");
  fs::create_symlink(dir_.path() / "elsewhere/file.sql", dir_.path() / "sql/V1__linked.sql");
  ScanResult r = ScanLocations({Loc()});
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"V1__linked.sql"}));
}

TEST_F(ScannerTest, MissingLocation) {
  Touch("sql/V1__a.sql");
  Touch("file.sql");
  ScanResult r = ScanLocations({Loc("nope"), Loc(), Loc("file.sql")});
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql"}));
  ASSERT_EQ(Codes(r), (std::vector<std::string>{"location-missing", "location-missing"}));
  EXPECT_EQ(r.issues[0].file, Loc("nope"));
  EXPECT_TRUE(Contains(r.issues[0].message, Loc("nope") + " does not exist"));
  EXPECT_TRUE(Contains(r.issues[1].message, "not a directory"));
  EXPECT_FALSE(r.issues[0].hint.empty());
}

TEST_F(ScannerTest, EmptyLocationIsFine) {
  fs::create_directories(dir_.path() / "sql");
  ScanResult r = ScanLocations({Loc()});
  EXPECT_TRUE(r.migrations.empty());
  EXPECT_TRUE(r.issues.empty());
}

TEST_F(ScannerTest, EveryMalformedNameIsReportedNamingItsFile) {
  const std::vector<std::string> bad = {"V1_init.sql", "V__x.sql", "Vx__y.sql", "v1__lower.sql",
                                        "V1__.sql",    "R__.sql",  "U__x.sql",  "V1.sql"};
  for (const auto& name : bad) Touch("sql/sub/" + name);
  Touch("sql/V1__good.sql");
  ScanResult r = ScanLocations({Loc()});
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"V1__good.sql"}));
  ASSERT_EQ(r.issues.size(), bad.size());
  for (const Issue& issue : r.issues) {
    EXPECT_EQ(issue.code, "malformed-name");
    EXPECT_TRUE(Contains(issue.file, Loc() + "/sub/")) << issue.file;
    EXPECT_TRUE(Contains(issue.message, issue.file)) << issue.message;
    EXPECT_TRUE(Contains(issue.message, "__<description>.sql")) << issue.message;
    EXPECT_FALSE(issue.hint.empty());
  }
  // In walk order (sorted by name), each file once.
  std::vector<std::string> files;
  for (const Issue& issue : r.issues) files.push_back(fs::path(issue.file).filename().string());
  std::vector<std::string> sorted = bad;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(files, sorted);
}

TEST_F(ScannerTest, DuplicateVersionsNameBothFiles) {
  Touch("sql/V1__a.sql");
  Touch("sql/V001__b.sql");
  Touch("sql/V1.0__c.sql");
  Touch("sql/V2__d.sql");
  ScanResult r = ScanLocations({Loc()});
  ASSERT_EQ(Codes(r), (std::vector<std::string>{"duplicate-version", "duplicate-version"}));
  // Walk order: V001__b.sql, V1.0__c.sql, V1__a.sql; the later ones are reported.
  EXPECT_EQ(r.issues[0].file, Loc() + "/V1.0__c.sql");
  EXPECT_TRUE(Contains(r.issues[0].message, Loc() + "/V1.0__c.sql"));
  EXPECT_TRUE(Contains(r.issues[0].message, Loc() + "/V001__b.sql"));
  EXPECT_TRUE(Contains(r.issues[0].message, "same version (1) as"));
  EXPECT_EQ(r.issues[1].file, Loc() + "/V1__a.sql");
  EXPECT_TRUE(Contains(r.issues[1].message, Loc() + "/V001__b.sql"));
}

TEST_F(ScannerTest, DuplicateVersionAcrossLocations) {
  Touch("sql/V3__one.sql");
  Touch("more/nested/V3__two.sql");
  ScanResult r = ScanLocations({Loc(), Loc("more")});
  ASSERT_EQ(Codes(r), (std::vector<std::string>{"duplicate-version"}));
  EXPECT_TRUE(Contains(r.issues[0].message, Loc() + "/V3__one.sql")) << r.issues[0].message;
  EXPECT_TRUE(Contains(r.issues[0].message, Loc("more") + "/nested/V3__two.sql"));
  EXPECT_EQ(r.issues[0].file, Loc("more") + "/nested/V3__two.sql");
}

TEST_F(ScannerTest, DuplicateUndoVersion) {
  Touch("sql/V3__x.sql");
  Touch("sql/U3__x.sql");
  Touch("sql/U003__y.sql");
  ScanResult r = ScanLocations({Loc()});
  ASSERT_EQ(Codes(r), (std::vector<std::string>{"duplicate-version"}));
  EXPECT_TRUE(Contains(r.issues[0].message, "U003__y.sql"));
  EXPECT_TRUE(Contains(r.issues[0].message, "U3__x.sql"));
}

TEST_F(ScannerTest, VersionedAndUndoOfOneVersionAreNotDuplicates) {
  Touch("sql/V3__x.sql");
  Touch("sql/U3__x.sql");
  Touch("sql/R__x.sql");
  ScanResult r = ScanLocations({Loc()});
  EXPECT_TRUE(r.issues.empty());
}

TEST_F(ScannerTest, OrphanUndo) {
  Touch("sql/V1__a.sql");
  Touch("sql/U1__a.sql");
  Touch("sql/U1.1__b.sql");
  Touch("sql/V1_1.sql");  // malformed, so U1.1 has no versioned file
  ScanResult r = ScanLocations({Loc()});
  ASSERT_EQ(Codes(r), (std::vector<std::string>{"malformed-name", "orphan-undo"}));
  EXPECT_EQ(r.issues[1].file, Loc() + "/U1.1__b.sql");
  EXPECT_TRUE(Contains(r.issues[1].message, "U1.1__b.sql"));
  EXPECT_TRUE(Contains(r.issues[1].message, "1.1"));
}

TEST_F(ScannerTest, DuplicateRepeatable) {
  Touch("sql/R__views.sql");
  Touch("sql/sub/R__views.sql");
  Touch("sql/R__other_view.sql");
  Touch("sql/R__other view.sql");  // same description: underscores are spaces
  ScanResult r = ScanLocations({Loc()});
  ASSERT_EQ(Codes(r), (std::vector<std::string>{"duplicate-repeatable", "duplicate-repeatable"}));
  EXPECT_TRUE(Contains(r.issues[0].message, "R__other view.sql"));
  EXPECT_TRUE(Contains(r.issues[0].message, "R__other_view.sql"));
  EXPECT_TRUE(Contains(r.issues[1].message, Loc() + "/R__views.sql"));
  EXPECT_TRUE(Contains(r.issues[1].message, Loc() + "/sub/R__views.sql"));
}

TEST_F(ScannerTest, AllProblemsTogether) {
  Touch("sql/V1__a.sql");
  Touch("sql/V01__b.sql");
  Touch("sql/V1_init.sql");
  Touch("sql/U7__x.sql");
  Touch("sql/R__r.sql");
  Touch("more/R__r.sql");
  ScanResult r = ScanLocations({Loc(), Loc("more"), Loc("gone")});
  std::vector<std::string> codes = Codes(r);
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<std::string>{"duplicate-repeatable", "duplicate-version",
                                             "location-missing", "malformed-name", "orphan-undo"}));
}

TEST_F(ScannerTest, CallbacksSharingAnEventAreFine) {
  Touch("sql/afterMigrate.sql");
  Touch("sql/sub/afterMigrate.sql");
  ScanResult r = ScanLocations({Loc()});
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"afterMigrate.sql", "sub/afterMigrate.sql"}));
}

TEST_F(ScannerTest, OrderDoesNotDependOnCreationOrder) {
  std::vector<std::string> names;
  for (int i = 0; i < 50; ++i)
    names.push_back("sql/d" + std::to_string(i % 7) + "/V" + std::to_string(i) + "__m.sql");
  for (auto it = names.rbegin(); it != names.rend(); ++it) Touch(*it);
  ScanResult a = ScanLocations({Loc()});
  ScanResult b = ScanLocations({Loc()});
  ASSERT_EQ(a.migrations.size(), 50u);
  EXPECT_EQ(Scripts(a), Scripts(b));
  for (size_t i = 0; i < a.migrations.size(); ++i) {
    EXPECT_EQ(a.migrations[i].version->str(), std::to_string(i));
  }
}

TEST_F(ScannerTest, UnreadableDirectoryIsReported) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads every directory";
  Touch("sql/locked/V1__a.sql");
  fs::permissions(dir_.path() / "sql/locked", fs::perms::none);
  ScanResult r = ScanLocations({Loc()});
  fs::permissions(dir_.path() / "sql/locked", fs::perms::owner_all);
  ASSERT_EQ(Codes(r), (std::vector<std::string>{"location-unreadable"}));
  EXPECT_TRUE(Contains(r.issues[0].message, "locked"));
}

// A migration that cannot be read must not be skipped: migrate would go on
// without it, and validate would pass.
TEST_F(ScannerTest, DanglingSymlinkNamedLikeAMigrationIsReported) {
  Touch("sql/V1__a.sql");
  for (const char* name : {"V2__gone.sql", "U1__gone.sql", "R__gone.sql"}) {
    fs::create_symlink(dir_.path() / "nowhere", dir_.path() / "sql" / name);
  }
  fs::create_symlink(dir_.path() / "nowhere", dir_.path() / "sql/helpers.sql");  // not a migration
  ScanResult r = ScanLocations({Loc()});
  EXPECT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql"}));
  ASSERT_EQ(Codes(r), (std::vector<std::string>{"migration-unreadable", "migration-unreadable",
                                                "migration-unreadable"}));
  EXPECT_EQ(r.issues[0].file, Loc() + "/R__gone.sql");
  EXPECT_TRUE(Contains(r.issues[0].message, Loc() + "/R__gone.sql")) << r.issues[0].message;
  EXPECT_TRUE(Contains(r.issues[0].message, "dangling symbolic link")) << r.issues[0].message;
  EXPECT_EQ(r.issues[1].file, Loc() + "/U1__gone.sql");
  EXPECT_EQ(r.issues[2].file, Loc() + "/V2__gone.sql");
  EXPECT_FALSE(r.issues[2].hint.empty());
}

TEST_F(ScannerTest, UnreadableMigrationFileIsReported) {
  if (geteuid() == 0) GTEST_SKIP() << "runs as root, who reads every file: needs a normal user";
  Touch("sql/V1__locked.sql");
  fs::permissions(dir_.path() / "sql/V1__locked.sql", fs::perms::none);
  ScanResult r = ScanLocations({Loc()});
  ASSERT_EQ(Codes(r), (std::vector<std::string>{"migration-unreadable"}));
  EXPECT_TRUE(Contains(r.issues[0].message, "V1__locked.sql")) << r.issues[0].message;
  EXPECT_TRUE(r.migrations.empty());
}

TEST_F(ScannerTest, AMigrationThatIsNotAFileIsReported) {
  Touch("sql/V1__a.sql");
  ASSERT_EQ(::mkfifo((dir_.path() / "sql/V2__pipe.sql").c_str(), 0600), 0);
  ScanResult r = ScanLocations({Loc()});
  ASSERT_EQ(Codes(r), (std::vector<std::string>{"migration-unreadable"}));
  EXPECT_TRUE(Contains(r.issues[0].message, "not a regular file")) << r.issues[0].message;
}

// The same directory named twice, or a location inside another, is one set of files.
TEST_F(ScannerTest, RepeatedOrOverlappingLocationsScanEachFileOnce) {
  Touch("sql/V1__a.sql");
  Touch("sql/sub/V2__b.sql");
  Touch("sql/R__c.sql");
  std::vector<std::vector<std::string>> cases = {
      {Loc(), Loc()},
      {Loc(), (dir_.path() / "." / "sql").string()},
      {Loc(), (dir_.path() / "sql" / ".." / "sql").string()},
      {Loc(), Loc("sql/sub")},
  };
  for (const auto& locations : cases) {
    ScanResult r = ScanLocations(locations);
    EXPECT_TRUE(r.issues.empty()) << locations[1] << ": " << r.issues[0].message;
    EXPECT_EQ(Scripts(r), (std::vector<std::string>{"V1__a.sql", "sub/V2__b.sql", "R__c.sql"}))
        << locations[1];
    EXPECT_EQ(r.migrations[0].path, fs::path(Loc()) / "V1__a.sql");  // the first spelling
  }
  // The inner location first: its files keep its spelling.
  ScanResult inner = ScanLocations({Loc("sql/sub"), Loc()});
  EXPECT_TRUE(inner.issues.empty()) << inner.issues[0].message;
  EXPECT_EQ(Scripts(inner), (std::vector<std::string>{"V1__a.sql", "V2__b.sql", "R__c.sql"}));
  // A symlink to a file of another location is that file.
  Touch("more/V3__c.sql");
  fs::create_symlink(dir_.path() / "more/V3__c.sql", dir_.path() / "sql/V3__c.sql");
  ScanResult linked = ScanLocations({Loc(), Loc("more")});
  EXPECT_TRUE(linked.issues.empty()) << linked.issues[0].message;
  EXPECT_EQ(linked.migrations.size(), 4u);
}

TEST_F(ScannerTest, DifferentFilesOfOneVersionInOverlappingLocationsAreDuplicates) {
  Touch("sql/V1__a.sql");
  Touch("sql/sub/V1__b.sql");
  ScanResult r = ScanLocations({Loc(), Loc("sql/sub")});
  ASSERT_EQ(Codes(r), (std::vector<std::string>{"duplicate-version"}));
  EXPECT_EQ(r.issues[0].file, Loc() + "/sub/V1__b.sql");
}

// Creating files is the slow part here, so this uses 2,000 of them; the walk
// itself takes about 30 ms for 10,000 (SPEC 9: offline validate < 0.3 s).
TEST_F(ScannerTest, ThousandsOfFilesQuickly) {
  fs::create_directories(dir_.path() / "sql");
  for (int i = 1; i <= 2000; ++i) {
    std::ofstream(dir_.path() / "sql" / ("V" + std::to_string(i) + "__m.sql"));
  }
  auto start = std::chrono::steady_clock::now();
  ScanResult r = ScanLocations({Loc()});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  EXPECT_EQ(r.migrations.size(), 2000u);
  EXPECT_TRUE(r.issues.empty());
  EXPECT_EQ(r.migrations.back().version->str(), "2000");
  RecordProperty("scan_2000_ms", static_cast<int>(ms));
  std::printf("scanned 2000 files in %lld ms\n", static_cast<long long>(ms));
  EXPECT_LT(ms, 1000);  // generous: sanitizer builds are slow
}

TEST_F(ScannerTest, ValuesLongerThanTheirHistoryColumnAreReported) {
  std::string desc200(200, 'd');
  std::string desc201 = std::string(199, 'd') + "\xC3\xA9\xC3\xA9";  // 201 characters
  Touch("sql/V1__" + desc200 + ".sql");                              // fits exactly
  Touch("sql/V2__" + desc201 + ".sql");
  Touch("sql/V" + std::string(50, '3') + "__fits.sql");
  Touch("sql/V" + std::string(51, '4') + "__long_version.sql");
  Touch("sql/R__" + desc201 + ".sql");
  std::string deep;
  for (int i = 0; i < 5; ++i) deep += std::string(199, 'a' + i) + "/";
  Touch("sql/" + deep + "V5__deep.sql");  // 1000 + 12 characters
  ScanResult r = ScanLocations({Loc()});
  ASSERT_EQ(Codes(r),
            (std::vector<std::string>{"history-value-too-long", "history-value-too-long",
                                      "history-value-too-long", "history-value-too-long"}));
  EXPECT_TRUE(Contains(r.issues[0].file, "V2__")) << r.issues[0].file;
  EXPECT_TRUE(Contains(r.issues[0].message,
                       "the description is 201 characters long, and the "
                       "history table holds 200"))
      << r.issues[0].message;
  // Versions sort numerically: 5 comes before the 50- and 51-digit ones.
  EXPECT_TRUE(Contains(r.issues[1].message, "script path (relative to its location) is 1012"))
      << r.issues[1].message;
  EXPECT_TRUE(Contains(r.issues[2].message, "the version is 51 characters long"))
      << r.issues[2].message;
  EXPECT_TRUE(Contains(r.issues[3].file, "R__")) << r.issues[3].file;
}

}  // namespace
}  // namespace flyrun
