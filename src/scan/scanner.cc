#include "scan/scanner.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>
#include <tuple>
#include <utility>

#include "scan/locations.h"

namespace flyrun {
namespace {

namespace fs = std::filesystem;

constexpr char kLocationsHint[] =
    "create the directory or fix the locations setting (--locations, FLYRUN_LOCATIONS, "
    "locations: in flyrun.yaml)";

struct Entry {
  enum class Kind { kFile, kDirectory, kDangling, kOther, kUnreadable } kind = Kind::kFile;
  std::string name;
  dev_t dev = 0;  ///< kFile: device and inode of the file (symlinks followed)
  ino_t ino = 0;
  int error = 0;  ///< kUnreadable: errno of the failed stat
};

// Follows symlinks: a link is what it points to, or kDangling.
Entry Classify(const fs::path& path, std::string name) {
  Entry entry;
  entry.name = std::move(name);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    entry.error = errno;
    struct stat link {};
    bool dangling =
        entry.error == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode);
    entry.kind = dangling ? Entry::Kind::kDangling : Entry::Kind::kUnreadable;
  } else if (S_ISDIR(st.st_mode)) {
    entry.kind = Entry::Kind::kDirectory;
  } else if (S_ISREG(st.st_mode)) {
    entry.dev = st.st_dev;
    entry.ino = st.st_ino;
  } else {
    entry.kind = Entry::Kind::kOther;
  }
  return entry;
}

constexpr char kUnreadableHint[] =
    "fix or remove the file: a migration that cannot be read would be left out of the run";

class Walker {
 public:
  Walker(ScanResult& result, const ScanOptions& options) : result_(result), options_(options) {}

  void ScanLocation(const std::string& location) {
    std::string path = ResolveLocation(location, options_.classpath_root);
    LocationExpansion expansion = ExpandLocation(path);
    if (expansion.root.empty()) {
      ScanDirectory(expansion.directories.front());
      return;
    }
    if (!expansion.root_exists) {
      Report("location-missing", location,
             "location " + location + ": " + expansion.root +
                 " (the part before the wildcard) does not exist",
             kLocationsHint);
      return;
    }
    if (expansion.directories.empty()) {
      spdlog::warn("location {} matches no directory", location);
    }
    for (const std::string& dir : expansion.directories) ScanDirectory(dir);
  }

 private:
  void ScanDirectory(const std::string& location) {
    fs::path root(location);
    std::error_code ec;
    fs::file_status status = fs::status(root, ec);
    if (!fs::exists(status)) {
      Report("location-missing", location, "location " + location + " does not exist",
             kLocationsHint);
      return;
    }
    if (!fs::is_directory(status)) {
      Report("location-missing", location, "location " + location + " is not a directory",
             kLocationsHint);
      return;
    }
    // A location named twice, or inside one scanned before, adds nothing: its
    // files keep the spelling of the location that reached them first.
    if (MarkVisited(root)) Walk(root, root, "");
  }

  // Directories are identified by device and inode, so a symlink back to an
  // ancestor, two links to one directory and overlapping locations ("sql",
  // "./sql", "sql/sub") enter each directory once, across all locations.
  bool MarkVisited(const fs::path& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return false;
    return visited_.emplace(st.st_dev, st.st_ino).second;
  }

  void Walk(const fs::path& root, const fs::path& dir, const std::string& prefix) {
    std::vector<Entry> entries;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (name.empty() || name[0] == '.') continue;  // .git, editor backups, ...
      entries.push_back(Classify(it->path(), std::move(name)));
    }
    if (ec) {
      Report("location-unreadable", dir.string(),
             "cannot read directory " + dir.string() + ": " + ec.message(),
             "check the directory's permissions");
      return;
    }
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.name < b.name; });
    for (const Entry& entry : entries) {
      std::string script = prefix.empty() ? entry.name : prefix + "/" + entry.name;
      if (entry.kind == Entry::Kind::kDirectory) {
        if (MarkVisited(dir / entry.name)) Walk(root, dir / entry.name, script);
      } else {
        AddFile(root, entry, std::move(script));
      }
    }
  }

  // Whatever is not a readable regular file is reported only when its name is
  // a migration's: a dangling README.sql link is none of flyrun's business.
  bool Readable(const Entry& entry, const fs::path& path) {
    std::string why;
    switch (entry.kind) {
      case Entry::Kind::kDangling:
        why = " is a dangling symbolic link (its target does not exist)";
        break;
      case Entry::Kind::kUnreadable:
        why = " cannot be read: " + std::string(std::strerror(entry.error));
        break;
      case Entry::Kind::kOther:
        why = " is not a regular file";
        break;
      default:
        if (::access(path.c_str(), R_OK) == 0) return true;
        why = " cannot be read: " + std::string(std::strerror(errno));
    }
    Report("migration-unreadable", path.string(), path.string() + why, kUnreadableHint);
    return false;
  }

  void AddFile(const fs::path& root, const Entry& entry, std::string script) {
    const std::string& name = entry.name;
    NameParse parse = ParseMigrationName(name, options_.naming);
    if (parse.outcome == NameParse::Outcome::kNotMigration) {
      AddUnsupported(root, name, std::move(script));
      return;
    }
    fs::path path = root / script;
    if (parse.outcome == NameParse::Outcome::kMalformed && !options_.report_malformed) {
      spdlog::debug("{} skipped: not a valid migration file name: {}", path.string(),
                    parse.problem);
      return;
    }
    if (!Readable(entry, path)) return;
    // A file reached again under the same name (a symlink to a file of another
    // location) is the same migration. Hard links with other names are not.
    if (!files_seen_.emplace(entry.dev, entry.ino, name).second) return;
    if (parse.outcome == NameParse::Outcome::kMalformed) {
      const NamingRules& rules = options_.naming;
      Report("malformed-name", path.string(),
             path.string() + " is not a valid migration file name: " + parse.problem,
             StartsLikeAMigration(name, rules)
                 ? "rename the file; a script that is not a migration must not start with " +
                       rules.versioned_prefix + ", " + rules.undo_prefix + " or " +
                       rules.repeatable_prefix + " followed by a digit or '_'"
                 : "rename the file to the callback form");
    } else {
      parse.migration.script = std::move(script);
      parse.migration.path = std::move(path);
      ReadScriptConfig(parse.migration);
      result_.migrations.push_back(std::move(parse.migration));
    }
  }

  // Flyway's script and Java migrations: kept so that an applied one counts as
  // applied and a pending one is refused by name, never skipped without a word.
  void AddUnsupported(const fs::path& root, const std::string& name, std::string script) {
    if (!options_.keep_unsupported) return;
    static const std::pair<const char*, const char*> kKinds[] = {
        {".sh", "a shell script migration"}, {".bash", "a shell script migration"},
        {".ps1", "a PowerShell migration"},  {".bat", "a batch file migration"},
        {".cmd", "a batch file migration"},  {".py", "a Python script migration"},
        {".java", "a Java migration"},       {".class", "a Java migration"},
        {".kt", "a Kotlin migration"}};
    for (const auto& [suffix, what] : kKinds) {
      NamingRules rules = options_.naming;
      rules.suffixes = {suffix};
      NameParse parse = ParseMigrationName(name, rules);
      if (parse.outcome != NameParse::Outcome::kMigration ||
          parse.migration.kind != MigrationKind::kVersioned)
        continue;
      parse.migration.script = std::move(script);
      parse.migration.path = root / parse.migration.script;
      parse.migration.unsupported = what;
      result_.migrations.push_back(std::move(parse.migration));
      return;
    }
  }

  // Flyway's per-script settings: `<script>.conf` beside the script.
  void ReadScriptConfig(ResolvedMigration& m) {
    fs::path conf = m.path;
    conf += ".conf";
    std::error_code ec;
    if (!fs::exists(conf, ec)) return;
    std::ifstream in(conf, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
      Report("script-config", conf.string(), "cannot read " + conf.string(),
             "check the file's permissions");
      return;
    }
    ScriptConfig config = ParseScriptConfig(text.str(), conf.string(), options_, result_.issues);
    m.execute_in_transaction = config.execute_in_transaction;
    m.encoding = config.encoding;
    m.placeholder_replacement = config.placeholder_replacement;
  }

  void Report(std::string code, std::string file, std::string message, std::string hint) {
    Issue issue;
    issue.code = std::move(code);
    issue.file = std::move(file);
    issue.message = std::move(message);
    issue.hint = std::move(hint);
    result_.issues.push_back(std::move(issue));
  }

  ScanResult& result_;
  const ScanOptions& options_;
  std::set<std::pair<dev_t, ino_t>> visited_;
  std::set<std::tuple<dev_t, ino_t, std::string>> files_seen_;
};

int KindRank(MigrationKind kind) {
  switch (kind) {
    case MigrationKind::kVersioned:
      return 0;
    case MigrationKind::kUndo:
      return 1;
    case MigrationKind::kRepeatable:
      return 2;
    case MigrationKind::kCallback:
      return 3;
  }
  return 4;
}

// Stable, so migrations that compare equal (duplicates) keep the walk order and
// the first one found is the one the others are reported against.
void SortMigrations(std::vector<ResolvedMigration>& migrations) {
  std::stable_sort(migrations.begin(), migrations.end(),
                   [](const ResolvedMigration& a, const ResolvedMigration& b) {
                     int ka = KindRank(a.kind), kb = KindRank(b.kind);
                     if (ka != kb) return ka < kb;
                     switch (a.kind) {
                       case MigrationKind::kVersioned:
                       case MigrationKind::kUndo:
                         return *a.version < *b.version;
                       case MigrationKind::kRepeatable:
                         return a.description < b.description;
                       case MigrationKind::kCallback:
                         return std::tie(a.event, a.description) < std::tie(b.event, b.description);
                     }
                     return false;
                   });
}

Issue MakeIssue(std::string code, const ResolvedMigration& m, std::string message,
                std::string hint) {
  Issue issue;
  issue.code = std::move(code);
  issue.file = m.path.string();
  issue.message = std::move(message);
  issue.hint = std::move(hint);
  return issue;
}

void CheckDuplicates(const std::vector<ResolvedMigration>& migrations, Issues& issues) {
  const ResolvedMigration* first = nullptr;
  for (const ResolvedMigration& m : migrations) {
    bool same = first != nullptr && first->kind == m.kind;
    if (same && m.kind == MigrationKind::kVersioned) {
      same = *first->version == *m.version;
      if (same) {
        issues.push_back(MakeIssue(
            "duplicate-version", m,
            m.path.string() + " has the same version (" + m.version->str() + ") as " +
                first->path.string(),
            "give each versioned migration its own version (V1, V001 and V1.0 are one version)"));
      }
    } else if (same && m.kind == MigrationKind::kUndo) {
      same = *first->version == *m.version;
      if (same) {
        issues.push_back(MakeIssue("duplicate-version", m,
                                   m.path.string() + " undoes the same version (" +
                                       m.version->str() + ") as " + first->path.string(),
                                   "keep one undo file per version"));
      }
    } else if (same && m.kind == MigrationKind::kRepeatable) {
      same = first->description == m.description;
      if (same) {
        issues.push_back(MakeIssue("duplicate-repeatable", m,
                                   m.path.string() + " has the same description ('" +
                                       m.description + "') as " + first->path.string(),
                                   "give each repeatable migration its own description"));
      }
    } else {
      same = false;
    }
    if (!same) first = &m;
  }
}

void CheckOrphanUndos(const std::vector<ResolvedMigration>& migrations, Issues& issues) {
  std::vector<const Version*> versioned;
  for (const ResolvedMigration& m : migrations) {
    if (m.kind == MigrationKind::kVersioned) versioned.push_back(&*m.version);
  }
  for (const ResolvedMigration& m : migrations) {
    if (m.kind != MigrationKind::kUndo) continue;
    bool found = std::binary_search(versioned.begin(), versioned.end(), &*m.version,
                                    [](const Version* a, const Version* b) { return *a < *b; });
    if (!found) {
      issues.push_back(MakeIssue(
          "orphan-undo", m,
          m.path.string() + " undoes version " + m.version->str() +
              ", but no versioned migration has that version",
          "add V" + m.version->str() + "__<description>.sql, or fix or remove the undo file"));
    }
  }
}

// Characters as the history table's VARCHAR columns count them (UTF-8 code points).
size_t Characters(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// A value longer than its history column would fail the history insert after the
// script ran (and on MySQL after its DDL committed), so it is refused up front.
void CheckHistoryFit(const std::vector<ResolvedMigration>& migrations, Issues& issues) {
  auto check = [&issues](const ResolvedMigration& m, const char* what, const std::string& value,
                         size_t limit, const char* hint) {
    size_t n = Characters(value);
    if (n <= limit) return;
    issues.push_back(MakeIssue("history-value-too-long", m,
                               m.path.string() + ": the " + what + " is " + std::to_string(n) +
                                   " characters long, and the history table holds " +
                                   std::to_string(limit),
                               hint));
  };
  for (const ResolvedMigration& m : migrations) {
    if (m.kind == MigrationKind::kCallback) continue;  // callbacks leave no history row
    if (m.version) {
      check(m, "version", m.version->str(), kMaxVersionChars, "use a shorter version");
    }
    check(m, "description", m.description, kMaxDescriptionChars,
          "shorten the description in the file name");
    check(m, "script path (relative to its location)", m.script, kMaxScriptChars,
          "move the file to a shallower directory or shorten the names");
  }
}

}  // namespace

ScanResult ScanLocations(const std::vector<std::string>& locations) {
  ScanOptions options;
  options.locations = locations;
  return ScanLocations(options);
}

ScanResult ScanLocations(const ScanOptions& options) {
  ScanResult result;
  Walker walker(result, options);
  for (const std::string& location : options.locations) walker.ScanLocation(location);
  SortMigrations(result.migrations);
  CheckDuplicates(result.migrations, result.issues);
  CheckOrphanUndos(result.migrations, result.issues);
  CheckHistoryFit(result.migrations, result.issues);
  return result;
}

}  // namespace flyrun
