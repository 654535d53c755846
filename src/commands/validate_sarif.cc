#include <map>
#include <string_view>

#include "commands/validate_checks.h"

namespace flyrun {
namespace {

constexpr char kSchema[] = "https://json.schemastore.org/sarif-2.1.0.json";

struct RuleText {
  std::string_view code;
  std::string_view description;
};

// Short descriptions of the issue codes validate reports; a code missing here
// still gets a rule, described by its name.
constexpr RuleText kRules[] = {
    {"malformed-name", "A .sql file that looks like a migration has a malformed name"},
    {"duplicate-version", "Two versioned (or undo) migrations have the same version"},
    {"duplicate-repeatable", "Two repeatable migrations have the same description"},
    {"orphan-undo", "An undo file has no versioned migration of its version"},
    {"missing-undo", "A versioned migration has no undo file (undo_required)"},
    {"location-missing", "A configured location does not exist"},
    {"location-unreadable", "A directory under a location cannot be read"},
    {"migration-unreadable",
     "A file named like a migration is a dangling symlink, unreadable or not a regular file"},
    {"unterminated", "A string, quoted identifier, comment or block is not closed"},
    {"unknown-placeholder", "A ${name} placeholder has no value"},
    {"invalid-directive", "A -- flyrun: directive on the first line is not understood"},
    {"invalid-delimiter", "A DELIMITER command is malformed"},
    {"psql-meta-command", "A psql meta-command that flyrun does not run"},
    {"copy-data", "COPY ... FROM stdin data is malformed"},
    {"syntax", "The script cannot be split into statements"},
    {"non-transactional-statement",
     "A statement that cannot run in a transaction is in a transactional script"},
    {"transaction-control",
     "BEGIN, COMMIT, ROLLBACK or the like in a script flyrun runs in its own transaction"},
    {"pragma-in-transaction",
     "PRAGMA foreign_keys in a transactional SQLite script, where it has no effect"},
    {"nul-byte", "A NUL byte in a script, which would cut a statement short"},
    {"history-value-too-long",
     "A version, description or script path longer than its history table column"},
    {"edited-migration", "A migration shipped at the base revision was edited"},
    {"renamed-migration", "A migration shipped at the base revision was renamed"},
    {"deleted-migration", "A migration shipped at the base revision was deleted"},
    {"version-not-above-base",
     "A new migration's version is not above the highest at the base revision"},
    {"checksum-mismatch", "An applied migration's file changed since it was applied"},
    {"missing-migration", "An applied migration's file is missing"},
    {"failed-migration", "The history records a failed migration"},
    {"ignored-migration", "A pending migration is below the highest applied version"},
};

std::string DescriptionOf(const std::string& code) {
  for (const RuleText& rule : kRules) {
    if (rule.code == code) return std::string(rule.description);
  }
  return code;
}

// Relative paths as URI references: '/' separated, reserved bytes escaped.
std::string FileUri(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 std::string_view("-._~/").find(static_cast<char>(c)) != std::string_view::npos;
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

}  // namespace

nlohmann::json SarifLog(const Issues& issues, const std::optional<BaseInfo>& base) {
  nlohmann::json rules = nlohmann::json::array();
  std::map<std::string, size_t> rule_index;
  nlohmann::json results = nlohmann::json::array();
  for (const Issue& issue : issues) {
    auto [it, added] = rule_index.emplace(issue.code, rule_index.size());
    if (added) {
      rules.push_back({{"id", issue.code},
                       {"shortDescription", {{"text", DescriptionOf(issue.code)}}},
                       {"defaultConfiguration", {{"level", SeverityName(issue.severity)}}}});
    }
    std::string text = issue.message;
    if (!issue.hint.empty()) text += "\nHint: " + issue.hint;
    nlohmann::json result = {{"ruleId", issue.code},
                             {"ruleIndex", it->second},
                             {"level", SeverityName(issue.severity)},
                             {"message", {{"text", text}}}};
    if (!issue.file.empty()) {
      nlohmann::json physical = {
          {"artifactLocation", {{"uri", FileUri(issue.file)}, {"uriBaseId", "%SRCROOT%"}}}};
      if (issue.line > 0) {
        nlohmann::json region = {{"startLine", issue.line}};
        if (issue.column > 0) region["startColumn"] = issue.column;
        physical["region"] = region;
      }
      result["locations"] = nlohmann::json::array({{{"physicalLocation", physical}}});
    }
    results.push_back(std::move(result));
  }
  nlohmann::json driver = {{"name", "flyrun"}, {"rules", rules}};
  nlohmann::json run = {{"tool", {{"driver", driver}}}, {"results", results}};
  if (base) {
    run["properties"] = {{"base", base->ref}, {"baseCommit", base->commit}};
  }
  return {{"$schema", kSchema}, {"version", "2.1.0"}, {"runs", nlohmann::json::array({run})}};
}

}  // namespace flyrun
