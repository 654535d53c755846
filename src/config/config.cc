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

constexpr char kEnvPrefix[] = "FLYRUN_";
constexpr char kPlaceholderPrefix[] = "FLYRUN_PLACEHOLDERS_";

// Ranks of the sources, lowest first; a higher rank overrides a lower one.
enum Rank { kFileTop = 0, kEnvBlock = 1, kEnvVars = 2, kFlags = 3 };

std::string FlagOf(const std::string& key) {
  std::string flag = "--" + key;
  for (char& c : flag) c = c == '_' ? '-' : c;
  return flag;
}

std::string EnvVarOf(const std::string& key) {
  std::string var = kEnvPrefix;
  for (char c : key) var += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return var;
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
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
    const std::string& text = raw.text;
    if (key == "url") {
      RawValue url = raw;
      url.text = Trim(text);
      AddUrlSecrets(url.text);
      url.text = config_internal::TranslateUrl(url);  // jdbc: URLs
      config_internal::CheckUrl(url);
      config_.url = url.text;
    } else if (key == "user") {
      config_.user = text;
    } else if (key == "password") {
      AddSecret(text);
      config_.password = text;
      password_rank_ = rank;
    } else if (key == "password_file") {
      config_.password_file = Trim(text);
      password_file_rank_ = rank;
      password_file_ = raw;
    } else if (key == "exec_keep_env") {
      auto names = raw.list ? *raw.list : config_internal::SplitList(text);
      for (auto& name : names) name = Trim(name);
      std::erase_if(names, [](const std::string& n) { return n.empty(); });
      config_.exec_keep_env = std::move(names);
    } else if (key == "locations") {
      auto locations = raw.list ? *raw.list : config_internal::SplitList(text);
      for (auto& location : locations) location = Trim(location);
      std::erase_if(locations, [](const std::string& l) { return l.empty(); });
      if (locations.empty()) Fail("locations: no directory given " + raw.where, raw);
      config_.locations = std::move(locations);
    } else if (key == "table") {
      if (Trim(text).empty()) Fail("table: the history table name is empty " + raw.where, raw);
      config_.table = Trim(text);
    } else if (key == "schema") {
      config_.schema = Trim(text);
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
    } else if (key == "baseline_description") {
      config_.baseline_description = text;
    } else if (key == "init_sql") {
      config_.init_sql = text;
    } else if (key == "dialect") {
      config_.dialect = DialectNamed(Lower(Trim(text)));
      if (!config_.dialect) BadValue(key, raw, "a dialect (use postgresql, mysql or sqlite)");
    } else if (key == "connect_retries") {
      auto count = config_internal::ParseCount(text);
      if (!count) BadValue(key, raw, "a whole number of retries (e.g. 10)");
      config_.connect_retries = *count;
    } else if (bool* flag = BoolField(key)) {
      auto value = config_internal::ParseBool(text);
      if (!value) BadValue(key, raw, "a boolean (use true or false)");
      *flag = *value;
    } else if (std::chrono::milliseconds* duration = DurationField(key)) {
      auto value = ParseDuration(text);
      if (!value) BadValue(key, raw, "a duration (use 30, 30s, 5m)");
      *duration = *value;
    } else {
      // placeholders and environments arrive through their own paths.
      config_internal::ThrowUnknownKey(key, raw.where, raw.file, raw.line);
    }
  }

  bool* BoolField(const std::string& key) {
    if (key == "out_of_order") return &config_.out_of_order;
    if (key == "validate_on_migrate") return &config_.validate_on_migrate;
    if (key == "baseline_on_migrate") return &config_.baseline_on_migrate;
    if (key == "placeholder_replacement") return &config_.placeholder_replacement;
    if (key == "group") return &config_.group;
    if (key == "clean_enabled") return &config_.clean_enabled;
    if (key == "undo_required") return &config_.undo_required;
    return nullptr;
  }

  std::chrono::milliseconds* DurationField(const std::string& key) {
    if (key == "connect_retry_interval") return &config_.connect_retry_interval;
    if (key == "connect_timeout") return &config_.connect_timeout;
    if (key == "lock_timeout") return &config_.lock_timeout;
    return nullptr;
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
  for (const std::string& key : ConfigKeys()) {
    if (key == "placeholders" || key == "environments") continue;
    std::string var = EnvVarOf(key);
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
    if (!config_internal::IsConfigKey(key) || key == "placeholders" || key == "environments") {
      config_internal::ThrowUnknownKey(key, "on the command line");
    }
    RawValue raw;
    raw.text = text;
    raw.where = "in " + FlagOf(key);
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

std::optional<FoundFile> FindConfigFile(const ConfigInputs& inputs, const Environment& env,
                                        const fs::path& cwd) {
  std::string named = inputs.config_file;
  std::string source = "--config";
  if (named.empty()) {
    named = Lookup(env, "FLYRUN_CONFIG");
    source = "FLYRUN_CONFIG";
  }
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

Config LoadConfig(const ConfigInputs& inputs, const Environment& env, const fs::path& cwd) {
  Config config;
  FileLayers file;
  if (auto found = FindConfigFile(inputs, env, cwd)) {
    file = config_internal::ReadConfigFile(found->path, found->display);
    config.config_file = found->display;
  }

  std::string env_name = inputs.env_name.empty() ? Lookup(env, "FLYRUN_ENV") : inputs.env_name;
  const Layer* env_block = nullptr;
  if (!env_name.empty()) {
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
  merger.Apply(file.top, kFileTop);
  if (env_block) merger.Apply(*env_block, kEnvBlock);
  merger.Apply(EnvironmentLayer(env), kEnvVars);
  merger.Apply(FlagLayer(inputs), kFlags);
  merger.ReadPasswordFile(cwd);
  config.exec_environment = ExecEnvironment(env, config.exec_keep_env);
  return config;
}

void RequireUrl(const Config& config) {
  if (!config.url.empty()) return;
  throw UsageError("no database URL configured",
                   "pass --url, set FLYRUN_URL, or add 'url:' to flyrun.yaml "
                   "(e.g. url: sqlite:flyrun.db)");
}

}  // namespace flyrun
