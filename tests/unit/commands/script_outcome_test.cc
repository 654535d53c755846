// The recording rule and its words, for every way a script can end.
#include "commands/script_outcome.h"

#include <gtest/gtest.h>

namespace flyrun {
namespace {

using End = ScriptOutcome::End;
using Mode = ScriptOutcome::Mode;

ScriptOutcome Outcome(End end, Mode mode, int completed, int stopped_at, int committed) {
  ScriptOutcome o;
  o.end = end;
  o.mode = mode;
  o.completed = completed;
  o.stopped_at = stopped_at;
  o.committed = committed;
  return o;
}

TEST(ScriptOutcome, ACompletedScriptGetsASuccessRow) {
  EXPECT_EQ(RecordFor(Outcome(End::kCompleted, Mode::kAtomic, 3, 0, 0)), HistoryEntry::kSuccess);
  EXPECT_EQ(RecordFor(Outcome(End::kCompleted, Mode::kAutocommit, 3, 0, 3)),
            HistoryEntry::kSuccess);
  EXPECT_EQ(Progress(Outcome(End::kCompleted, Mode::kAtomic, 3, 0, 0)), "");
}

TEST(ScriptOutcome, NothingIsRecordedWhenTheDatabaseIsAsBefore) {
  // Rolled back whole, failed or interrupted.
  EXPECT_EQ(RecordFor(Outcome(End::kFailed, Mode::kAtomic, 2, 3, 0)), HistoryEntry::kNone);
  EXPECT_EQ(RecordFor(Outcome(End::kInterrupted, Mode::kAtomic, 2, 3, 0)), HistoryEntry::kNone);
  // MySQL: nothing committed implicitly before the failure.
  EXPECT_EQ(RecordFor(Outcome(End::kFailed, Mode::kTransaction, 2, 3, 0)), HistoryEntry::kNone);
  // Failed at its first statement, outside a transaction.
  EXPECT_EQ(RecordFor(Outcome(End::kFailed, Mode::kAutocommit, 0, 1, 0)), HistoryEntry::kNone);
  // The group's caller rolls everything back.
  EXPECT_EQ(RecordFor(Outcome(End::kFailed, Mode::kCallerRollsBack, 2, 3, 0)), HistoryEntry::kNone);
}

TEST(ScriptOutcome, AFailedRowWhenSomethingMayHaveStayed) {
  EXPECT_EQ(RecordFor(Outcome(End::kFailed, Mode::kAutocommit, 2, 3, 2)), HistoryEntry::kFailed);
  EXPECT_EQ(RecordFor(Outcome(End::kInterrupted, Mode::kAutocommit, 1, 2, 1)),
            HistoryEntry::kFailed);
  EXPECT_EQ(RecordFor(Outcome(End::kFailed, Mode::kTransaction, 2, 3, 1)), HistoryEntry::kFailed);
  EXPECT_EQ(RecordFor(Outcome(End::kFailed, Mode::kTransaction, 2, 3, -1)), HistoryEntry::kFailed);
  ScriptOutcome myisam = Outcome(End::kFailed, Mode::kTransaction, 2, 3, 0);
  myisam.rollback_incomplete = true;
  EXPECT_EQ(RecordFor(myisam), HistoryEntry::kFailed);
  EXPECT_NE(Progress(myisam).find("unknown"), std::string::npos) << Progress(myisam);
  // A script's own COMMIT made its statements durable.
  ScriptOutcome commit = Outcome(End::kFailed, Mode::kAtomic, 2, 2, 2);
  commit.ended_by = "COMMIT";
  EXPECT_EQ(RecordFor(commit), HistoryEntry::kFailed);
}

TEST(ScriptOutcome, ProgressSaysWhatIsCommittedAndWhatIsRolledBack) {
  ScriptOutcome mysql = Outcome(End::kFailed, Mode::kTransaction, 3, 4, 2);
  mysql.committed_why = " (MySQL commits DDL implicitly)";
  EXPECT_EQ(Progress(mysql),
            "statements 1-2 were committed (MySQL commits DDL implicitly); statement 3 was "
            "rolled back");
  EXPECT_EQ(Progress(Outcome(End::kFailed, Mode::kAutocommit, 1, 2, 1)),
            "statement 1 of this script ran before it and was committed");
  EXPECT_EQ(Progress(Outcome(End::kFailed, Mode::kTransaction, 2, 3, 0)),
            "statements 1-2 of this script ran before it and were rolled back: nothing was "
            "committed");
  EXPECT_EQ(Progress(Outcome(End::kFailed, Mode::kAutocommit, 0, 1, 0)),
            "no statement of this script ran before it");
  EXPECT_NE(Progress(Outcome(End::kFailed, Mode::kTransaction, 2, 3, -1)).find("may have been"),
            std::string::npos);
}

TEST(ScriptOutcome, TheFailedRowsTagSaysHowFarTheScriptGot) {
  ScriptOutcome o = Outcome(End::kFailed, Mode::kAutocommit, 2, 3, 2);
  o.total = 7;
  EXPECT_EQ(ProgressTag(o), "failed at statement 3 of 7; 1-2 committed");
  EXPECT_EQ(ProgressTag(Outcome(End::kInterrupted, Mode::kAutocommit, 1, 2, 1)),
            "interrupted at statement 2; 1 committed");
  EXPECT_EQ(ProgressTag(Outcome(End::kInterrupted, Mode::kAutocommit, 2, 0, 2)),
            "interrupted after statement 2; 1-2 committed");
}

TEST(ScriptOutcome, TheFailedRowsDescriptionFitsItsColumnAndKeepsWholeCharacters) {
  ScriptOutcome o = Outcome(End::kFailed, Mode::kAutocommit, 2, 3, 2);
  EXPECT_EQ(FailedRowDescription("add users", o),
            "add users (failed at statement 3; 1-2 committed)");
  std::string tag = " (failed at statement 3; 1-2 committed)";
  std::string long_text;
  for (int i = 0; i < 200; ++i) long_text += "\xC3\xA9";  // "é", two bytes each
  std::string d = FailedRowDescription(long_text, o);
  ASSERT_GE(d.size(), tag.size());
  EXPECT_EQ(d.substr(d.size() - tag.size()), tag);
  std::string kept = d.substr(0, d.size() - tag.size());
  EXPECT_EQ(kept.size() % 2, 0u) << "no character is cut in half";
  EXPECT_EQ(kept.size() / 2 + tag.size(), 200u) << "exactly the column's 200 characters";
}

}  // namespace
}  // namespace flyrun
