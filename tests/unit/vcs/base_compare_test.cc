#include "vcs/base_compare.h"

#include <gtest/gtest.h>

#include "scan/scanner.h"

namespace flyrun::vcs {
namespace {

// A migration at "sql/<name>" with a checksum standing for its content.
ResolvedMigration M(const std::string& name, const std::string& content) {
  NameParse parse = ParseMigrationName(name);
  EXPECT_EQ(parse.outcome, NameParse::Outcome::kMigration) << name;
  ResolvedMigration m = parse.migration;
  m.script = name;
  m.path = std::filesystem::path("sql") / name;
  m.checksum = content;
  return m;
}

using List = std::vector<ResolvedMigration>;

Issues Compare(const List& working, const List& base, const List* fork = nullptr,
               bool out_of_order = false) {
  BaseCompareOptions options;
  options.ref = "origin/main";
  options.out_of_order = out_of_order;
  return CompareWithBase(working, base, fork, options);
}

std::vector<std::string> Codes(const Issues& issues) {
  std::vector<std::string> codes;
  for (const auto& i : issues) codes.push_back(i.code + " " + i.file);
  return codes;
}

using Strings = std::vector<std::string>;

const List kBase = {M("V1__a.sql", "a"), M("V2__b.sql", "b"), M("U2__b.sql", "ub"),
                    M("R__view.sql", "r"), M("afterMigrate.sql", "cb")};

TEST(CompareWithBase, NothingChangedOrOnlyAdditionsAbove) {
  EXPECT_TRUE(Compare(kBase, kBase).empty());
  List working = kBase;
  working.push_back(M("V3__c.sql", "c"));
  working.push_back(M("U3__c.sql", "uc"));
  EXPECT_TRUE(Compare(working, kBase).empty());
  EXPECT_TRUE(Compare(working, kBase, &kBase).empty());
}

TEST(CompareWithBase, RepeatablesAndCallbacksMayChangeOrGo) {
  List working = {M("V1__a.sql", "a"), M("V2__b.sql", "b"), M("U2__b.sql", "ub"),
                  M("R__view.sql", "r2")};
  EXPECT_TRUE(Compare(working, kBase).empty());
}

TEST(CompareWithBase, AnEditedVersionedOrUndoFile) {
  List working = {M("V1__a.sql", "a2"), M("V2__b.sql", "b"), M("U2__b.sql", "ub2")};
  Issues issues = Compare(working, kBase);
  EXPECT_EQ(Codes(issues),
            (Strings{"edited-migration sql/V1__a.sql", "edited-migration sql/U2__b.sql"}));
  EXPECT_NE(issues[0].message.find("origin/main"), std::string::npos);
  EXPECT_NE(issues[0].hint.find("git checkout origin/main -- sql/V1__a.sql"), std::string::npos);
}

TEST(CompareWithBase, AnEditMadeOnTheBaseAfterTheForkIsNotTheBranchs) {
  List fork = {M("V1__a.sql", "a0"), M("V2__b.sql", "b"), M("U2__b.sql", "ub")};
  List working = fork;  // the branch never touched V1
  EXPECT_TRUE(Compare(working, kBase, &fork).empty());
  working[0].checksum = "a1";  // the branch edited it too
  EXPECT_EQ(Codes(Compare(working, kBase, &fork)), (Strings{"edited-migration sql/V1__a.sql"}));
}

TEST(CompareWithBase, ARenameKeepingTheContent) {
  List working = {M("V1__a.sql", "a"), M("V2__b_renamed.sql", "b"), M("U2__b.sql", "ub")};
  Issues issues = Compare(working, kBase);
  EXPECT_EQ(Codes(issues), (Strings{"renamed-migration sql/V2__b_renamed.sql"}));
  EXPECT_NE(issues[0].message.find("sql/V2__b.sql at origin/main was renamed to"),
            std::string::npos)
      << issues[0].message;
  EXPECT_EQ(issues[0].message.find("edited"), std::string::npos);
}

TEST(CompareWithBase, ARenameWithAnEditNeedsTheForkPoint) {
  List working = {M("V1__a.sql", "a"), M("V2__b_renamed.sql", "b2"), M("U2__b.sql", "ub")};
  Issues with_fork = Compare(working, kBase, &kBase);
  EXPECT_EQ(Codes(with_fork), (Strings{"renamed-migration sql/V2__b_renamed.sql"}));
  EXPECT_NE(with_fork[0].message.find("and edited"), std::string::npos);
  // Without it, the same version under another name may be another branch's file.
  EXPECT_EQ(Codes(Compare(working, kBase)), (Strings{"deleted-migration sql/V2__b.sql",
                                                     "duplicate-version sql/V2__b_renamed.sql"}));
}

TEST(CompareWithBase, ADeletedFile) {
  List working = {M("V2__b.sql", "b"), M("U2__b.sql", "ub")};
  Issues issues = Compare(working, kBase, &kBase);
  EXPECT_EQ(Codes(issues), (Strings{"deleted-migration sql/V1__a.sql"}));
  EXPECT_NE(issues[0].hint.find("git checkout origin/main -- sql/V1__a.sql"), std::string::npos);
}

TEST(CompareWithBase, TwoBranchesBothAddingAVersion) {
  List fork = {M("V1__a.sql", "a")};
  List base = {M("V1__a.sql", "a"), M("V2__theirs.sql", "t")};
  List working = {M("V1__a.sql", "a"), M("V2__ours.sql", "o")};
  Issues issues = Compare(working, base, &fork);
  EXPECT_EQ(Codes(issues), (Strings{"duplicate-version sql/V2__ours.sql"}));
  EXPECT_NE(issues[0].message.find("sql/V2__theirs.sql at origin/main"), std::string::npos);
  // Without the fork point the missing file is reported too.
  EXPECT_EQ(Codes(Compare(working, base)), (Strings{"deleted-migration sql/V2__theirs.sql",
                                                    "duplicate-version sql/V2__ours.sql"}));
}

TEST(CompareWithBase, BothFilesInTheWorkingTreeAreLeftToTheScan) {
  List base = {M("V1__a.sql", "a"), M("V2__theirs.sql", "t")};
  List working = {M("V1__a.sql", "a"), M("V2__theirs.sql", "t"), M("V2__ours.sql", "o")};
  EXPECT_TRUE(Compare(working, base, &base).empty());
}

TEST(CompareWithBase, ABranchThatFellBehind) {
  List fork = {M("V1__a.sql", "a")};
  List base = {M("V1__a.sql", "a"), M("V10__later.sql", "l")};
  List working = {M("V1__a.sql", "a"), M("V5__mine.sql", "m"), M("V11__ok.sql", "k")};
  Issues issues = Compare(working, base, &fork);
  EXPECT_EQ(Codes(issues), (Strings{"version-not-above-base sql/V5__mine.sql"}));
  EXPECT_NE(issues[0].message.find("not above 10"), std::string::npos) << issues[0].message;
  EXPECT_TRUE(Compare(working, base, &fork, /*out_of_order=*/true).empty());
}

TEST(CompareWithBase, VersionsCompareNumerically) {
  List base = {M("V1.10__a.sql", "a")};
  List working = {M("V1.10__a.sql", "a"), M("V1.9__b.sql", "b"), M("V1.11__c.sql", "c")};
  EXPECT_EQ(Codes(Compare(working, base)), (Strings{"version-not-above-base sql/V1.9__b.sql"}));
  // V01.010.0 is version 1.10, the version of a file at the base.
  List padded = {M("V01.010.0__dup.sql", "d")};
  EXPECT_EQ(Codes(Compare(padded, base)), (Strings{"deleted-migration sql/V1.10__a.sql",
                                                   "duplicate-version sql/V01.010.0__dup.sql"}));
}

TEST(CompareWithBase, AnEmptyBaseAcceptsEverything) { EXPECT_TRUE(Compare(kBase, {}).empty()); }

}  // namespace
}  // namespace flyrun::vcs
