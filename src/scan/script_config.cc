#include <algorithm>
#include <cctype>
#include <string_view>

#include "scan/scanner.h"

namespace flyrun {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// `prefix name suffix` replaced by the placeholder's value (names match
/// without regard to case, as Flyway's do); an unknown name is reported.
std::string ReplacePlaceholders(const std::string& text, const ScanOptions& options,
                                const std::string& file, int line, Issues& issues) {
  const std::string& prefix = options.placeholder_prefix;
  const std::string& suffix = options.placeholder_suffix;
  if (!options.placeholder_replacement || prefix.empty() || suffix.empty()) return text;
  std::string out;
  size_t i = 0;
  for (;;) {
    size_t start = text.find(prefix, i);
    size_t end = start == std::string::npos ? start : text.find(suffix, start + prefix.size());
    if (end == std::string::npos) break;
    std::string name = text.substr(start + prefix.size(), end - start - prefix.size());
    auto found = std::find_if(options.placeholders.begin(), options.placeholders.end(),
                              [&](const auto& p) { return Lower(p.first) == Lower(name); });
    out += text.substr(i, start - i);
    if (found == options.placeholders.end()) {
      issues.push_back({"script-config", file, line, 0,
                        "no value provided for placeholder " + prefix + name + suffix,
                        "set placeholders." + name + ", or remove it from the file"});
      out += text.substr(start, end + suffix.size() - start);
    } else {
      out += found->second;
    }
    i = end + suffix.size();
  }
  return out + text.substr(i);
}

/// A Java properties line as key and value: `key=value`, `key: value` or
/// `key value`.
std::pair<std::string, std::string> KeyValue(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && line[i] != '=' && line[i] != ':' &&
         !std::isspace(static_cast<unsigned char>(line[i]))) {
    ++i;
  }
  std::string key = line.substr(0, i);
  while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
  if (i < line.size() && (line[i] == '=' || line[i] == ':')) ++i;
  return {key, Trim(std::string_view(line).substr(i))};
}

}  // namespace

ScriptConfig ParseScriptConfig(const std::string& text, const std::string& file,
                               const ScanOptions& options, Issues& issues) {
  ScriptConfig config;
  int number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string raw = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? text.size() + 1 : nl + 1;
    ++number;
    std::string line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    line = ReplacePlaceholders(line, options, file, number, issues);
    auto [key, value] = KeyValue(line);
    auto boolean = [&](std::optional<bool>& field) {
      std::string v = Lower(value);
      if (v == "true" || v == "false") {
        field = v == "true";
      } else {
        issues.push_back({"script-config", file, number, 0,
                          key + ": '" + value + "' is not a boolean", "use true or false"});
      }
    };
    if (key == "executeInTransaction") {
      boolean(config.execute_in_transaction);
    } else if (key == "placeholderReplacement") {
      boolean(config.placeholder_replacement);
    } else if (key == "encoding") {
      if (value.empty()) {
        issues.push_back({"script-config", file, number, 0, "encoding: no encoding given",
                          "name an encoding, e.g. encoding=ISO-8859-1"});
      } else {
        config.encoding = value;
      }
    } else {
      issues.push_back({"script-config", file, number, 0,
                        "unknown key '" + key + "' in a script configuration file",
                        "use executeInTransaction, encoding or placeholderReplacement"});
    }
  }
  return config;
}

}  // namespace flyrun
