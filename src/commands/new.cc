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

}  // namespace

ExitCode RunNew(const CommandContext& ctx) {
  const Config& config = ctx.config;
  std::string description = ctx.new_description;
  if (description.empty() || description.find('/') != std::string::npos) {
    throw UsageError("new: give a description such as \"create users\"");
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
  ScanResult scan = ScanLocations(config.locations);
  std::string version = NextVersion(scan.migrations);
  std::filesystem::path dir = config.locations.front();
  std::filesystem::create_directories(dir);
  std::vector<std::string> created;
  for (char prefix : {'V', 'U'}) {
    auto path = dir / (std::string(1, prefix) + version + "__" + description + ".sql");
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
