#include "commands/script_outcome.h"

#include "scan/scanner.h"

namespace flyrun {
namespace {

std::string Range(int from, int to) {
  return from == to ? "statement " + std::to_string(from)
                    : "statements " + std::to_string(from) + "-" + std::to_string(to);
}

const char* Was(int from, int to) { return from == to ? " was" : " were"; }

}  // namespace

HistoryEntry RecordFor(const ScriptOutcome& o) {
  if (o.end == ScriptOutcome::End::kCompleted) return HistoryEntry::kSuccess;
  // The group's caller rolls everything back, unless the script's own COMMIT
  // ended the group's transaction first.
  if (o.mode == ScriptOutcome::Mode::kCallerRollsBack && o.committed == 0)
    return HistoryEntry::kNone;
  if (o.rollback_incomplete) return HistoryEntry::kFailed;
  // Nothing committed, or nothing ran: the database is as before, there is
  // nothing to repair.
  if (o.committed == 0) return HistoryEntry::kNone;
  if (o.completed == 0 && o.ended_by.empty()) return HistoryEntry::kNone;
  return HistoryEntry::kFailed;
}

std::string Progress(const ScriptOutcome& o) {
  if (o.end == ScriptOutcome::End::kCompleted) return {};
  std::string out;
  int ran = o.completed;
  const char* before = o.stopped_at > 0 && o.ended_by.empty() ? " of this script ran before it"
                                                              : " of this script ran";
  if (o.mode == ScriptOutcome::Mode::kCallerRollsBack && o.committed == 0) {
    out = "the whole group's transaction is rolled back: nothing was committed";
  } else if (ran == 0) {
    out = o.stopped_at > 0 ? "no statement of this script ran before it"
                           : "no statement of this script ran";
  } else if (o.committed < 0) {
    out = Range(1, ran) + before + " and may have been committed" + o.committed_why;
  } else if (o.committed == 0) {
    out = Range(1, ran) + before + " and" + Was(1, ran) + " rolled back: nothing was committed";
  } else if (o.mode == ScriptOutcome::Mode::kAutocommit && o.committed >= ran) {
    out = Range(1, ran) + before + " and" + Was(1, ran) + " committed" + o.committed_why;
  } else {
    int committed = o.committed < ran ? o.committed : ran;
    out = Range(1, committed) + Was(1, committed) + " committed" + o.committed_why;
    if (committed < ran)
      out += "; " + Range(committed + 1, ran) + Was(committed + 1, ran) + " rolled back";
  }
  if (o.rollback_incomplete) {
    out +=
        "; changes to non-transactional tables (MyISAM, Aria...) could not be rolled back, so "
        "what this script left in the database is unknown: check it";
  }
  return out;
}

std::string ProgressTag(const ScriptOutcome& o) {
  std::string tag = o.end == ScriptOutcome::End::kInterrupted ? "interrupted" : "failed";
  if (o.stopped_at > 0) {
    tag += " at statement " + std::to_string(o.stopped_at);
  } else {
    tag += " after statement " + std::to_string(o.completed);
  }
  if (o.total > 0) tag += " of " + std::to_string(o.total);
  if (o.rollback_incomplete) return tag + "; outcome unknown";
  if (o.committed < 0) return tag + "; 1-" + std::to_string(o.completed) + " may be committed";
  if (o.committed == 1) return tag + "; 1 committed";
  return tag + "; 1-" + std::to_string(o.committed) + " committed";
}

std::string FailedRowDescription(const std::string& description, const ScriptOutcome& outcome) {
  std::string tag = " (" + ProgressTag(outcome) + ")";  // ASCII
  size_t room = kMaxDescriptionChars > tag.size() ? kMaxDescriptionChars - tag.size() : 0;
  size_t chars = 0;
  size_t end = 0;
  for (; end < description.size(); ++end) {
    bool starts_char = (static_cast<unsigned char>(description[end]) & 0xC0) != 0x80;
    if (starts_char && chars++ == room) break;
  }
  return description.substr(0, end) + tag;
}

}  // namespace flyrun
