#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string_view>
#include <system_error>
#include <tuple>

#include "core/error.h"
#include "scan/locations.h"
#include "scan/scanner.h"

namespace flyrun {
namespace {

namespace fs = std::filesystem;

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

bool HasWildcard(std::string_view segment) {
  return segment.find_first_of("*?") != std::string_view::npos;
}

/// `*` any characters, `?` one character, within one name.
bool GlobMatches(std::string_view pattern, std::string_view name) {
  size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

/// Subdirectories of `dir` (symbolic links followed), sorted; hidden ones left out.
std::vector<std::string> Subdirectories(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(dir.empty() ? "." : dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    std::error_code type_ec;
    if (fs::is_directory(it->path(), type_ec)) names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

class Expander {
 public:
  explicit Expander(std::vector<std::string> segments) : segments_(std::move(segments)) {}

  void Match(const std::string& dir, size_t i, std::vector<std::string>& out) {
    // A directory reached twice at one point of the pattern (through "**" and
    // symbolic links) is expanded once.
    struct stat st {};
    if (::stat(dir.empty() ? "." : dir.c_str(), &st) != 0) return;
    if (!seen_.emplace(st.st_dev, st.st_ino, i).second) return;
    if (i == segments_.size()) {
      out.push_back(dir.empty() ? "." : dir);
      return;
    }
    const std::string& segment = segments_[i];
    if (segment == "**") {
      Match(dir, i + 1, out);
      for (const std::string& name : Subdirectories(dir)) Match(Join(dir, name), i, out);
    } else if (HasWildcard(segment)) {
      for (const std::string& name : Subdirectories(dir)) {
        if (GlobMatches(segment, name)) Match(Join(dir, name), i + 1, out);
      }
    } else if (segment.empty() || segment == ".") {
      Match(dir, i + 1, out);
    } else {
      std::error_code ec;
      std::string next = Join(dir, segment);
      if (fs::is_directory(next, ec)) Match(next, i + 1, out);
    }
  }

 private:
  std::vector<std::string> segments_;
  std::set<std::tuple<dev_t, ino_t, size_t>> seen_;
};

}  // namespace

std::string ResolveLocation(const std::string& location, const std::string& classpath_root) {
  const std::string hint_keys =
      "write it as a directory (filesystem:<dir> or <dir>) in the locations setting";
  std::string path = location;
  if (StartsWithNoCase(location, "filesystem:")) {
    path = location.substr(std::string_view("filesystem:").size());
  } else if (StartsWithNoCase(location, "classpath:")) {
    std::string rest = location.substr(std::string_view("classpath:").size());
    if (classpath_root.empty()) {
      throw UsageError(
          "locations: '" + location +
              "' is a Java classpath location, and classpath_root is not set to say which "
              "directory holds it",
          "set classpath_root to the directory that holds the classpath resources (e.g. "
          "classpath_root: src/main/resources), or " +
              hint_keys);
    }
    while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
    path = rest.empty() ? classpath_root : Join(classpath_root, rest);
  } else {
    for (std::string_view scheme : {"s3:", "gcs:", "azure:"}) {
      if (StartsWithNoCase(location, scheme)) {
        throw UsageError("locations: '" + location + "' is a cloud storage location (" +
                             std::string(scheme.substr(0, scheme.size() - 1)) +
                             "), which flyrun cannot read",
                         "copy the scripts to a directory and " + hint_keys);
      }
    }
  }
  if (path.empty()) {
    throw UsageError("locations: '" + location + "' names no directory", hint_keys);
  }
  return path;
}

LocationExpansion ExpandLocation(const std::string& path) {
  LocationExpansion result;
  std::vector<std::string> segments = Split(path);
  auto first_wild = std::find_if(segments.begin(), segments.end(),
                                 [](const std::string& s) { return HasWildcard(s); });
  if (first_wild == segments.end()) {
    result.directories.push_back(path);
    return result;
  }
  // The fixed part before the first wildcard ("db" of "db/*/sql"; "/" of "/*").
  std::string root;
  for (auto it = segments.begin(); it != first_wild; ++it) {
    root = it == segments.begin() ? *it : root + "/" + *it;
  }
  if (first_wild != segments.begin() && root.empty()) root = "/";
  result.root = root.empty() ? "." : root;
  std::error_code ec;
  if (!fs::is_directory(result.root, ec)) return result;
  result.root_exists = true;
  Expander expander(std::vector<std::string>(first_wild, segments.end()));
  expander.Match(root, 0, result.directories);
  return result;
}

}  // namespace flyrun
