#include "config/keys.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace flyrun {
namespace {

std::string ReadReadme() {
  std::ifstream in(std::string(FLYRUN_SOURCE_DIR) + "/README.md");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Strip(std::string text) {
  std::erase(text, '`');
  return text;
}

std::vector<std::string> Split(const std::string& text, const std::string& by) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t at = text.find(by, start);
    parts.push_back(text.substr(start, at == std::string::npos ? at : at - start));
    if (at == std::string::npos) return parts;
    start = at + by.size();
  }
}

/// One key as a README table documents it.
struct Documented {
  std::string default_text;
  std::string flyway;  ///< the Flyway column, when the table has one
  bool main_table;
};

// The rows of the tables of README's Configuration section up to Database
// URLs: the first table (keys with flags) and the script settings.
std::map<std::string, Documented> ReadmeKeys() {
  std::string readme = ReadReadme();
  size_t from = readme.find("\n## Configuration");
  size_t main_end = readme.find("\n### ", from);
  size_t to = readme.find("\n### Database URLs", from);
  EXPECT_NE(from, std::string::npos);
  EXPECT_NE(to, std::string::npos);
  std::map<std::string, Documented> out;
  std::istringstream lines(readme.substr(from, to - from));
  std::string line;
  size_t offset = from;
  while (std::getline(lines, line)) {
    bool main_table = offset < main_end;
    offset += line.size() + 1;
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells = Split(line.substr(2, line.size() - 4), " | ");
    std::vector<std::string> keys = Split(Strip(cells[0]), ", ");
    std::vector<std::string> defaults = Split(cells[1], ", ");
    std::vector<std::string> flyway =
        cells.size() == 4 ? Split(Strip(cells[2]), ", ") : std::vector<std::string>{};
    for (size_t i = 0; i < keys.size(); ++i) {
      Documented d;
      d.main_table = main_table;
      d.default_text = Strip(defaults.size() == keys.size() ? defaults[i] : cells[1]);
      if (!flyway.empty()) d.flyway = flyway.size() == keys.size() ? flyway[i] : flyway[0];
      EXPECT_TRUE(out.emplace(keys[i], d).second) << keys[i] << " is documented twice";
    }
  }
  return out;
}

std::string CamelCase(std::string_view snake) {
  std::string out;
  bool upper = false;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
    } else {
      out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    }
  }
  return out;
}

TEST(KeyTable, TheReadmeDocumentsEveryKeyAsTheTableSays) {
  auto documented = ReadmeKeys();
  std::string readme = ReadReadme();
  std::replace(readme.begin(), readme.end(), '\n', ' ');
  size_t only_end = readme.find(" are flyrun's only");
  ASSERT_NE(only_end, std::string::npos);
  std::string flyrun_only =
      readme.substr(readme.rfind(';', only_end), only_end - readme.rfind(';', only_end));
  ASSERT_GT(documented.size(), 30u);
  for (const KeySpec& key : KeyTable()) {
    std::string name(key.name);
    auto it = documented.find(name);
    if (it == documented.end()) {
      ADD_FAILURE() << name << " is missing from README's configuration tables";
      continue;
    }
    EXPECT_EQ(it->second.default_text, Strip(std::string(key.default_text))) << name;
    // Keys with a flag (and the maps) are in the first table, whose flags the
    // CLI test tries; the others in the script settings.
    bool main_table = key.flag != KeyFlagScope::kNone || key.kind == KeyKind::kMap ||
                      key.kind == KeyKind::kEnvironments;
    EXPECT_EQ(it->second.main_table, main_table) << name;
    if (!it->second.main_table) {
      EXPECT_EQ(it->second.flyway, key.flyway.empty() ? "—" : std::string(key.flyway)) << name;
    } else if (key.kind == KeyKind::kEnvironments) {
      EXPECT_TRUE(key.flyway.empty());  // flyrun.yaml's; flyway.toml's are read apart
    } else if (key.flyway.empty()) {
      EXPECT_NE(flyrun_only.find("`" + name + "`"), std::string::npos)
          << name << " has no Flyway name: README must list it as flyrun's only";
    } else if (key.flyway != CamelCase(key.name)) {
      EXPECT_NE(readme.find("`" + name + "` (`" + std::string(key.flyway) + "`"), std::string::npos)
          << name << ": README must name its Flyway key " << key.flyway;
    }
  }
  for (const auto& [name, d] : documented)
    EXPECT_NE(FindKey(name), nullptr) << "README documents " << name << ", the key table not";
}

TEST(KeyTable, NamesAndVariables) {
  std::set<std::string> names, flyway;
  for (const KeySpec& key : KeyTable()) {
    EXPECT_TRUE(names.insert(std::string(key.name)).second) << key.name;
    if (!key.flyway.empty()) {
      EXPECT_TRUE(flyway.insert(std::string(key.flyway)).second) << key.flyway;
    }
    EXPECT_EQ(key.flag == KeyFlagScope::kNone, key.help.empty()) << key.name;
  }
  EXPECT_EQ(FlagName(*FindKey("out_of_order")), "--out-of-order");
  EXPECT_EQ(EnvVarName(*FindKey("out_of_order")), "FLYRUN_OUT_OF_ORDER");
  EXPECT_EQ(FlywayEnvVarName("baselineOnMigrate"), "FLYWAY_BASELINE_ON_MIGRATE");
  EXPECT_EQ(FlywayEnvVarName("connectRetriesInterval"), "FLYWAY_CONNECT_RETRIES_INTERVAL");
  EXPECT_EQ(FindFlywayKey("defaultSchema")->name, "schema");
  EXPECT_TRUE(FindFlywayKey("cleanDisabled")->flyway_inverted);
  EXPECT_EQ(FindFlywayKey("licenseKey"), nullptr);
  EXPECT_TRUE(IsIgnoredFlywayKey("licenseKey"));
  EXPECT_TRUE(IsIgnoredFlywayKey("jdbcProperties.ssl"));
  EXPECT_FALSE(IsIgnoredFlywayKey("jdbcProperties."));
  EXPECT_FALSE(IsIgnoredFlywayKey("lisenceKey"));
}

}  // namespace
}  // namespace flyrun
