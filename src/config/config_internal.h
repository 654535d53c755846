#pragma once

// Pieces shared by the files of the config module; not part of its interface.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace flyrun::config_internal {

/// One value as a source gave it, before parsing.
struct RawValue {
  std::string text;                              ///< scalar text
  std::optional<std::vector<std::string>> list;  ///< locations given as a YAML sequence
  std::string where;                             ///< "in conf/flyrun.yaml:4", "in FLYRUN_URL"
  std::string file;                              ///< config file, when from one
  int line = 0;                                  ///< 1-based line in `file`
};

/// The values of one source (file top level, environment block, environment
/// variables, flags). Keys are config keys; placeholders are kept apart.
struct Layer {
  std::map<std::string, RawValue> values;
  std::map<std::string, RawValue> placeholders;
};

/// A parsed config file: its top level and every environment block.
struct FileLayers {
  Layer top;
  std::map<std::string, Layer> environments;
};

/// Reads and checks a YAML config file. `display` is the name used in
/// messages, `path` the one opened. Throws Error(kUsage) for syntax errors,
/// unknown keys and values of the wrong shape.
FileLayers ReadConfigFile(const std::filesystem::path& path, const std::string& display);

/// Whether `key` is one of ConfigKeys().
bool IsConfigKey(const std::string& key);

/// "unknown key 'x' <where>" with a "did you mean" hint when a key is close.
[[noreturn]] void ThrowUnknownKey(const std::string& key, const std::string& where,
                                  const std::string& file = {}, int line = 0);

/// Checks the url value without connecting: a postgresql/mysql URL needs "//"
/// after the scheme, a user-info that can be told from the host, and ports
/// from 1 to 65535. Throws Error(kUsage) whose message never quotes the
/// user-info.
/// A jdbc: URL is checked as the URL it translates to.
void CheckUrl(const RawValue& raw);

/// The url value as the drivers take it: a JDBC URL translated (config/jdbc_url.h,
/// with its notice), any other unchanged. Errors name where the value came from.
std::string TranslateUrl(const RawValue& raw);

/// Flyway's configuration, read when no flyrun config file is present
/// (FLYWAY-FACTS 4), translated to flyrun keys, one layer per source.
struct FlywaySources {
  Layer files;     ///< flyway.conf / flyway.toml files and configFiles, lowest first
  Layer stdin;     ///< configFiles "-"
  Layer env_vars;  ///< FLYWAY_* variables
  Layer args;      ///< ConfigInputs::flyway_args
  /// Some source gave a key: this is a Flyway project.
  bool any = false;
  std::vector<std::string> ignored;  ///< "licenseKey in flyway.conf:3"
  std::vector<std::string> files_read;
};

/// Reads Flyway's sources. `named_file` is a .conf/.toml file named by
/// --config or FLYRUN_CONFIG (empty when none); `discover` says whether the
/// default places and FLYWAY_* variables are read (no flyrun config file);
/// `environment` is flyrun's --env / FLYRUN_ENV, which picks the TOML
/// environment ahead of Flyway's own choice (empty = Flyway's).
FlywaySources ReadFlywaySources(const ConfigInputs& inputs, const Environment& env,
                                const std::filesystem::path& cwd, const std::string& named_file,
                                bool discover, const std::string& environment);

/// `text` without leading and trailing blanks and line breaks.
std::string Trim(const std::string& text);

std::optional<bool> ParseBool(const std::string& text);
std::optional<int> ParseCount(const std::string& text);

/// Splits "a, b,,c" into {"a", "b", "c"}.
std::vector<std::string> SplitList(const std::string& text);

}  // namespace flyrun::config_internal
