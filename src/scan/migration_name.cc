#include <algorithm>
#include <array>
#include <cctype>

#include "scan/scanner.h"

namespace flyrun {
namespace {

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
// The event whose name `stem` begins with, ignoring case, when what follows is
// nothing or a separator-like character; the longest such event wins
// ("afterMigrateError" over "afterMigrate").
std::string_view CallbackEventOf(std::string_view stem, std::string_view separator) {
  std::string_view best;
  for (std::string_view event : kEvents) {
    if (event.size() <= best.size() || !IStartsWith(stem, event)) continue;
    std::string_view rest = stem.substr(event.size());
    if (rest.empty() || rest[0] == '_' || rest[0] == '.' ||
        rest.substr(0, separator.size()) == separator) {
      best = event;
    }
  }
  return best;
}

/// Parses one stem (the name without its suffix) under the naming rules.
class NameParser {
 public:
  NameParser(const NamingRules& rules, std::string_view suffix)
      : rules_(rules), sep_(rules.separator), suffix_(suffix) {}

  NameParse ParseStem(std::string_view stem) const {
    if (std::string_view event = CallbackEventOf(stem, sep_); !event.empty()) {
      return ParseCallback(stem, event);
    }
    // The longest prefix that starts the stem, exactly or in another case.
    const std::string* prefix = nullptr;
    for (const std::string* p :
         {&rules_.versioned_prefix, &rules_.undo_prefix, &rules_.repeatable_prefix}) {
      if (p->empty() || !IStartsWith(stem, *p)) continue;
      if (!LooksLikeMigration(stem, *p)) continue;
      if (prefix == nullptr || p->size() > prefix->size()) prefix = p;
    }
    if (prefix == nullptr) return NotMigration();
    if (stem.substr(0, prefix->size()) != *prefix) {
      bool upper = std::none_of(prefix->begin(), prefix->end(),
                                [](char c) { return std::islower(static_cast<unsigned char>(c)); });
      return Malformed("the prefix must be " + std::string(upper ? "upper-case " : "written ") +
                       "'" + *prefix + "'; " + ExpectedForm(*prefix));
    }
    std::string_view rest = stem.substr(prefix->size());
    if (prefix == &rules_.repeatable_prefix) return ParseRepeatable(rest);
    return ParseVersioned(*prefix, rest);
  }

 private:
  std::string ExpectedForm(const std::string& prefix) const {
    std::string s(suffix_);
    if (&prefix == &rules_.repeatable_prefix) {
      return "expected " + prefix + sep_ + "<description>" + s + ", e.g. " + prefix + sep_ +
             "refresh_views" + s;
    }
    return "expected " + prefix + "<version>" + sep_ + "<description>" + s + ", e.g. " + prefix +
           "2" + sep_ + "add_users" + s;
  }

  std::string ExpectedCallback(std::string_view event) const {
    std::string e(event);
    std::string s(suffix_);
    return "expected " + e + s + " or " + e + sep_ + "<description>" + s;
  }

  // Whether a stem that starts with `prefix` (in any case) is meant as a
  // migration: "V1...", "V_...", "Vx__y" are; "View_helpers", "README" are not.
  // In another case than the prefix's, only "v1..." and "v__..." are.
  bool LooksLikeMigration(std::string_view stem, const std::string& prefix) const {
    std::string_view rest = stem.substr(prefix.size());
    if (rest.empty()) return false;
    bool starts_separator = rest.substr(0, sep_.size()) == sep_;
    if (stem.substr(0, prefix.size()) != prefix) return IsDigit(rest[0]) || starts_separator;
    return IsDigit(rest[0]) || rest[0] == sep_[0] || rest.find(sep_) != std::string_view::npos;
  }

  NameParse ParseCallback(std::string_view stem, std::string_view event) const {
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
      if (rest.substr(0, sep_.size()) != sep_) {
        return Malformed("the event name must be followed by '" + sep_ + "' and a description; " +
                         ExpectedCallback(event));
      }
      std::string_view description = rest.substr(sep_.size());
      if (IsBlank(description)) {
        return Malformed("missing description after '" + sep_ + "'; " + ExpectedCallback(event));
      }
      m.description = Describe(description);
    }
    return NameParse{NameParse::Outcome::kMigration, std::move(m), {}};
  }

  NameParse ParseVersioned(const std::string& prefix, std::string_view rest) const {
    size_t separator = rest.find(sep_);
    if (separator == std::string_view::npos) {
      return Malformed("missing '" + sep_ + "' between version and description; " +
                       ExpectedForm(prefix));
    }
    std::string_view version_text = rest.substr(0, separator);
    std::string_view description = rest.substr(separator + sep_.size());
    if (version_text.empty()) return Malformed("missing version; " + ExpectedForm(prefix));
    auto version = Version::parse(version_text);
    if (!version) {
      return Malformed("'" + std::string(version_text) +
                       "' is not a version (digits separated by '.' or a single '_'); " +
                       ExpectedForm(prefix));
    }
    if (IsBlank(description)) {
      return Malformed("missing description after '" + sep_ + "'; " + ExpectedForm(prefix));
    }
    ResolvedMigration m;
    m.kind = &prefix == &rules_.versioned_prefix ? MigrationKind::kVersioned : MigrationKind::kUndo;
    m.version = std::move(version);
    m.version_text = std::string(version_text);
    for (char& c : m.version_text)
      if (c == '_') c = '.';
    m.description = Describe(description);
    return NameParse{NameParse::Outcome::kMigration, std::move(m), {}};
  }

  NameParse ParseRepeatable(std::string_view rest) const {
    const std::string& prefix = rules_.repeatable_prefix;
    if (rest.substr(0, sep_.size()) != sep_) {
      if (!rest.empty() && IsDigit(rest[0])) {
        return Malformed("a repeatable migration has no version; " + ExpectedForm(prefix));
      }
      return Malformed("'" + prefix + "' must be followed directly by '" + sep_ + "'; " +
                       ExpectedForm(prefix));
    }
    std::string_view description = rest.substr(sep_.size());
    if (IsBlank(description)) {
      return Malformed("missing description after '" + sep_ + "'; " + ExpectedForm(prefix));
    }
    ResolvedMigration m;
    m.kind = MigrationKind::kRepeatable;
    m.description = Describe(description);
    return NameParse{NameParse::Outcome::kMigration, std::move(m), {}};
  }

  const NamingRules& rules_;
  const std::string& sep_;
  std::string_view suffix_;
};

}  // namespace

NameParse ParseMigrationName(std::string_view filename, const NamingRules& rules) {
  if (rules.separator.empty()) return NotMigration();
  // The longest suffix the name ends with wins (".sql" and ".pg.sql").
  std::string_view exact, other_case;
  for (const std::string& s : rules.suffixes) {
    if (s.empty() || filename.size() <= s.size()) continue;
    std::string_view end = filename.substr(filename.size() - s.size());
    if (end == s && s.size() > exact.size()) exact = s;
    if (end != s && IEquals(end, s) && s.size() > other_case.size()) other_case = s;
  }
  if (!exact.empty()) {
    return NameParser(rules, exact).ParseStem(filename.substr(0, filename.size() - exact.size()));
  }
  // "V1__x.SQL" would otherwise be skipped without a word.
  if (!other_case.empty()) {
    std::string_view stem = filename.substr(0, filename.size() - other_case.size());
    NameParse as_written = NameParser(rules, other_case).ParseStem(stem);
    if (as_written.outcome != NameParse::Outcome::kMigration) return as_written;
    return Malformed("the suffix must be '" + std::string(other_case) +
                     "' (case matters): " + std::string(stem) + std::string(other_case));
  }
  return NotMigration();
}

bool StartsLikeAMigration(std::string_view filename, const NamingRules& rules) {
  for (const std::string* p :
       {&rules.versioned_prefix, &rules.undo_prefix, &rules.repeatable_prefix}) {
    if (!p->empty() && IStartsWith(filename, *p)) return true;
  }
  return false;
}

}  // namespace flyrun
