#pragma once

#include <string>
#include <vector>

namespace flyrun {

/// The directories a location path (prefix already resolved) stands for.
struct LocationExpansion {
  /// Without wildcards: the path itself, whether it exists or not. With
  /// wildcards: every existing directory that matches, sorted, each once.
  std::vector<std::string> directories;
  std::string root;          ///< wildcards: the fixed part before the first one
  bool root_exists = false;  ///< wildcards: whether that part is a directory
};

/// Expands Flyway's location wildcards: `*` and `?` within one name, `**` for
/// any number of directories (none included). Hidden directories are not
/// entered; symbolic links are followed, each directory once.
LocationExpansion ExpandLocation(const std::string& path);

}  // namespace flyrun
