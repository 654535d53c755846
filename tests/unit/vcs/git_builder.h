#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace flyrun::test {

/// Builds commits in a fresh repository through libgit2, without touching its
/// working tree: each commit is a whole snapshot, path -> content.
class GitBuilder {
 public:
  using Files = std::map<std::string, std::string>;

  /// Initialises a non-bare repository in `dir`, HEAD on refs/heads/main.
  explicit GitBuilder(const std::filesystem::path& dir);
  ~GitBuilder();
  GitBuilder(const GitBuilder&) = delete;
  GitBuilder& operator=(const GitBuilder&) = delete;

  /// Commits `files` on `branch` (created or moved), with the given parents
  /// (commit ids; none for a root commit). Returns the commit id.
  std::string Commit(const std::string& branch, const Files& files,
                     const std::vector<std::string>& parents = {});

  /// Creates lightweight tag `name` at `commit`.
  void Tag(const std::string& name, const std::string& commit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flyrun::test
