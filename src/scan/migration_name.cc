#include <algorithm>
#include <array>
#include <cctype>

#include "scan/scanner.h"

namespace flyrun {
namespace {

constexpr std::string_view kSuffix = ".sql";
constexpr std::string_view kSeparator = "__";

// SPEC 1 names the migrate events; the others are Flyway's, accepted so that a
// Flyway project's callback files are recognised rather than reported.
constexpr std::array<std::string_view, 20> kEvents = {
    "beforeMigrate",     "afterMigrate",   "beforeEachMigrate", "afterEachMigrate",
    "afterMigrateError", "beforeUndo",     "afterUndo",         "beforeEachUndo",
    "afterEachUndo",     "beforeValidate", "afterValidate",     "beforeClean",
    "afterClean",        "beforeBaseline", "afterBaseline",     "beforeRepair",
    "afterRepair",       "beforeInfo",     "afterInfo",         "afterEachMigrateError",
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool IStartsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && IEquals(text.substr(0, prefix.size()), prefix);
}

std::string Describe(std::string_view raw) {
  std::string out(raw);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '_' || c == ' '; });
}

NameParse Malformed(std::string problem) {
  NameParse result{NameParse::Outcome::kMalformed, {}, std::move(problem)};
  return result;
}

NameParse NotMigration() { return NameParse{NameParse::Outcome::kNotMigration, {}, {}}; }

std::string ExpectedForm(char prefix) {
  switch (prefix) {
    case 'V':
      return "expected V<version>__<description>.sql, e.g. V2__add_users.sql";
    case 'U':
      return "expected U<version>__<description>.sql, e.g. U2__add_users.sql";
    default:
      return "expected R__<description>.sql, e.g. R__refresh_views.sql";
  }
}

std::string ExpectedCallback(std::string_view event) {
  std::string e(event);
  return "expected " + e + ".sql or " + e + "__<description>.sql";
}

// The event whose name `stem` begins with, ignoring case, when what follows is
// nothing or a separator-like character; the longest such event wins
// ("afterMigrateError" over "afterMigrate").
std::string_view CallbackEventOf(std::string_view stem) {
  std::string_view best;
  for (std::string_view event : kEvents) {
    if (event.size() <= best.size() || !IStartsWith(stem, event)) continue;
    if (stem.size() == event.size() || stem[event.size()] == '_' || stem[event.size()] == '.') {
      best = event;
    }
  }
  return best;
}

NameParse ParseCallback(std::string_view stem, std::string_view event) {
  std::string_view written = stem.substr(0, event.size());
  if (written != event) {
    return Malformed("callback names are case-sensitive: '" + std::string(written) +
                     "' should be '" + std::string(event) + "'; " + ExpectedCallback(event));
  }
  std::string_view rest = stem.substr(event.size());
  ResolvedMigration m;
  m.kind = MigrationKind::kCallback;
  m.event = std::string(event);
  if (!rest.empty()) {
    if (rest.substr(0, kSeparator.size()) != kSeparator) {
      return Malformed("the event name must be followed by '__' and a description; " +
                       ExpectedCallback(event));
    }
    std::string_view description = rest.substr(kSeparator.size());
    if (IsBlank(description)) {
      return Malformed("missing description after '__'; " + ExpectedCallback(event));
    }
    m.description = Describe(description);
  }
  return NameParse{NameParse::Outcome::kMigration, std::move(m), {}};
}

NameParse ParseVersioned(char prefix, std::string_view rest) {
  size_t separator = rest.find(kSeparator);
  if (separator == std::string_view::npos) {
    return Malformed("missing '__' between version and description; " + ExpectedForm(prefix));
  }
  std::string_view version_text = rest.substr(0, separator);
  std::string_view description = rest.substr(separator + kSeparator.size());
  if (version_text.empty()) return Malformed("missing version; " + ExpectedForm(prefix));
  auto version = Version::parse(version_text);
  if (!version) {
    return Malformed("'" + std::string(version_text) +
                     "' is not a version (digits separated by '.' or a single '_'); " +
                     ExpectedForm(prefix));
  }
  if (IsBlank(description)) {
    return Malformed("missing description after '__'; " + ExpectedForm(prefix));
  }
  ResolvedMigration m;
  m.kind = prefix == 'V' ? MigrationKind::kVersioned : MigrationKind::kUndo;
  m.version = std::move(version);
  m.version_text = std::string(version_text);
  for (char& c : m.version_text)
    if (c == '_') c = '.';
  m.description = Describe(description);
  return NameParse{NameParse::Outcome::kMigration, std::move(m), {}};
}

NameParse ParseRepeatable(std::string_view rest) {
  if (rest.substr(0, kSeparator.size()) != kSeparator) {
    if (!rest.empty() && IsDigit(rest[0])) {
      return Malformed("a repeatable migration has no version; " + ExpectedForm('R'));
    }
    return Malformed("'R' must be followed directly by '__'; " + ExpectedForm('R'));
  }
  std::string_view description = rest.substr(kSeparator.size());
  if (IsBlank(description))
    return Malformed("missing description after '__'; " + ExpectedForm('R'));
  ResolvedMigration m;
  m.kind = MigrationKind::kRepeatable;
  m.description = Describe(description);
  return NameParse{NameParse::Outcome::kMigration, std::move(m), {}};
}

// Whether a stem that starts with V, U or R (either case) is meant as a migration:
// "V1...", "V_...", "Vx__y" are; "View_helpers", "README" are not.
bool LooksLikeMigration(std::string_view stem) {
  if (stem.size() < 2) return false;
  char prefix = stem[0];
  std::string_view rest = stem.substr(1);
  if (prefix == 'V' || prefix == 'U' || prefix == 'R') {
    return IsDigit(rest[0]) || rest[0] == '_' || rest.find(kSeparator) != std::string_view::npos;
  }
  if (prefix == 'v' || prefix == 'u' || prefix == 'r') {
    return IsDigit(rest[0]) || rest.substr(0, kSeparator.size()) == kSeparator;
  }
  return false;
}

NameParse ParseStem(std::string_view stem) {
  if (std::string_view event = CallbackEventOf(stem); !event.empty()) {
    return ParseCallback(stem, event);
  }
  if (!LooksLikeMigration(stem)) return NotMigration();
  char prefix = stem[0];
  if (prefix == 'v' || prefix == 'u' || prefix == 'r') {
    char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(prefix)));
    return Malformed(std::string("the prefix must be upper-case '") + upper + "'; " +
                     ExpectedForm(upper));
  }
  if (prefix == 'R') return ParseRepeatable(stem.substr(1));
  return ParseVersioned(prefix, stem.substr(1));
}

}  // namespace

NameParse ParseMigrationName(std::string_view filename) {
  if (filename.size() <= kSuffix.size()) return NotMigration();
  std::string_view suffix = filename.substr(filename.size() - kSuffix.size());
  std::string_view stem = filename.substr(0, filename.size() - kSuffix.size());
  if (suffix == kSuffix) return ParseStem(stem);
  // "V1__x.SQL" would otherwise be skipped without a word.
  if (IEquals(suffix, kSuffix)) {
    NameParse as_lower = ParseStem(stem);
    if (as_lower.outcome == NameParse::Outcome::kNotMigration) return as_lower;
    if (as_lower.outcome == NameParse::Outcome::kMalformed) return as_lower;
    return Malformed("the suffix must be lower-case '.sql': " + std::string(stem) + ".sql");
  }
  return NotMigration();
}

}  // namespace flyrun
