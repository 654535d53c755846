// Flyway's configuration as a source (FLYWAY-FACTS 4): flyway.conf and
// flyway.toml in Flyway's places, configFiles, FLYWAY_* variables and
// Flyway-style arguments, translated to flyrun's keys through the key table.

#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "config/config_internal.h"
#include "config/keys.h"
#include "config/secrets.h"
#include "core/closest.h"
#include "core/error.h"

namespace flyrun::config_internal {
namespace {

namespace fs = std::filesystem;

enum class Kind { kConf, kToml };

/// One Flyway setting as a source gave it: its name without `flyway.`.
struct Entry {
  std::string key;
  RawValue raw;
};

std::string Lookup(const Environment& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

[[noreturn]] void FailAt(const std::string& message, const std::string& file, int line,
                         const std::string& hint = {}) {
  Error error(ExitCode::kUsage, message, hint);
  error.file = file;
  error.line = line;
  throw error;
}

std::string Where(const std::string& file, int line) {
  return "in " + file + (line > 0 ? ":" + std::to_string(line) : "");
}

std::string ReadText(const fs::path& path, const std::string& display) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) FailAt("config file " + display + " is a directory", display, 0);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  if (in) content << in.rdbuf();
  if (!in || in.bad()) {
    FailAt("cannot read config file " + display + ": " + std::strerror(errno), display, 0);
  }
  return content.str();
}

// `${NAME}` (letters, digits, '_') → the variable's value or "" (CONF), and
// `${env.NAME}` → the same (TOML).
std::string Expand(const std::string& text, const Environment& env, const std::string& prefix) {
  std::string out;
  size_t pos = 0;
  const std::string open = "${" + prefix;
  while (true) {
    size_t start = text.find(open, pos);
    if (start == std::string::npos) break;
    size_t name_begin = start + open.size();
    size_t end = name_begin;
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_'))
      ++end;
    if (end == name_begin || end >= text.size() || text[end] != '}') {
      out += text.substr(pos, name_begin - pos);
      pos = name_begin;
      continue;
    }
    out += text.substr(pos, start - pos);
    out += Lookup(env, text.substr(name_begin, end - name_begin));
    pos = end + 1;
  }
  return out + text.substr(pos);
}

// Java properties, except that backslashes are literal (as Flyway reads them).
std::vector<Entry> ParseConf(const std::string& content, const std::string& display,
                             const Environment& env) {
  std::vector<Entry> entries;
  std::istringstream in(Expand(content, env, ""));
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t begin = line.find_first_not_of(" \t\f");
    if (begin == std::string::npos || line[begin] == '#' || line[begin] == '!') continue;
    size_t end = line.find_first_of("=: \t\f", begin);
    std::string key = line.substr(begin, end == std::string::npos ? end : end - begin);
    std::string value;
    if (end != std::string::npos) {
      size_t v = line.find_first_not_of(" \t\f", end);
      if (v != std::string::npos && (line[v] == '=' || line[v] == ':')) {
        v = line.find_first_not_of(" \t\f", v + 1);
      }
      if (v != std::string::npos) value = line.substr(v);
    }
    Entry entry;
    entry.raw.where = Where(display, number);
    entry.raw.file = display;
    entry.raw.line = number;
    entry.raw.text = value;
    if (key.rfind("flyway.", 0) != 0) {
      FailAt("unknown key '" + key + "' " + entry.raw.where, display, number,
             "Flyway's keys start with 'flyway.' (e.g. flyway." + key + ")");
    }
    entry.key = key.substr(7);
    entries.push_back(std::move(entry));
  }
  return entries;
}

/// A parsed flyway.toml: [flyway] (and the settings of every environment).
struct TomlFile {
  std::vector<Entry> flyway;
  std::map<std::string, std::vector<Entry>> environments;           // [environments.NAME]
  std::map<std::string, std::vector<Entry>> environment_overrides;  // [environments.NAME.flyway]
  std::vector<std::string> ignored;
};

class TomlReader {
 public:
  TomlReader(std::string display, const Environment& env)
      : display_(std::move(display)), env_(env) {}

  TomlFile Read(const std::string& content) {
    TomlFile file;
    toml::table root;
    try {
      root = toml::parse(content, display_);
    } catch (const toml::parse_error& e) {
      int line = static_cast<int>(e.source().begin.line);
      FailAt(display_ + ":" + std::to_string(line) +
                 ": TOML syntax error: " + std::string(e.description()),
             display_, line, "fix the TOML syntax of " + display_);
    }
    for (auto&& [key, node] : root) {
      std::string name(key.str());
      int line = static_cast<int>(key.source().begin.line);
      if (name == "flyway") {
        Flatten(node, "", file.flyway, "flyway");
      } else if (name == "environments") {
        if (!node.is_table())
          FailAt("environments must be a table " + Where(display_, line), display_, line);
        for (auto&& [env_key, block] : *node.as_table()) {
          std::string env_name(env_key.str());
          int env_line = static_cast<int>(env_key.source().begin.line);
          if (!block.is_table()) {
            FailAt("environments." + env_name + " must be a table " + Where(display_, env_line),
                   display_, env_line);
          }
          auto& settings = file.environments[env_name];
          auto& overrides = file.environment_overrides[env_name];
          for (auto&& [setting, value] : *block.as_table()) {
            std::string s(setting.str());
            if (s == "flyway") {
              Flatten(value, "", overrides, "environments." + env_name + ".flyway");
            } else {
              Flatten(value, s, settings, "environments." + env_name);
            }
          }
        }
      } else if (name == "id" || name == "name" || name == "databaseType" ||
                 name == "flywayDesktop" || name == "redgateCompare") {
        file.ignored.push_back(name + " " + Where(display_, line));
      } else {
        std::string best = Closest(name, {"flyway", "environments"});
        FailAt("unknown key '" + name + "' " + Where(display_, line), display_, line,
               best.empty() ? "use [flyway] and [environments.NAME] tables"
                            : "did you mean '" + best + "'?");
      }
    }
    return file;
  }

 private:
  // A table becomes dotted keys ("placeholders.tenant"); an array a list.
  void Flatten(const toml::node& node, const std::string& prefix, std::vector<Entry>& out,
               const std::string& table) {
    int line = static_cast<int>(node.source().begin.line);
    if (const toml::table* t = node.as_table()) {
      for (auto&& [key, value] : *t) {
        std::string name =
            prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
        Flatten(value, name, out, table);
      }
      return;
    }
    if (prefix.empty()) FailAt(table + " must be a table " + Where(display_, line), display_, line);
    Entry entry;
    entry.key = prefix;
    entry.raw.where = Where(display_, line);
    entry.raw.file = display_;
    entry.raw.line = line;
    if (const toml::array* a = node.as_array()) {
      entry.raw.list.emplace();
      for (const toml::node& item : *a) {
        entry.raw.list->push_back(Scalar(item, prefix));
        entry.raw.text += (entry.raw.text.empty() ? "" : ",") + entry.raw.list->back();
      }
    } else {
      entry.raw.text = Scalar(node, prefix);
    }
    out.push_back(std::move(entry));
  }

  std::string Scalar(const toml::node& node, const std::string& key) {
    int line = static_cast<int>(node.source().begin.line);
    if (auto s = node.value<std::string>(); s && node.is_string()) return Expand(*s, env_, "env.");
    if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
    if (node.is_integer()) return std::to_string(*node.value<int64_t>());
    if (node.is_floating_point()) {
      std::ostringstream text;
      text << *node.value<double>();
      return text.str();
    }
    FailAt(key + ": expected a string, number or boolean " + Where(display_, line), display_, line);
  }

  std::string display_;
  const Environment& env_;
};

Kind KindOf(const std::string& name) {
  return name.size() >= 5 && name.compare(name.size() - 5, 5, ".toml") == 0 ? Kind::kToml
                                                                            : Kind::kConf;
}

fs::path Resolve(const fs::path& base, const std::string& name) {
  fs::path path(name);
  return path.is_relative() ? base / path : path;
}

// The directory above the one holding the running executable.
fs::path InstallDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  return exe.parent_path().parent_path();
}

class Translator {
 public:
  explicit Translator(FlywaySources& out) : out_(out) {}

  // Puts one Flyway setting into `layer` under flyrun's key.
  void Add(const Entry& entry, Layer& layer) {
    const std::string& key = entry.key;
    RawValue raw = entry.raw;
    if (key.rfind("placeholders.", 0) == 0 && key.size() > 13) {
      layer.placeholders[key.substr(13)] = raw;
      out_.any = true;
      return;
    }
    if (key == "environment" || key == "configFiles") {
      out_.any = true;
      return;
    }
    if (const KeySpec* spec = FindFlywayKey(key)) {
      // Secrets are known before any message could show them.
      if (spec->name == "password") AddSecret(raw.text);
      if (spec->name == "url") AddUrlSecrets(Trim(raw.text));
      if (spec->flyway_inverted) {
        auto value = ParseBool(raw.text);
        if (!value) {
          FailAt(key + ": '" + raw.text + "' is not a boolean (use true or false) " + raw.where,
                 raw.file, raw.line);
        }
        raw.text = *value ? "false" : "true";
      }
      layer.values[std::string(spec->name)] = std::move(raw);
      out_.any = true;
      return;
    }
    if (IsIgnoredFlywayKey(key)) {
      out_.ignored.push_back(key + " " + raw.where);
      out_.any = true;
      return;
    }
    std::string best = Closest(key, FlywayKeyNames());
    FailAt("unknown key '" + key + "' " + raw.where, raw.file, raw.line,
           best.empty() ? "see Flyway's configuration keys" : "did you mean '" + best + "'?");
  }

 private:
  FlywaySources& out_;
};

struct FileToRead {
  fs::path path;
  std::string display;
};

}  // namespace

FlywaySources ReadFlywaySources(const ConfigInputs& inputs, const Environment& env,
                                const fs::path& cwd, const std::string& named_file, bool discover) {
  FlywaySources out;
  Translator translator(out);

  // The arguments first: configFiles, workingDirectory and environment decide
  // which files are read.
  std::string config_files_arg, working_directory, environment_name;
  bool config_files_given = false;
  for (const auto& [key, value] : inputs.flyway_args) {
    if (key == "configFiles") {
      config_files_arg = value;
      config_files_given = true;
    }
    if (key == "workingDirectory") working_directory = value;
    if (key == "environment") environment_name = value;
  }

  // FLYWAY_* variables, by the upper snake case of every Flyway key.
  std::vector<Entry> env_entries;
  if (discover) {
    std::map<std::string, std::string> names;
    for (const std::string& name : FlywayKeyNames()) names[FlywayEnvVarName(name)] = name;
    for (const auto& [var, value] : env) {
      if (var.rfind("FLYWAY_", 0) != 0 || value.empty()) continue;
      Entry entry;
      entry.raw.text = value;
      entry.raw.where = "in " + var;
      if (var.rfind("FLYWAY_PLACEHOLDERS_", 0) == 0 && var.size() > 20) {
        std::string name = var.substr(20);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        entry.key = "placeholders." + name;
      } else if (var == "FLYWAY_CONFIG_FILES") {
        if (!config_files_given) config_files_arg = value;
        config_files_given = true;
        continue;
      } else if (var == "FLYWAY_WORKING_DIRECTORY") {
        if (working_directory.empty()) working_directory = value;
        entry.key = "workingDirectory";
      } else if (var == "FLYWAY_ENVIRONMENT") {
        if (environment_name.empty()) environment_name = value;
        continue;
      } else if (auto it = names.find(var); it != names.end()) {
        entry.key = it->second;
      } else {
        continue;  // other tools may use the prefix too
      }
      env_entries.push_back(std::move(entry));
    }
  }

  // Which files: the default places (lowest first), then configFiles / --config.
  std::vector<FileToRead> named;
  std::optional<Kind> named_kind;
  auto name_file = [&](const std::string& name, const std::string& source) {
    Kind kind = name == "-" ? Kind::kConf : KindOf(name);
    if (named_kind && *named_kind != kind) {
      throw UsageError("configFiles mixes .conf and .toml files (" + source + ")",
                       "name files of one kind: either flyway.conf files or flyway.toml files");
    }
    named_kind = kind;
    named.push_back({name == "-" ? fs::path("-") : Resolve(cwd, name), name});
  };
  if (!named_file.empty()) name_file(named_file, "--config");
  if (config_files_given) {
    for (const std::string& name : SplitList(config_files_arg)) name_file(name, "configFiles");
  }

  std::vector<FileToRead> on_disk;
  if (discover) {
    std::vector<fs::path> places;
    if (inputs.install_dir.empty()) {
      places.push_back("/flyway/conf");
      fs::path install = InstallDir();
      if (!install.empty()) places.push_back(install / "conf");
    } else {
      places.push_back(inputs.install_dir / "conf");
    }
    std::string home = Lookup(env, "HOME");
    if (!home.empty()) places.push_back(home);
    places.push_back(cwd);
    if (!working_directory.empty()) places.push_back(Resolve(cwd, working_directory));
    std::set<fs::path> seen;
    std::error_code ec;
    bool any_toml = false;
    std::vector<FileToRead> conf, toml;
    for (const fs::path& place : places) {
      fs::path canonical = fs::weakly_canonical(place, ec);
      if (ec || !seen.insert(canonical).second) continue;
      auto add = [&](const char* name, std::vector<FileToRead>& to) {
        fs::path path = place / name;
        if (!fs::is_regular_file(path, ec)) return;
        std::string display = place == cwd ? std::string(name) : path.string();
        to.push_back({path, display});
      };
      add("flyway.conf", conf);
      add("flyway.toml", toml);
      add("flyway.user.toml", toml);
    }
    any_toml = !toml.empty();
    Kind kind = named_kind ? *named_kind : (any_toml ? Kind::kToml : Kind::kConf);
    on_disk = kind == Kind::kToml ? toml : conf;
    if (kind == Kind::kToml && !conf.empty()) {
      out.ignored.push_back("flyway.conf files (flyway.toml is read instead)");
    }
  }

  // Read them, lowest first; TOML environments are chosen once all are read.
  std::vector<Entry> entries;
  std::map<std::string, std::vector<Entry>> environments, overrides;
  std::string file_environment;
  auto read = [&](const FileToRead& f, bool from_stdin, std::vector<Entry>& to) {
    std::string content;
    if (from_stdin) {
      std::istream& in = inputs.stdin_config ? *inputs.stdin_config : std::cin;
      std::ostringstream text;
      text << in.rdbuf();
      content = text.str();
    } else {
      std::error_code ec;
      if (!fs::exists(f.path, ec)) {
        FailAt("config file " + f.display + " does not exist", f.display, 0,
               "check the path; relative paths are relative to the working directory");
      }
      content = ReadText(f.path, f.display);
    }
    out.files_read.push_back(f.display);
    if (KindOf(f.display) == Kind::kConf || from_stdin) {
      for (Entry& e : ParseConf(content, from_stdin ? "standard input" : f.display, env)) {
        if (e.key == "environment") file_environment = e.raw.text;
        to.push_back(std::move(e));
      }
      return;
    }
    TomlFile file = TomlReader(f.display, env).Read(content);
    for (Entry& e : file.flyway) {
      if (e.key == "environment") file_environment = e.raw.text;
      to.push_back(std::move(e));
    }
    for (auto& [name, list] : file.environments)
      for (Entry& e : list) environments[name].push_back(std::move(e));
    for (auto& [name, list] : file.environment_overrides)
      for (Entry& e : list) overrides[name].push_back(std::move(e));
    for (std::string& ignored : file.ignored) out.ignored.push_back(std::move(ignored));
  };
  std::vector<Entry> stdin_entries;
  for (const FileToRead& f : on_disk) read(f, false, entries);
  for (const FileToRead& f : named) {
    bool from_stdin = f.display == "-";
    read(f, from_stdin, from_stdin ? stdin_entries : entries);
  }

  // [environments.NAME]: url, user, ... then its [environments.NAME.flyway].
  std::string chosen = environment_name.empty() ? file_environment : environment_name;
  bool chosen_explicitly = !chosen.empty();
  if (chosen.empty()) chosen = "default";
  if (environments.count(chosen) || overrides.count(chosen)) {
    for (Entry& e : environments[chosen]) {
      if (e.key == "displayName" || e.key == "driver" || e.key == "provisioner" ||
          e.key == "resolvers" || e.key == "jarDirs" || e.key.rfind("jdbcProperties", 0) == 0) {
        out.ignored.push_back("environments." + chosen + "." + e.key + " " + e.raw.where);
        continue;
      }
      entries.push_back(std::move(e));
    }
    for (Entry& e : overrides[chosen]) entries.push_back(std::move(e));
  } else if (chosen_explicitly && !environments.empty()) {
    std::string names;
    for (const auto& [name, list] : environments) names += (names.empty() ? "" : ", ") + name;
    throw UsageError("Flyway environment '" + chosen + "' is not defined; available: " + names,
                     "set environment in [flyway] or -environment= to one of them");
  }

  for (const Entry& e : entries) translator.Add(e, out.files);
  for (const Entry& e : stdin_entries) translator.Add(e, out.stdin);
  for (const Entry& e : env_entries) translator.Add(e, out.env_vars);
  for (const auto& [key, value] : inputs.flyway_args) {
    Entry entry;
    entry.key = key;
    entry.raw.text = value;
    entry.raw.where = "in -" + key;
    translator.Add(entry, out.args);
  }
  if (!out.files_read.empty()) out.any = true;
  return out;
}

}  // namespace flyrun::config_internal
