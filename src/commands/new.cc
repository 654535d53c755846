#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "scan/scanner.h"

namespace flyrun {
namespace {

/// The version text as written in the file name ("003" of "V003__x.sql").
std::string RawVersion(const ResolvedMigration& m) {
  std::string name = std::filesystem::path(m.script).filename().string();
  return name.substr(1, name.find("__") - 1);
}

/// Increments a decimal string ("0099" -> "0100", "9" -> "10").
std::string Increment(std::string digits) {
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return digits;
    }
    digits[i] = '0';
  }
  return "1" + digits;
}

std::string NextVersion(const std::vector<ResolvedMigration>& migrations) {
  const ResolvedMigration* last = nullptr;
  for (const auto& m : migrations)
    if (m.kind == MigrationKind::kVersioned && (!last || *last->version < *m.version)) last = &m;
  if (!last) return "1";
  std::string raw = RawVersion(*last);
  std::string first = raw.substr(0, raw.find_first_of("._"));
  if (first.size() >= 12) {  // timestamp versions: continue with the current UTC time
    char buf[32];
    std::time_t now = std::time(nullptr);
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", std::gmtime(&now));
    std::string stamp = std::string(buf).substr(0, first.size());
    return stamp > first ? stamp : Increment(first);
  }
  return Increment(first);
}

/// Longest file name most file systems take, in bytes (NAME_MAX).
constexpr size_t kMaxFileNameBytes = 255;

/// The description as it goes into the file name (spaces as underscores,
/// surrounding blanks dropped); throws a usage error saying why when no file
/// name can carry it.
std::string FileDescription(const std::string& given) {
  size_t begin = given.find_first_not_of(" \t");
  size_t end = given.find_last_not_of(" \t");
  std::string description = begin == std::string::npos ? "" : given.substr(begin, end - begin + 1);
  if (description.find_first_not_of(" _") == std::string::npos) {
    throw UsageError("new: the description is blank",
                     "give a description such as \"create users\"");
  }
  for (char c : description) {
    if (c == '/' || c == '\\') {
      throw UsageError(std::string("new: the description contains '") + c +
                           "', which cannot be part of a file name",
                       "leave out path separators; `new` creates files in the first location");
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      throw UsageError("new: the description contains a control character (tab, line break, ...)",
                       "use letters, digits, spaces and punctuation");
    }
  }
  size_t characters = 0;
  for (unsigned char c : description) characters += (c & 0xC0) != 0x80;
  if (characters > kMaxDescriptionChars) {
    throw UsageError("new: the description is " + std::to_string(characters) +
                         " characters long, and the history table holds " +
                         std::to_string(kMaxDescriptionChars),
                     "use a shorter description");
  }
  for (char& c : description)
    if (c == ' ') c = '_';
  return description;
}

}  // namespace

ExitCode RunNew(const CommandContext& ctx) {
  const Config& config = ctx.config;
  std::string description = FileDescription(ctx.new_description);
  ScanResult scan = ScanLocations(ScanOptionsFor(config));
  std::string version = NextVersion(scan.migrations);
  std::vector<std::string> names;
  for (char prefix : {'V', 'U'}) {
    std::string name = std::string(1, prefix) + version + "__" + description + ".sql";
    if (name.size() > kMaxFileNameBytes) {
      throw UsageError("new: " + name + " would be " + std::to_string(name.size()) +
                           " bytes long, and a file name may have at most " +
                           std::to_string(kMaxFileNameBytes) + " bytes",
                       "use a shorter description");
    }
    // Whatever `new` writes, the scanner must take for the same migration.
    NameParse parse = ParseMigrationName(name);
    if (parse.outcome != NameParse::Outcome::kMigration) {
      throw UsageError("new: " + name +
                       " would not be a valid migration file name: " + parse.problem);
    }
    names.push_back(std::move(name));
  }
  std::filesystem::path dir = ResolveLocation(config.locations.front(), config.classpath_root);
  std::filesystem::create_directories(dir);
  std::vector<std::string> created;
  for (const std::string& name : names) {
    char prefix = name[0];
    auto path = dir / name;
    if (std::filesystem::exists(path)) throw UsageError(path.string() + " already exists");
    std::ofstream out(path);
    out << (prefix == 'V' ? "-- " : "-- Undo of V" + version + ": ") << description << "\n";
    if (!out) throw UsageError("cannot write " + path.string());
    created.push_back(path.string());
  }
  if (ctx.output == OutputFormat::kJson) {
    *ctx.out << nlohmann::json({{"command", "new"},
                                {"success", true},
                                {"version", version},
                                {"files", created}})
                    .dump(2)
             << '\n';
  } else {
    for (const auto& c : created) *ctx.out << "Created " << c << '\n';
  }
  return ExitCode::kSuccess;
}

}  // namespace flyrun
