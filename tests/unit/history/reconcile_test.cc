#include "history/reconcile.h"

#include <gtest/gtest.h>

namespace flyrun {
namespace {

ResolvedMigration V(const std::string& version, const std::string& checksum = "c") {
  ResolvedMigration m;
  m.kind = MigrationKind::kVersioned;
  m.version = Version::parse(version);
  m.description = "m" + version;
  m.script = "V" + version + "__m.sql";
  m.path = "sql/" + m.script;
  m.checksum = checksum;
  return m;
}

ResolvedMigration R(const std::string& description, const std::string& checksum = "c") {
  ResolvedMigration m;
  m.kind = MigrationKind::kRepeatable;
  m.description = description;
  m.script = "R__" + description + ".sql";
  m.path = "sql/" + m.script;
  m.checksum = checksum;
  return m;
}

AppliedMigration H(int rank, std::optional<std::string> version, const std::string& checksum = "c",
                   bool success = true, const std::string& type = "SQL",
                   const std::string& description = "") {
  AppliedMigration h;
  h.installed_rank = rank;
  h.version = version;
  h.description = description.empty() && version ? "m" + *version : description;
  h.type = type;
  h.script = version ? "V" + *version + "__m.sql" : "R__" + description + ".sql";
  h.checksum = checksum;
  h.success = success;
  return h;
}

std::vector<std::string> PendingVersions(const Plan& p) {
  std::vector<std::string> out;
  for (auto* m : p.pending) out.push_back(m->version ? m->version->str() : "R:" + m->description);
  return out;
}

MigrationState StateOf(const Plan& p, const std::string& version) {
  for (const auto& r : p.rows)
    if (r.version == version) return r.state;
  ADD_FAILURE() << "no row for " << version;
  return MigrationState::kPending;
}

TEST(Reconcile, EmptyHistoryMakesEverythingPendingInOrder) {
  std::vector<ResolvedMigration> files = {V("1"), V("1.1"), V("2"), R("b"), R("a")};
  Plan p = Reconcile(files, {}, {});
  EXPECT_EQ(PendingVersions(p), (std::vector<std::string>{"1", "1.1", "2", "R:a", "R:b"}));
  EXPECT_TRUE(p.issues.empty());
  EXPECT_FALSE(p.current.has_value());
}

TEST(Reconcile, AppliedAreSuccessAndCurrentIsTheHighest) {
  std::vector<ResolvedMigration> files = {V("1"), V("2"), V("3")};
  Plan p = Reconcile(files, {H(1, "1"), H(2, "2")}, {});
  EXPECT_EQ(PendingVersions(p), (std::vector<std::string>{"3"}));
  EXPECT_EQ(p.current->str(), "2");
  EXPECT_EQ(StateOf(p, "1"), MigrationState::kSuccess);
  EXPECT_EQ(StateOf(p, "3"), MigrationState::kPending);
}

TEST(Reconcile, ChecksumMismatchIsAnIssueNamingBothChecksums) {
  std::vector<ResolvedMigration> files = {V("1", "new")};
  Plan p = Reconcile(files, {H(1, "1", "old")}, {});
  ASSERT_EQ(p.issues.size(), 1u);
  EXPECT_EQ(p.issues[0].code, "checksum-mismatch");
  EXPECT_NE(p.issues[0].message.find("old"), std::string::npos);
  EXPECT_NE(p.issues[0].message.find("new"), std::string::npos);
  EXPECT_EQ(p.issues[0].file, "sql/V1__m.sql");
}

TEST(Reconcile, LowerPendingVersionIsIgnoredUnlessOutOfOrder) {
  std::vector<ResolvedMigration> files = {V("1"), V("2"), V("3")};
  std::vector<AppliedMigration> history = {H(1, "1"), H(2, "3")};
  Plan p = Reconcile(files, history, {});
  EXPECT_EQ(StateOf(p, "2"), MigrationState::kIgnored);
  ASSERT_EQ(p.issues.size(), 1u);
  EXPECT_EQ(p.issues[0].code, "ignored-migration");
  EXPECT_TRUE(p.pending.empty());

  Plan ooo = Reconcile(files, history, {.target = std::nullopt, .out_of_order = true});
  EXPECT_TRUE(ooo.issues.empty());
  EXPECT_EQ(PendingVersions(ooo), (std::vector<std::string>{"2"}));

  Plan after = Reconcile(files, {H(1, "1"), H(2, "3"), H(3, "2")}, {});
  EXPECT_EQ(StateOf(after, "2"), MigrationState::kOutOfOrder);
}

TEST(Reconcile, MissingAndFutureRows) {
  std::vector<ResolvedMigration> files = {V("1"), V("3")};
  Plan p = Reconcile(files, {H(1, "1"), H(2, "2"), H(3, "3"), H(4, "4")}, {});
  EXPECT_EQ(StateOf(p, "2"), MigrationState::kMissing);
  EXPECT_EQ(StateOf(p, "4"), MigrationState::kFuture);
  ASSERT_EQ(p.issues.size(), 1u);
  EXPECT_EQ(p.issues[0].code, "missing-migration");
}

TEST(Reconcile, DeleteMarkerRetiresAMissingVersion) {
  std::vector<ResolvedMigration> files = {V("1"), V("3")};
  std::vector<AppliedMigration> history = {H(1, "1"), H(2, "2"), H(3, "3"),
                                           H(4, "2", "c", true, "DELETE")};
  Plan p = Reconcile(files, history, {});
  EXPECT_EQ(StateOf(p, "2"), MigrationState::kDeleted);
  EXPECT_TRUE(p.issues.empty());
  EXPECT_TRUE(p.pending.empty());
  EXPECT_EQ(p.current->str(), "3");
  int rows_for_2 = 0;
  for (const auto& r : p.rows)
    if (r.version == "2") {
      ++rows_for_2;
      EXPECT_EQ(r.installed_rank, 2) << "the retired row is shown, not the marker";
    }
  EXPECT_EQ(rows_for_2, 1);

  // The file comes back: pending again (below the highest applied, so Ignored
  // unless out of order).
  files.push_back(V("2"));
  Plan back = Reconcile(files, history, {.target = std::nullopt, .out_of_order = true});
  EXPECT_EQ(PendingVersions(back), (std::vector<std::string>{"2"}));
}

TEST(Reconcile, DeleteMarkerRetiresAMissingRepeatable) {
  std::vector<AppliedMigration> history = {H(1, std::nullopt, "c", true, "SQL", "gone"),
                                           H(2, std::nullopt, "c", true, "DELETE", "gone")};
  Plan p = Reconcile({}, history, {});
  EXPECT_TRUE(p.issues.empty());
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].state, MigrationState::kDeleted);
  EXPECT_EQ(p.rows[0].installed_rank, 1);
}

TEST(Reconcile, FailedRowIsReportedAndNotPending) {
  std::vector<ResolvedMigration> files = {V("1"), V("2")};
  Plan p = Reconcile(files, {H(1, "1"), H(2, "2", "c", false)}, {});
  EXPECT_EQ(StateOf(p, "2"), MigrationState::kFailed);
  ASSERT_EQ(p.failed.size(), 1u);
  EXPECT_TRUE(p.pending.empty());
  ASSERT_EQ(p.issues.size(), 1u);
  EXPECT_EQ(p.issues[0].code, "failed-migration");
}

TEST(Reconcile, TargetLeavesHigherVersionsAboveTarget) {
  std::vector<ResolvedMigration> files = {V("1"), V("2"), V("3")};
  Plan p = Reconcile(files, {}, {.target = Version::parse("2"), .out_of_order = false});
  EXPECT_EQ(PendingVersions(p), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(StateOf(p, "3"), MigrationState::kAboveTarget);
}

TEST(Reconcile, BaselineHidesLowerVersions) {
  std::vector<ResolvedMigration> files = {V("1"), V("2"), V("3")};
  Plan p = Reconcile(files, {H(1, "2", "", true, "BASELINE")}, {});
  EXPECT_EQ(StateOf(p, "1"), MigrationState::kBelowBaseline);
  EXPECT_EQ(StateOf(p, "2"), MigrationState::kBaseline);
  EXPECT_EQ(PendingVersions(p), (std::vector<std::string>{"3"}));
  EXPECT_TRUE(p.issues.empty());
}

TEST(Reconcile, UndoneVersionIsPendingAgain) {
  std::vector<ResolvedMigration> files = {V("1"), V("2")};
  Plan p = Reconcile(files, {H(1, "1"), H(2, "2"), H(3, "2", "u", true, "UNDO_SQL")}, {});
  EXPECT_EQ(StateOf(p, "2"), MigrationState::kUndone);
  EXPECT_EQ(PendingVersions(p), (std::vector<std::string>{"2"}));
  EXPECT_EQ(p.current->str(), "1");

  // Re-applied after the undo, it is in order again.
  Plan again =
      Reconcile(files, {H(1, "1"), H(2, "2"), H(3, "2", "u", true, "UNDO_SQL"), H(4, "2")}, {});
  EXPECT_EQ(StateOf(again, "2"), MigrationState::kSuccess);
}

TEST(Reconcile, RepeatablesOutdatedSupersededAndMissing) {
  std::vector<ResolvedMigration> files = {R("views", "v2"), R("same", "s")};
  std::vector<AppliedMigration> history = {H(1, std::nullopt, "v1", true, "SQL", "views"),
                                           H(2, std::nullopt, "s", true, "SQL", "same"),
                                           H(3, std::nullopt, "g", true, "SQL", "gone")};
  Plan p = Reconcile(files, history, {});
  EXPECT_EQ(PendingVersions(p), (std::vector<std::string>{"R:views"}));
  bool outdated = false, missing = false;
  for (const auto& r : p.rows) {
    if (r.description == "views") outdated = r.state == MigrationState::kOutdated;
    if (r.description == "gone") missing = r.state == MigrationState::kMissing;
  }
  EXPECT_TRUE(outdated);
  EXPECT_TRUE(missing);

  history.push_back(H(4, std::nullopt, "v2", true, "SQL", "views"));
  Plan p2 = Reconcile(files, history, {});
  int superseded = 0;
  for (const auto& r : p2.rows) superseded += r.state == MigrationState::kSuperseded;
  EXPECT_EQ(superseded, 1);
}

// A row flyrun cannot read must never count as "not applied": the migration
// would run a second time. Such rows are problems that name the row.
TEST(Reconcile, AnUnparsableVersionIsAProblemNamingTheRow) {
  std::vector<ResolvedMigration> files = {V("1"), V("2")};
  AppliedMigration bad = H(2, std::string("1.x"));
  bad.script = "V1_x__m.sql";
  for (const char* version : {"1.x", "abc", ""}) {
    bad.version = version;
    Plan p = Reconcile(files, {H(1, std::string("1")), bad}, {});
    ASSERT_EQ(p.issues.size(), 1u) << version;
    EXPECT_EQ(p.issues[0].code, "history-row-not-understood");
    EXPECT_NE(p.issues[0].message.find("installed_rank 2"), std::string::npos)
        << p.issues[0].message;
    EXPECT_NE(p.issues[0].message.find("version '" + std::string(version) + "'"), std::string::npos)
        << p.issues[0].message;
    EXPECT_NE(p.issues[0].message.find("V1_x__m.sql"), std::string::npos) << p.issues[0].message;
    EXPECT_FALSE(p.issues[0].hint.empty());
    EXPECT_EQ(p.unusable_rows.size(), 1u);
  }
}

TEST(Reconcile, AnUnknownTypeIsAProblemNamingTheRow) {
  std::vector<ResolvedMigration> files = {V("1"), V("2"), R("v")};
  for (const char* type : {"JAVA", "FOO", "", "sql"}) {
    Plan p =
        Reconcile(files, {H(1, std::string("1")), H(2, std::string("2"), "c", true, type)}, {});
    ASSERT_EQ(p.issues.size(), 1u) << type;
    EXPECT_EQ(p.issues[0].code, "history-row-not-understood");
    EXPECT_NE(p.issues[0].message.find("installed_rank 2"), std::string::npos);
    EXPECT_NE(p.issues[0].message.find("type '" + std::string(type) + "'"), std::string::npos)
        << p.issues[0].message;
    EXPECT_EQ(p.unusable_rows.size(), 1u);
    Plan r = Reconcile(files, {H(1, std::nullopt, "c", true, type, "v")}, {});
    EXPECT_EQ(r.unusable_rows.size(), 1u) << type;
  }
}

// Flyway's Java, script and custom migrations have no file flyrun could check:
// their rows count as applied, never as missing or pending.
TEST(Reconcile, FlywaysRowsOfJavaAndScriptMigrationsCountAsApplied) {
  std::vector<ResolvedMigration> files = {V("1"), V("3")};
  for (const char* type : {"JDBC", "SPRING_JDBC", "SCRIPT", "CUSTOM"}) {
    AppliedMigration java = H(2, std::string("2"), "c", true, type);
    java.script = "db.migration.V2__Java";
    AppliedMigration java_repeatable = H(4, std::nullopt, "c", true, type, "r");
    Plan p = Reconcile(files, {H(1, std::string("1")), java, java_repeatable}, {});
    EXPECT_TRUE(p.issues.empty()) << type << ": " << p.issues[0].message;
    EXPECT_EQ(PendingVersions(p), (std::vector<std::string>{"3"})) << type;
    ASSERT_TRUE(p.current.has_value());
    EXPECT_EQ(p.current->str(), "2");
  }
  // A Flyway baseline migration (SQL_BASELINE) is a baseline here too.
  Plan b = Reconcile(files, {H(1, std::string("2"), "c", true, "SQL_BASELINE")}, {});
  EXPECT_TRUE(b.issues.empty()) << b.issues[0].message;
  EXPECT_EQ(PendingVersions(b), (std::vector<std::string>{"3"}));
}

// Flyway writes a SCHEMA row (rank 0, no version) when it created the schema.
TEST(Reconcile, FlywaysSchemaMarkerRowIsUnderstood) {
  AppliedMigration schema = H(0, std::nullopt, "", true, "SCHEMA", "<< Flyway Schema Creation >>");
  schema.script = "\"public\"";
  schema.checksum.reset();
  std::vector<ResolvedMigration> files = {V("1"), V("2")};
  Plan p = Reconcile(files, {schema, H(1, std::string("1"))}, {});
  EXPECT_TRUE(p.issues.empty()) << p.issues[0].message;
  EXPECT_TRUE(p.unusable_rows.empty());
  EXPECT_EQ(PendingVersions(p), (std::vector<std::string>{"2"}));

  // Negative ranks are invisible (Flyway's lock lease row).
  AppliedMigration lease = H(-100, std::string("a1b2c3"), "0", true, "", "flyway-lock");
  lease.script = "";
  Plan q = Reconcile(files, {lease, H(1, std::string("1"))}, {});
  EXPECT_TRUE(q.issues.empty()) << q.issues[0].message;
}

TEST(Reconcile, StateNamesMatchTheContract) {
  EXPECT_EQ(StateName(MigrationState::kBelowBaseline), "Below Baseline");
  EXPECT_EQ(StateName(MigrationState::kOutOfOrder), "Out of Order");
  EXPECT_EQ(StateName(MigrationState::kAboveTarget), "Above Target");
}

}  // namespace
}  // namespace flyrun

namespace flyrun {
namespace {

std::vector<std::string> IssueCodes(const Plan& p) {
  std::vector<std::string> out;
  for (const Issue& i : p.issues) out.push_back(i.code);
  return out;
}

ReconcileOptions WithPatterns(const std::vector<std::string>& patterns) {
  ReconcileOptions o;
  o.ignore_patterns.clear();
  for (const std::string& text : patterns) {
    auto p = ParseIgnorePattern(text);
    EXPECT_TRUE(p) << text;
    if (p) o.ignore_patterns.push_back(*p);
  }
  return o;
}

TEST(IgnoreMigrationPatterns, Parse) {
  for (const char* good : {"*:future", "versioned:missing", "Repeatable:*", "*:*", "*:ignored",
                           "versioned:pending", " * : future "}) {
    EXPECT_TRUE(ParseIgnorePattern(good)) << good;
  }
  for (const char* bad : {"future", "*:gone", "java:missing", "", ":", "*:"}) {
    EXPECT_FALSE(ParseIgnorePattern(bad)) << bad;
  }
  auto p = ParseIgnorePattern("repeatable:missing");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->Matches(IgnorePattern::Type::kRepeatable, IgnorePattern::State::kMissing));
  EXPECT_FALSE(p->Matches(IgnorePattern::Type::kVersioned, IgnorePattern::State::kMissing));
}

TEST(IgnoreMigrationPatterns, DefaultIsFlyrunsOwnRule) {
  // 1 missing (below the highest file 3), 5 future, 2 ignored (below current 5).
  std::vector<ResolvedMigration> files = {V("2"), V("3")};
  std::vector<AppliedMigration> history = {H(1, "1"), H(2, "3"), H(3, "5")};
  EXPECT_EQ(IssueCodes(Reconcile(files, history, {})),
            (std::vector<std::string>{"missing-migration", "ignored-migration"}));
  EXPECT_EQ(IssueCodes(Reconcile(files, history, WithPatterns({"*:future"}))),
            (std::vector<std::string>{"missing-migration", "ignored-migration"}));
}

TEST(IgnoreMigrationPatterns, PatternsSilenceTheirIssues) {
  std::vector<ResolvedMigration> files = {V("2"), V("3")};
  std::vector<AppliedMigration> history = {H(1, "1"), H(2, "3"), H(3, "5"),
                                           H(4, std::nullopt, "c", true, "SQL", "gone")};
  EXPECT_EQ(IssueCodes(Reconcile(files, history, WithPatterns({}))),
            (std::vector<std::string>{"missing-migration", "ignored-migration", "future-migration",
                                      "missing-migration"}));
  EXPECT_EQ(
      IssueCodes(Reconcile(files, history, WithPatterns({"versioned:missing"}))),
      (std::vector<std::string>{"ignored-migration", "future-migration", "missing-migration"}));
  EXPECT_EQ(IssueCodes(Reconcile(files, history, WithPatterns({"*:missing", "*:ignored"}))),
            (std::vector<std::string>{"future-migration"}));
  EXPECT_TRUE(Reconcile(files, history, WithPatterns({"*:*"})).issues.empty());
  Plan p = Reconcile(files, history, WithPatterns({"*:*"}));
  EXPECT_EQ(StateOf(p, "2"), MigrationState::kIgnored);  // still shown, still not applied
  EXPECT_TRUE(p.pending.empty());
}

}  // namespace
}  // namespace flyrun
