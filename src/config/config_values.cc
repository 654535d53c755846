#include <algorithm>
#include <cctype>
#include <cstdint>

#include "config/config.h"
#include "config/config_internal.h"
#include "config/keys.h"
#include "core/closest.h"
#include "core/error.h"

namespace flyrun {
namespace config_internal {
std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

namespace {

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Digits only, at most `max_digits` of them, so the result cannot overflow.
std::optional<int64_t> ParseDigits(const std::string& text, size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

bool IsConfigKey(const std::string& key) {
  const auto& keys = ConfigKeys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

void ThrowUnknownKey(const std::string& key, const std::string& where, const std::string& file,
                     int line) {
  // Keys are compared in snake_case, so "lockTimeout" and "lock-timeout" find lock_timeout.
  std::string normal;
  for (char c : key) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      normal += '_';
      normal += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      normal += c == '-' ? '_' : c;
    }
  }
  std::string best = Closest(normal, ConfigKeys());  // farther than 2 edits is not a typo
  std::string hint;
  if (!best.empty()) {
    hint = "did you mean '" + best + "'?";
  } else {
    hint = "known keys:";
    for (const std::string& k : ConfigKeys()) hint += " " + k;
  }
  Error error(ExitCode::kUsage, "unknown key '" + key + "' " + where, hint);
  error.file = file;
  error.line = line;
  throw error;
}

std::optional<bool> ParseBool(const std::string& text) {
  std::string t = Lower(Trim(text));
  if (t == "true" || t == "yes" || t == "1") return true;
  if (t == "false" || t == "no" || t == "0") return false;
  return std::nullopt;
}

std::optional<int> ParseCount(const std::string& text) {
  auto value = ParseDigits(Trim(text), 9);
  if (!value) return std::nullopt;
  return static_cast<int>(*value);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = Trim(text.substr(start, comma - start));
    if (!item.empty()) items.push_back(std::move(item));
    start = comma + 1;
  }
  return items;
}

}  // namespace config_internal

std::optional<std::chrono::milliseconds> ParseDuration(const std::string& text) {
  std::string t = config_internal::Trim(text);
  size_t digits = 0;
  while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
  // 12 digits of hours still fit in int64 milliseconds.
  auto number = config_internal::ParseDigits(t.substr(0, digits), 12);
  if (!number) return std::nullopt;
  std::string unit = t.substr(digits);
  int64_t scale;
  if (unit.empty() || unit == "s") {
    scale = 1000;
  } else if (unit == "ms") {
    scale = 1;
  } else if (unit == "m") {
    scale = 60 * 1000;
  } else if (unit == "h") {
    scale = 60 * 60 * 1000;
  } else {
    return std::nullopt;
  }
  return std::chrono::milliseconds(*number * scale);
}

const std::vector<std::string>& ConfigKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> names;
    for (const KeySpec& key : KeyTable()) names.emplace_back(key.name);
    return names;
  }();
  return keys;
}

}  // namespace flyrun
