#include "vcs/base_compare.h"

#include <map>
#include <optional>
#include <set>

namespace flyrun::vcs {
namespace {

using ByPath = std::map<std::string, const ResolvedMigration*>;

ByPath IndexByPath(const std::vector<ResolvedMigration>& migrations) {
  ByPath index;
  for (const auto& m : migrations) index.emplace(m.path.generic_string(), &m);
  return index;
}

bool IsShipped(const ResolvedMigration& m) {
  return m.kind == MigrationKind::kVersioned || m.kind == MigrationKind::kUndo;
}

const ResolvedMigration* Find(const ByPath& index, const std::string& path) {
  auto it = index.find(path);
  return it == index.end() ? nullptr : it->second;
}

Issue MakeIssue(std::string code, std::string file, std::string message, std::string hint) {
  Issue issue;
  issue.code = std::move(code);
  issue.file = std::move(file);
  issue.message = std::move(message);
  issue.hint = std::move(hint);
  return issue;
}

std::string Short(const std::string& checksum) { return checksum.substr(0, 12); }

class Comparer {
 public:
  Comparer(const std::vector<ResolvedMigration>& working,
           const std::vector<ResolvedMigration>& base,
           const std::vector<ResolvedMigration>* fork_point, const BaseCompareOptions& options)
      : working_(working),
        base_(base),
        options_(options),
        working_by_path_(IndexByPath(working)),
        base_by_path_(IndexByPath(base)),
        has_fork_(fork_point != nullptr) {
    if (fork_point) fork_by_path_ = IndexByPath(*fork_point);
    for (const auto& m : working_) {
      if (IsShipped(m) && !base_by_path_.count(m.path.generic_string())) added_.push_back(&m);
    }
  }

  Issues Run() {
    for (const auto& b : base_) {
      if (IsShipped(b)) CheckShipped(b);
    }
    CheckNewVersions();
    return std::move(issues_);
  }

 private:
  void CheckShipped(const ResolvedMigration& b) {
    const std::string path = b.path.generic_string();
    const ResolvedMigration* fork = has_fork_ ? Find(fork_by_path_, path) : nullptr;
    if (const ResolvedMigration* w = Find(working_by_path_, path)) {
      if (w->checksum == b.checksum) return;
      // Changed on REF after the branch forked, untouched here: not this branch's edit.
      if (fork && fork->checksum == w->checksum) return;
      issues_.push_back(MakeIssue(
          "edited-migration", w->path.string(),
          w->path.string() + " differs from the version shipped at " + options_.ref +
              " (checksum " + Short(b.checksum) + "... there, " + Short(w->checksum) + "... here)",
          "a migration may already have run somewhere, so it must not change: restore it "
          "(git checkout " +
              options_.ref + " -- " + path + ") and put the change in a new migration"));
      return;
    }
    // REF gained this file after the branch forked: the branch is behind, not deleting it.
    if (has_fork_ && fork == nullptr) return;
    if (const ResolvedMigration* successor = FindSuccessor(b, fork != nullptr)) {
      bool edited = successor->checksum != b.checksum;
      issues_.push_back(MakeIssue(
          "renamed-migration", successor->path.string(),
          b.path.string() + " at " + options_.ref + " was renamed to " + successor->path.string() +
              (edited ? " and edited" : ""),
          "history tables record the script name and checksum, so a shipped migration keeps "
          "its name and content: restore " +
              path + " and put any change in a new migration"));
      return;
    }
    issues_.push_back(MakeIssue(
        "deleted-migration", b.path.string(),
        b.path.string() + " exists at " + options_.ref + " but not in the working tree",
        "a shipped migration must stay: restore it (git checkout " + options_.ref + " -- " + path +
            ")" +
            (has_fork_ ? std::string()
                       : "; if " + options_.ref +
                             " gained it after this branch forked, merge or rebase onto " +
                             options_.ref)));
  }

  // A new file that took the place of `b`: same kind and content, or (when
  // the branch is known to have had `b`) the same version.
  const ResolvedMigration* FindSuccessor(const ResolvedMigration& b, bool branch_had_it) {
    const ResolvedMigration* by_version = nullptr;
    for (const ResolvedMigration* w : added_) {
      if (successors_.count(w) || w->kind != b.kind) continue;
      if (w->checksum == b.checksum) {
        successors_.insert(w);
        return w;
      }
      if (branch_had_it && !by_version && *w->version == *b.version) by_version = w;
    }
    if (by_version) successors_.insert(by_version);
    return by_version;
  }

  void CheckNewVersions() {
    std::optional<Version> highest;
    std::map<Version, const ResolvedMigration*> base_versions;
    for (const auto& b : base_) {
      if (b.kind != MigrationKind::kVersioned) continue;
      base_versions.emplace(*b.version, &b);
      if (!highest || *b.version > *highest) highest = *b.version;
    }
    for (const ResolvedMigration* w : added_) {
      if (w->kind != MigrationKind::kVersioned || successors_.count(w)) continue;
      auto same = base_versions.find(*w->version);
      if (same != base_versions.end()) {
        // Both files in the working tree: the scan already reports the duplicate.
        if (working_by_path_.count(same->second->path.generic_string())) continue;
        issues_.push_back(MakeIssue("duplicate-version", w->path.string(),
                                    w->path.string() + " has the same version (" +
                                        w->version->str() + ") as " + same->second->path.string() +
                                        " at " + options_.ref,
                                    "another branch already added version " + w->version->str() +
                                        ": merge or rebase onto " + options_.ref +
                                        " and renumber this migration above " + highest->str()));
      } else if (!options_.out_of_order && highest && *w->version < *highest) {
        issues_.push_back(MakeIssue(
            "version-not-above-base", w->path.string(),
            w->path.string() + " is new, but its version (" + w->version->str() +
                ") is not above " + highest->str() + ", the highest version at " + options_.ref,
            "databases that already ran " + highest->str() + " would skip it: renumber it above " +
                highest->str() + " (or set out_of_order: true if that is intended)"));
      }
    }
  }

  const std::vector<ResolvedMigration>& working_;
  const std::vector<ResolvedMigration>& base_;
  const BaseCompareOptions& options_;
  ByPath working_by_path_, base_by_path_, fork_by_path_;
  bool has_fork_;
  std::vector<const ResolvedMigration*> added_;  // shipped kinds, not at REF by path
  std::set<const ResolvedMigration*> successors_;
  Issues issues_;
};

}  // namespace

Issues CompareWithBase(const std::vector<ResolvedMigration>& working,
                       const std::vector<ResolvedMigration>& base,
                       const std::vector<ResolvedMigration>* fork_point,
                       const BaseCompareOptions& options) {
  return Comparer(working, base, fork_point, options).Run();
}

}  // namespace flyrun::vcs
