#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config_internal.h"
#include "config/keys.h"
#include "core/error.h"

namespace flyrun::config_internal {
namespace {

int LineOf(const YAML::Node& node) {
  YAML::Mark mark = node.Mark();
  return mark.is_null() ? 0 : mark.line + 1;
}

class FileReader {
 public:
  explicit FileReader(std::string display) : display_(std::move(display)) {}

  FileLayers Read(const YAML::Node& root) {
    FileLayers layers;
    if (!root || root.IsNull()) return layers;  // an empty file configures nothing
    if (!root.IsMap()) {
      Fail("expected 'key: value' lines at the top level of " + display_, root);
    }
    ReadBlock(root, "", layers.top, &layers.environments);
    return layers;
  }

 private:
  [[noreturn]] void Fail(const std::string& message, const YAML::Node& node,
                         const std::string& hint = {}) const {
    Error error(ExitCode::kUsage, message, hint);
    error.file = display_;
    error.line = LineOf(node);
    throw error;
  }

  std::string Where(const YAML::Node& node, const std::string& env) const {
    int line = LineOf(node);
    std::string where = "in " + display_ + (line > 0 ? ":" + std::to_string(line) : "");
    if (!env.empty()) where += " (environment '" + env + "')";
    return where;
  }

  RawValue Raw(const YAML::Node& node, const std::string& env) const {
    RawValue raw;
    raw.where = Where(node, env);
    raw.file = display_;
    raw.line = LineOf(node);
    return raw;
  }

  // The key/value pairs of a mapping, with YAML merge keys ("<<: *defaults")
  // expanded: explicit keys win over merged ones, as YAML 1.1 says.
  std::vector<std::pair<YAML::Node, YAML::Node>> Entries(const YAML::Node& map,
                                                         const std::string& env) const {
    std::vector<std::pair<YAML::Node, YAML::Node>> explicit_entries, merged;
    std::set<std::string> seen;
    for (const auto& pair : map) {
      const YAML::Node& key = pair.first;
      if (!key.IsScalar()) Fail("a key must be a plain name " + Where(key, env), key);
      if (key.Scalar() == "<<") {
        std::vector<YAML::Node> sources;
        if (pair.second.IsSequence()) {
          for (const auto& item : pair.second) sources.push_back(item);
        } else {
          sources.push_back(pair.second);
        }
        for (const YAML::Node& source : sources) {
          if (!source.IsMap()) Fail("'<<' must merge a mapping " + Where(key, env), key);
          for (const auto& entry : Entries(source, env)) merged.push_back(entry);
        }
        continue;
      }
      if (!seen.insert(key.Scalar()).second) {
        Fail("key '" + key.Scalar() + "' appears twice " + Where(key, env), key);
      }
      explicit_entries.emplace_back(key, pair.second);
    }
    for (auto& entry : merged) {
      if (seen.insert(entry.first.Scalar()).second) explicit_entries.push_back(std::move(entry));
    }
    return explicit_entries;
  }

  void ReadBlock(const YAML::Node& map, const std::string& env, Layer& layer,
                 std::map<std::string, Layer>* environments) {
    for (const auto& [key_node, value] : Entries(map, env)) {
      const std::string key = key_node.Scalar();
      if (!IsConfigKey(key)) ThrowUnknownKey(key, Where(key_node, env), display_, LineOf(key_node));
      if (value.IsNull()) continue;  // "key:" with nothing after it leaves the default
      if (key == "environments") {
        if (!environments) {
          Fail("environments cannot be nested " + Where(key_node, env), key_node,
               "define every environment at the top level of " + display_);
        }
        ReadEnvironments(value, *environments);
      } else if (key == "placeholders") {
        ReadPlaceholders(value, env, layer);
      } else if (FindKey(key)->kind == KeyKind::kList && value.IsSequence()) {
        RawValue raw = Raw(key_node, env);
        raw.list.emplace();
        for (const auto& item : value) {
          if (!item.IsScalar()) {
            Fail(key +
                     (key == "locations"       ? ": each item must be a directory name "
                      : key == "exec_keep_env" ? ": each item must be a variable name or glob "
                                               : ": each item must be a single value ") +
                     Where(item, env),
                 item);
          }
          raw.list->push_back(item.Scalar());
        }
        layer.values[key] = std::move(raw);
      } else if (value.IsScalar()) {
        RawValue raw = Raw(key_node, env);
        raw.text = value.Scalar();
        layer.values[key] = std::move(raw);
      } else {
        Fail(key + ": expected a single value, not a " +
                 (value.IsSequence() ? "list " : "mapping ") + Where(key_node, env),
             key_node);
      }
    }
  }

  void ReadPlaceholders(const YAML::Node& value, const std::string& env, Layer& layer) {
    if (!value.IsMap()) {
      Fail("placeholders: expected a mapping of name: value " + Where(value, env), value);
    }
    for (const auto& [name, text] : Entries(value, env)) {
      RawValue raw = Raw(name, env);
      if (text.IsScalar()) {
        raw.text = text.Scalar();
      } else if (!text.IsNull()) {
        Fail("placeholders: the value of '" + name.Scalar() + "' must be a single value " +
                 Where(name, env),
             name);
      }
      layer.placeholders[name.Scalar()] = std::move(raw);
    }
  }

  void ReadEnvironments(const YAML::Node& value, std::map<std::string, Layer>& environments) {
    if (!value.IsMap()) {
      Fail("environments: expected a mapping of name: block " + Where(value, ""), value);
    }
    for (const auto& [name_node, block] : Entries(value, "")) {
      const std::string name = name_node.Scalar();
      Layer& layer = environments[name];
      if (block.IsNull()) continue;
      if (!block.IsMap()) {
        Fail("environments: '" + name + "' must be a block of 'key: value' lines " +
                 Where(name_node, ""),
             name_node);
      }
      ReadBlock(block, name, layer, nullptr);
    }
  }

  std::string display_;
};

}  // namespace

FileLayers ReadConfigFile(const std::filesystem::path& path, const std::string& display) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    Error error(ExitCode::kUsage, "config file " + display + " is a directory");
    error.file = display;
    throw error;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  if (in) content << in.rdbuf();
  if (!in || in.bad()) {
    Error error(ExitCode::kUsage,
                "cannot read config file " + display + ": " + std::strerror(errno));
    error.file = display;
    throw error;
  }
  YAML::Node root;
  try {
    root = YAML::Load(content.str());
  } catch (const YAML::Exception& e) {
    Error error(ExitCode::kUsage,
                display + ":" + std::to_string(e.mark.line + 1) + ":" +
                    std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg,
                "fix the YAML syntax of " + display);
    error.file = display;
    error.line = e.mark.is_null() ? 0 : e.mark.line + 1;
    error.column = e.mark.is_null() ? 0 : e.mark.column + 1;
    throw error;
  }
  try {
    return FileReader(display).Read(root);
  } catch (const YAML::Exception& e) {
    Error error(ExitCode::kUsage, "cannot read config file " + display + ": " + e.msg);
    error.file = display;
    throw error;
  }
}

}  // namespace flyrun::config_internal
