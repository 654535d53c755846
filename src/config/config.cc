#include "config/config.h"

#include <fnmatch.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/config_internal.h"
#include "config/keys.h"
#include "config/secrets.h"
#include "core/dialect_names.h"
#include "core/error.h"
#include "core/version.h"

extern char** environ;

namespace flyrun {
namespace {

namespace fs = std::filesystem;
using config_internal::FileLayers;
using config_internal::Layer;
using config_internal::RawValue;
using config_internal::Trim;

constexpr char kEnvPrefix[] = "FLYRUN_";  // and keys.h EnvVarName
constexpr char kPlaceholderPrefix[] = "FLYRUN_PLACEHOLDERS_";

// Ranks of the sources, lowest first; a higher rank overrides a lower one.
// Flyway's files rank as the file top level, its standard input as an
// environment block.
enum Rank {
  kFileTop = 0,
  kEnvBlock = 1,
  kFlywayEnvVars = 2,
  kEnvVars = 3,
  kFlywayArgs = 4,
  kFlags = 5
};

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

[[noreturn]] void Fail(const std::string& message, const RawValue& raw, std::string hint = {}) {
  Error error(ExitCode::kUsage, message, std::move(hint));
  error.file = raw.file;
  error.line = raw.line;
  throw error;
}

// Only values of typed keys are quoted back; free text (a password, a URL
// with credentials) never appears in a message.
[[noreturn]] void BadValue(const std::string& key, const RawValue& raw, const std::string& what) {
  Fail(key + ": '" + raw.text + "' is not " + what + " " + raw.where, raw);
}

// As libpq does for .pgpass: the file is still used.
void WarnIfOthersCanRead(const fs::path& path, const std::string& shown) {
  std::error_code ec;
  fs::perms perms = fs::status(path, ec).permissions();
  if (ec) return;
  constexpr fs::perms kOthers = fs::perms::group_all | fs::perms::others_all;
  if ((perms & kOthers) == fs::perms::none) return;
  spdlog::warn(
      "password_file {} has group or world access; permissions should be u=rw (0600) or less",
      shown);
}

class Merger {
 public:
  explicit Merger(Config& config) : config_(config) {}

  void Apply(const Layer& layer, Rank rank) {
    for (const auto& [key, raw] : layer.values) ApplyKey(key, raw, rank);
    for (const auto& [name, raw] : layer.placeholders) config_.placeholders[name] = raw.text;
  }

  // password_file counts only when no password is set by a higher source.
  void ReadPasswordFile(const fs::path& cwd) {
    if (password_file_rank_ < 0 || config_.password_file.empty()) return;
    if (password_rank_ > password_file_rank_) return;
    if (password_rank_ == password_file_rank_) {
      Fail("password and password_file are both set " + password_file_.where, password_file_,
           "keep one of them");
    }
    fs::path path = config_.password_file;
    if (path.is_relative()) path = cwd / path;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      Fail("password_file " + config_.password_file + " is a directory " + password_file_.where,
           password_file_);
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    if (in) content << in.rdbuf();
    if (!in) {
      Fail("cannot read password_file " + config_.password_file + " (" + std::strerror(errno) +
               ") " + password_file_.where,
           password_file_, "check the path and that the file is readable");
    }
    std::string password = content.str();
    // Secret files usually end with a line break that is not part of the password.
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
      password.pop_back();
    }
    AddSecret(password);
    config_.password = std::move(password);
    WarnIfOthersCanRead(path, config_.password_file);
  }

 private:
  void ApplyKey(const std::string& key, const RawValue& raw, Rank rank) {
    const KeySpec* spec = FindKey(key);
    // placeholders and environments arrive through their own paths.
    if (!spec || spec->kind == KeyKind::kMap || spec->kind == KeyKind::kEnvironments) {
      config_internal::ThrowUnknownKey(key, raw.where, raw.file, raw.line);
    }
    const std::string& text = raw.text;
    if (key == "url") {
      config_.url = CheckedUrl(text, raw.where, raw.file, raw.line);
    } else if (key == "password") {
      AddSecret(text);
      config_.password = text;
      password_rank_ = rank;
    } else if (key == "password_file") {
      config_.password_file = Trim(text);
      password_file_rank_ = rank;
      password_file_ = raw;
    } else if (key == "locations") {
      auto locations = ListOf(raw);
      if (locations.empty()) Fail("locations: no directory given " + raw.where, raw);
      config_.locations = std::move(locations);
    } else if (key == "table") {
      if (Trim(text).empty()) Fail("table: the history table name is empty " + raw.where, raw);
      config_.table = Trim(text);
    } else if (key == "target") {
      // latest (kept as ""), current, next, a version, or a version with a
      // trailing '?' (it need not exist), as in Flyway.
      std::string target = Trim(text);
      std::string word = Lower(target);
      if (word == "latest") target.clear();
      if (word == "current" || word == "next") target = word;
      std::string version =
          !target.empty() && target.back() == '?' ? target.substr(0, target.size() - 1) : target;
      if (!target.empty() && target != "current" && target != "next" && !Version::parse(version)) {
        BadValue(
            key, raw,
            "a version (e.g. 2, 1.1, or 2.5? when it need not exist), latest, current or next");
      }
      config_.target = target;
    } else if (key == "baseline_version") {
      std::string version = Trim(text);
      if (!Version::parse(version)) BadValue(key, raw, "a version (e.g. 1 or 1.1)");
      config_.baseline_version = version;
    } else if (key == "lock") {
      std::string mode = Lower(Trim(text));
      if (mode == "auto") {
        config_.lock = LockMode::kAuto;
      } else if (mode == "native") {
        config_.lock = LockMode::kNative;
      } else if (mode == "table") {
        config_.lock = LockMode::kTable;
      } else {
        BadValue(key, raw, "auto, native or table");
      }
    } else if (key == "lock_lease") {
      auto value = ParseDuration(text);
      if (!value || value->count() < 100)
        BadValue(key, raw, "a duration of at least 100ms (e.g. 30s)");
      config_.lock_lease = *value;
    } else if (key == "parallel") {
      auto value = config_internal::ParseCount(text);
      if (!value || *value < 1) BadValue(key, raw, "a whole number of at least 1 (e.g. 4)");
      config_.parallel = *value;
    } else if (key == "dialect") {
      config_.dialect = DialectNamed(Lower(Trim(text)));
      if (!config_.dialect) BadValue(key, raw, "a dialect (use postgresql, mysql or sqlite)");
    } else {
      ApplyField(*spec, raw);
    }
  }

  // The keys whose kind says all: a string, a boolean, a count, a duration
  // or a list stored in their Config member.
  void ApplyField(const KeySpec& spec, const RawValue& raw) {
    const std::string key(spec.name);
    const std::string& text = raw.text;
    if (auto* field = std::get_if<std::string Config::*>(&spec.field)) {
      config_.*(*field) = spec.kind == KeyKind::kPath ? Trim(text) : text;
    } else if (auto* flag = std::get_if<bool Config::*>(&spec.field)) {
      auto value = config_internal::ParseBool(text);
      if (!value) BadValue(key, raw, "a boolean (use true or false)");
      config_.*(*flag) = *value;
    } else if (auto* maybe = std::get_if<std::optional<bool> Config::*>(&spec.field)) {
      auto value = config_internal::ParseBool(text);
      if (!value) BadValue(key, raw, "a boolean (use true or false)");
      config_.*(*maybe) = *value;
    } else if (auto* count = std::get_if<int Config::*>(&spec.field)) {
      auto value = config_internal::ParseCount(text);
      if (!value) BadValue(key, raw, "a whole number (e.g. 10)");
      config_.*(*count) = *value;
    } else if (auto* duration = std::get_if<std::chrono::milliseconds Config::*>(&spec.field)) {
      auto value = ParseDuration(text);
      if (!value) BadValue(key, raw, "a duration (use 30, 30s, 5m)");
      config_.*(*duration) = *value;
    } else if (auto* list = std::get_if<std::vector<std::string> Config::*>(&spec.field)) {
      config_.*(*list) = ListOf(raw);
    } else {
      config_internal::ThrowUnknownKey(key, raw.where, raw.file, raw.line);
    }
  }

  static std::vector<std::string> ListOf(const RawValue& raw) {
    auto items = raw.list ? *raw.list : config_internal::SplitList(raw.text);
    for (auto& item : items) item = Trim(item);
    std::erase_if(items, [](const std::string& item) { return item.empty(); });
    return items;
  }

  Config& config_;
  int password_rank_ = -1;
  int password_file_rank_ = -1;
  RawValue password_file_;
};

std::string Lookup(const Environment& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

// FLYRUN_<KEY> for every key but placeholders and environments, and
// FLYRUN_PLACEHOLDERS_<NAME>. Other FLYRUN_ variables are ignored: other tools
// may use the prefix too. An empty variable counts as unset, so that
// "FLYRUN_PASSWORD: ${DB_PASSWORD}" in a compose file with DB_PASSWORD unset
// does not override the config file; an empty placeholder value is kept.
Layer EnvironmentLayer(const Environment& env) {
  Layer layer;
  for (const KeySpec& spec : KeyTable()) {
    if (spec.kind == KeyKind::kMap || spec.kind == KeyKind::kEnvironments) continue;
    std::string key(spec.name);
    std::string var = EnvVarName(spec);
    std::string value = Lookup(env, var);
    if (value.empty()) continue;
    RawValue raw;
    raw.text = std::move(value);
    raw.where = "in " + var;
    layer.values[key] = std::move(raw);
  }
  const std::string prefix = kPlaceholderPrefix;
  for (auto it = env.lower_bound(prefix); it != env.end(); ++it) {
    const auto& [var, value] = *it;
    if (var.compare(0, prefix.size(), prefix) != 0) break;
    // Variable names are upper-case by convention while SQL placeholders are
    // usually lower-case, so the name is lower-cased: FLYRUN_PLACEHOLDERS_APP_USER
    // sets ${app_user}.
    std::string name = Lower(var.substr(prefix.size()));
    RawValue raw;
    raw.text = value;
    raw.where = "in " + var;
    if (name.empty()) Fail(var + " names no placeholder (use " + prefix + "<NAME>=value)", raw);
    layer.placeholders[name] = std::move(raw);
  }
  return layer;
}

Layer FlagLayer(const ConfigInputs& inputs) {
  Layer layer;
  for (const auto& [key, text] : inputs.flags) {
    const KeySpec* spec = FindKey(key);
    if (!spec || spec->kind == KeyKind::kMap || spec->kind == KeyKind::kEnvironments) {
      config_internal::ThrowUnknownKey(key, "on the command line");
    }
    RawValue raw;
    raw.text = text;
    raw.where = "in " + FlagName(*spec);
    layer.values[key] = std::move(raw);
  }
  for (const std::string& flag : inputs.placeholder_flags) {
    RawValue raw;
    raw.where = "in --placeholder";
    size_t equals = flag.find('=');
    if (equals == std::string::npos || equals == 0) {
      Fail("--placeholder '" + flag + "' is not name=value", raw,
           "e.g. --placeholder app_user=web");
    }
    raw.text = flag.substr(equals + 1);
    layer.placeholders[flag.substr(0, equals)] = std::move(raw);
  }
  return layer;
}

struct FoundFile {
  fs::path path;        // to open
  std::string display;  // as the user wrote it, or the default name
};

bool IsFlywayFileName(const std::string& name) {
  auto ends = [&](const std::string& tail) {
    return name.size() >= tail.size() &&
           name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
  };
  return ends(".conf") || ends(".toml");
}

// --config, else FLYRUN_CONFIG.
std::string NamedConfigFile(const ConfigInputs& inputs, const Environment& env) {
  return inputs.config_file.empty() ? Lookup(env, "FLYRUN_CONFIG") : inputs.config_file;
}

std::optional<FoundFile> FindConfigFile(const ConfigInputs& inputs, const Environment& env,
                                        const fs::path& cwd) {
  std::string named = NamedConfigFile(inputs, env);
  std::string source = inputs.config_file.empty() ? "FLYRUN_CONFIG" : "--config";
  if (IsFlywayFileName(named)) return std::nullopt;  // Flyway's, read as such
  std::error_code ec;
  if (!named.empty()) {
    fs::path path = fs::path(named).is_relative() ? cwd / named : fs::path(named);
    if (!fs::exists(path, ec)) {
      Error error(ExitCode::kUsage,
                  "config file " + named + " (from " + source + ") does not exist",
                  "check the path; relative paths are relative to the working directory");
      error.file = named;
      throw error;
    }
    return FoundFile{path, named};
  }
  for (const char* candidate : {"flyrun.yaml", "conf/flyrun.yaml"}) {
    if (fs::exists(cwd / candidate, ec)) return FoundFile{cwd / candidate, candidate};
  }
  return std::nullopt;
}

std::string NamesOf(const std::map<std::string, Layer>& environments) {
  std::string names;
  for (const auto& [name, layer] : environments) names += (names.empty() ? "" : ", ") + name;
  return names;
}

// The migration role's credentials are not the application's: the command
// exec starts gets no FLYRUN_* variable it was not told to keep.
std::vector<std::string> ExecEnvironment(const Environment& env,
                                         const std::vector<std::string>& keep) {
  std::vector<std::string> out;
  for (const auto& [name, value] : env) {
    bool ours = name.compare(0, sizeof kEnvPrefix - 1, kEnvPrefix) == 0;
    bool kept = std::any_of(keep.begin(), keep.end(), [&name = name](const std::string& glob) {
      return fnmatch(glob.c_str(), name.c_str(), 0) == 0;
    });
    if (!ours || kept) out.push_back(name + "=" + value);
  }
  return out;
}

}  // namespace

Environment CurrentEnvironment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return env;
}

Config LoadConfig(const ConfigInputs& inputs, const Environment& env) {
  return LoadConfig(inputs, env, fs::current_path());
}

// Flyway's defaults where they differ from flyrun's (FLYWAY-FACTS 4).
static void ApplyFlywayDefaults(Config& config) {
  config.flyway = true;
  config.table = "flyway_schema_history";
  config.baseline_description = "<< Flyway Baseline >>";
  config.locations = {"filesystem:sql"};
  config.validate_migration_naming = false;
  config.clean_enabled = false;
  config.connect_retries = 0;
  config.connect_retry_interval = std::chrono::seconds(120);
}

Config LoadConfig(const ConfigInputs& inputs, const Environment& env, const fs::path& cwd) {
  Config config;
  FileLayers file;
  if (auto found = FindConfigFile(inputs, env, cwd)) {
    file = config_internal::ReadConfigFile(found->path, found->display);
    config.config_file = found->display;
  }
  std::string named = NamedConfigFile(inputs, env);
  std::string flyway_file = IsFlywayFileName(named) ? named : std::string();
  std::string env_name = inputs.env_name.empty() ? Lookup(env, "FLYRUN_ENV") : inputs.env_name;
  // Without a flyrun file, --env / FLYRUN_ENV picks flyway.toml's environment.
  bool flyrun_file = !config.config_file.empty();
  config_internal::FlywaySources flyway = config_internal::ReadFlywaySources(
      inputs, env, cwd, flyway_file, !flyrun_file, flyrun_file ? std::string() : env_name);
  if (!flyway_file.empty()) config.config_file = flyway_file;

  const Layer* env_block = nullptr;
  if (!env_name.empty() && !flyrun_file && flyway.any) {
    config.env_name = env_name;
  } else if (!env_name.empty()) {
    const char* source = inputs.env_name.empty() ? "FLYRUN_ENV" : "--env";
    if (config.config_file.empty()) {
      throw UsageError(
          "environment '" + env_name + "' selected (" + source + ") but there is no config file",
          "create flyrun.yaml or conf/flyrun.yaml with an environments: block, or "
          "name the file with --config");
    }
    auto it = file.environments.find(env_name);
    if (it == file.environments.end()) {
      std::string available = file.environments.empty()
                                  ? config.config_file + " defines no environments"
                                  : "available: " + NamesOf(file.environments);
      Error error(ExitCode::kUsage,
                  "environment '" + env_name + "' (" + source + ") is not defined in " +
                      config.config_file + "; " + available,
                  "pick one of the environments: blocks with --env NAME or FLYRUN_ENV");
      error.file = config.config_file;
      throw error;
    }
    env_block = &it->second;
    config.env_name = env_name;
  }

  // Values of the blocks not selected are checked too, so that a mistake in
  // the prod block shows up in the CI run that uses the test block.
  for (const auto& [name, layer] : file.environments) {
    if (&layer == env_block) continue;
    Config scratch;
    Merger(scratch).Apply(layer, kEnvBlock);
  }

  Merger merger(config);
  if (flyway.any) {
    ApplyFlywayDefaults(config);
    config.ignored_flyway_keys = flyway.ignored;
    if (!flyway.ignored.empty()) {
      std::string keys;
      for (const auto& key : flyway.ignored) keys += (keys.empty() ? "" : ", ") + key;
      spdlog::warn("Flyway settings flyrun does not use are ignored: {}", keys);
    }
  }
  merger.Apply(flyway.files, kFileTop);
  merger.Apply(flyway.stdin, kEnvBlock);
  merger.Apply(file.top, kFileTop);
  if (env_block) merger.Apply(*env_block, kEnvBlock);
  merger.Apply(flyway.env_vars, kFlywayEnvVars);
  merger.Apply(EnvironmentLayer(env), kEnvVars);
  merger.Apply(flyway.args, kFlywayArgs);
  merger.Apply(FlagLayer(inputs), kFlags);
  merger.ReadPasswordFile(cwd);
  // Flyway's schemas: the first is the default schema unless one is named.
  if (config.schema.empty() && !config.schemas.empty()) config.schema = config.schemas.front();
  config.exec_environment = ExecEnvironment(env, config.exec_keep_env);
  return config;
}

void RequireUrl(const Config& config) {
  if (!config.url.empty()) return;
  throw UsageError("no database URL configured",
                   "pass --url, set FLYRUN_URL, or add 'url:' to flyrun.yaml "
                   "(e.g. url: sqlite:flyrun.db)");
}

std::string CheckedUrl(const std::string& text, const std::string& where, const std::string& file,
                       int line) {
  config_internal::RawValue url;
  url.text = config_internal::Trim(text);
  url.where = where;
  url.file = file;
  url.line = line;
  AddUrlSecrets(url.text);
  url.text = config_internal::TranslateUrl(url);  // jdbc: URLs
  config_internal::CheckUrl(url);
  return url.text;
}

}  // namespace flyrun
