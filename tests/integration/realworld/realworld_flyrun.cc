#include "realworld_flyrun.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

namespace flyrun::test {

std::string FormName(Form form) {
  switch (form) {
    case Form::kNative:
      return "native";
    case Form::kFlywayConf:
      return "flyway_conf";
    case Form::kFlywayToml:
      return "flyway_toml";
    case Form::kFlywayEnv:
      return "flyway_env";
    case Form::kFlywayArgs:
      return "flyway_args";
  }
  return {};
}

namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

/// A copy of the set's locations in which each file that Flyway runs outside
/// a transaction by itself, or that commits by itself, starts with flyrun's
/// directive, as flyrun's own rules require (README: a script whose first
/// line is `-- flyrun:transaction=false`).
std::vector<std::filesystem::path> NativeLocations(const RealworldSet& set,
                                                   const std::filesystem::path& work) {
  std::vector<std::filesystem::path> locations;
  for (const auto& location : set.locations) {
    std::filesystem::path source = SetDir(set) / location;
    if (set.outside_transaction.empty() && set.own_commit.empty()) {
      locations.push_back(source);
      continue;
    }
    std::filesystem::path copy = work / "native-copy" / location;
    std::filesystem::create_directories(copy);
    std::filesystem::copy(source, copy, std::filesystem::copy_options::recursive);
    for (const auto& e : std::filesystem::recursive_directory_iterator(copy)) {
      std::string name = e.path().filename().string();
      if (!set.outside_transaction.count(name) && !set.own_commit.count(name)) continue;
      std::string text = ReadFile(e.path());
      std::ofstream(e.path(), std::ios::binary) << "-- flyrun:transaction=false\n" << text;
    }
    locations.push_back(copy);
  }
  return locations;
}

Invocation PrepareNative(const RealworldSet& set, const ScratchDb& db,
                         const std::filesystem::path& work) {
  Invocation inv;
  inv.cwd = work;
  std::string locations;
  for (const auto& l : NativeLocations(set, work))
    locations += (locations.empty() ? "" : ",") + l.string();
  inv.args = {"--url", db.flyrun_url(), "--locations", locations};
  for (const auto& [name, value] : set.placeholders) {
    inv.args.push_back("--placeholder");
    inv.args.push_back(name + "=" + value);
  }
  if (!set.table.empty()) inv.args.insert(inv.args.end(), {"--table", set.table});
  if (set.out_of_order) inv.args.push_back("--out-of-order");
  if (!set.target.empty()) inv.args.insert(inv.args.end(), {"--target", set.target});
  if (!set.placeholder_replacement) inv.args.push_back("--placeholder-replacement=false");
  inv.history_table = set.table.empty() ? "flyrun_schema_history" : set.table;
  return inv;
}

/// The project's Flyway keys (conf names without `flyway.`), placeholders apart.
Settings FlywaySettings(const RealworldSet& set, const ScratchDb& db) {
  Settings s{{"url", db.jdbc_url(set.jdbc_subprotocol)}};
  if (!db.user().empty()) s.emplace_back("user", db.user());
  if (!db.password().empty()) s.emplace_back("password", db.password());
  std::string locations;
  for (const auto& l : set.locations)
    locations += (locations.empty() ? "" : ",") + ("filesystem:" + (SetDir(set) / l).string());
  s.emplace_back("locations", locations);
  if (!set.table.empty()) s.emplace_back("table", set.table);
  if (set.out_of_order) s.emplace_back("outOfOrder", "true");
  if (!set.target.empty()) s.emplace_back("target", set.target);
  if (!set.placeholder_replacement) s.emplace_back("placeholderReplacement", "false");
  s.insert(s.end(), set.flyway_extra.begin(), set.flyway_extra.end());
  return s;
}

std::string TomlString(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string TomlValue(const std::string& v) {
  return v == "true" || v == "false" ? v : TomlString(v);
}

std::string FlywayToml(const RealworldSet& set, const Settings& settings) {
  std::string env = "[environments.default]\n", flyway = "[flyway]\n";
  for (const auto& [key, value] : settings) {
    if (key == "url" || key == "user" || key == "password") {
      env += key + " = " + TomlString(value) + "\n";
    } else if (key == "locations") {
      std::string list;
      std::istringstream in(value);
      for (std::string l; std::getline(in, l, ',');)
        list += (list.empty() ? "" : ", ") + TomlString(l);
      flyway += "locations = [" + list + "]\n";
    } else {
      flyway += key + " = " + TomlValue(value) + "\n";
    }
  }
  std::string placeholders = "[flyway.placeholders]\n";
  for (const auto& [name, value] : set.placeholders)
    placeholders += TomlString(name) + " = " + TomlString(value) + "\n";
  return env + "\n" + flyway + "\n" + placeholders;
}

/// outOfOrder -> OUT_OF_ORDER.
std::string UpperSnake(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (std::isupper(static_cast<unsigned char>(c))) out.push_back('_');
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

Invocation Prepare(Form form, const RealworldSet& set, const ScratchDb& db,
                   const std::filesystem::path& work) {
  std::filesystem::create_directories(work);
  if (form == Form::kNative) return PrepareNative(set, db, work);
  Invocation inv;
  inv.cwd = work;
  inv.history_table = set.table.empty() ? "flyway_schema_history" : set.table;
  Settings settings = FlywaySettings(set, db);
  switch (form) {
    case Form::kFlywayConf: {
      std::ofstream conf(work / "flyway.conf");
      for (const auto& [key, value] : settings) conf << "flyway." << key << "=" << value << "\n";
      for (const auto& [name, value] : set.placeholders)
        conf << "flyway.placeholders." << name << "=" << value << "\n";
      break;
    }
    case Form::kFlywayToml:
      std::ofstream(work / "flyway.toml") << FlywayToml(set, settings);
      break;
    case Form::kFlywayEnv:
      for (const auto& [key, value] : settings) inv.env["FLYWAY_" + UpperSnake(key)] = value;
      // Flyway lower-cases the name after the prefix and matches placeholders
      // in any case, so ${tableName} is set by FLYWAY_PLACEHOLDERS_TABLENAME.
      for (const auto& [name, value] : set.placeholders) {
        std::string var = "FLYWAY_PLACEHOLDERS_";
        for (char c : name) var += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        inv.env[var] = value;
      }
      break;
    case Form::kFlywayArgs:
      for (const auto& [key, value] : settings) inv.args.push_back("-" + key + "=" + value);
      for (const auto& [name, value] : set.placeholders)
        inv.args.push_back("-placeholders." + name + "=" + value);
      break;
    case Form::kNative:
      break;
  }
  return inv;
}

RunResult Migrate(const Invocation& inv) {
  std::vector<std::string> args = inv.args;
  args.push_back("migrate");
  return RunFlyrun(args, inv.cwd, inv.env);
}

RunResult InfoJson(const Invocation& inv) {
  std::vector<std::string> args = inv.args;
  args.insert(args.end(), {"info", "--output", "json"});
  return RunFlyrun(args, inv.cwd, inv.env);
}

::testing::AssertionResult InfoShowsApplied(const std::string& info_json,
                                            const ScriptOrder& order) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(info_json);
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "info --output json is not JSON: " << e.what() << "\n"
                                         << info_json;
  }
  if (!doc.contains("migrations") || !doc["migrations"].is_array())
    return ::testing::AssertionFailure() << "no migrations in: " << info_json;
  std::vector<std::pair<long, std::string>> success;
  std::set<std::string> above;
  for (const auto& m : doc["migrations"]) {
    std::string script = std::filesystem::path(m.value("script", "")).filename().string();
    std::string state = m.value("state", "");
    if (state == "Success" && m["installed_rank"].is_number()) {
      success.emplace_back(m["installed_rank"].get<long>(), script);
    } else if (state == "Above Target") {
      above.insert(script);
    } else {
      return ::testing::AssertionFailure() << "info shows " << m.dump();
    }
  }
  std::sort(success.begin(), success.end());
  std::vector<std::string> applied_scripts, expected_applied;
  for (const auto& [rank, script] : success) applied_scripts.push_back(script);
  for (const auto& f : order.applied) expected_applied.push_back(f.name);
  std::set<std::string> expected_above;
  for (const auto& f : order.above_target) expected_above.insert(f.name);
  if (applied_scripts != expected_applied) {
    auto result = ::testing::AssertionFailure() << "applied in another order or set:\n";
    for (size_t i = 0; i < std::max(applied_scripts.size(), expected_applied.size()); ++i) {
      std::string got = i < applied_scripts.size() ? applied_scripts[i] : "-";
      std::string want = i < expected_applied.size() ? expected_applied[i] : "-";
      if (got != want) result << "  #" << i + 1 << " expected " << want << ", got " << got << "\n";
    }
    return result;
  }
  if (above != expected_above)
    return ::testing::AssertionFailure()
           << above.size() << " files Above Target, expected " << expected_above.size();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult SameText(const std::string& what, const std::string& a_name,
                                    const std::string& a_text, const std::string& b_name,
                                    const std::string& b_text) {
  if (a_text == b_text) return ::testing::AssertionSuccess();
  auto lines = [](const std::string& text) {
    std::multiset<std::string> set;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) set.insert(l);
    return set;
  };
  auto a = lines(a_text), b = lines(b_text);
  std::vector<std::string> only_a, only_b;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_a));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_b));
  auto result = ::testing::AssertionFailure() << what << " differ";
  if (only_a.empty() && only_b.empty()) return result << " (same lines, another order)";
  int shown = 0;
  for (const auto& l : only_a)
    if (shown++ < 30) result << "\n  only in " << a_name << ": " << l;
  shown = 0;
  for (const auto& l : only_b)
    if (shown++ < 30) result << "\n  only in " << b_name << ": " << l;
  return result << "\n  (" << only_a.size() << " and " << only_b.size() << " lines)";
}

std::string Normalise(const RealworldSet& set, const std::string& text,
                      const std::string& db_name) {
  std::vector<std::regex> masks;
  for (const auto& m : set.masks) masks.emplace_back(m.pattern);
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    for (size_t i = 0; i < masks.size(); ++i)
      line = std::regex_replace(line, masks[i], set.masks[i].replacement);
    if (!db_name.empty()) {
      for (size_t at = line.find(db_name); at != std::string::npos; at = line.find(db_name, at))
        line.replace(at, db_name.size(), "<db>");
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace flyrun::test
