#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace flyrun::vcs {

/// A revision resolved in a repository: what the user wrote and the object ids
/// it stands for.
struct Revision {
  std::string spec;    ///< as given, e.g. "origin/main"
  std::string commit;  ///< commit id (40 hex); empty when `spec` names a tree
  std::string tree;    ///< tree id (40 hex)
};

/// Read-only access to a git repository through libgit2. Move-only; the
/// library is initialised while any instance lives. Every failure is a
/// flyrun::Error with ExitCode::kUsage and a hint.
class GitRepository {
 public:
  /// Opens the repository whose working tree contains `start` (searching the
  /// parents, as git does). Error when there is none or it is bare.
  static GitRepository Discover(const std::filesystem::path& start);

  ~GitRepository();
  GitRepository(GitRepository&&) noexcept;
  GitRepository& operator=(GitRepository&&) noexcept;
  GitRepository(const GitRepository&) = delete;
  GitRepository& operator=(const GitRepository&) = delete;

  /// The working tree's root, canonical (symlinks resolved).
  const std::filesystem::path& workdir() const;

  /// Resolves anything `git rev-parse` accepts ("origin/main", "HEAD~2", a
  /// tag, a commit id) to a commit and its tree. Error naming the revision,
  /// with a hint about shallow clones, when it does not resolve.
  Revision Resolve(const std::string& spec) const;

  /// Like Resolve, but std::nullopt instead of an error (e.g. an unborn HEAD).
  std::optional<Revision> TryResolve(const std::string& spec) const;

  /// The best common ancestor of two commits, std::nullopt when there is none
  /// in the available history (unrelated or shallow).
  std::optional<Revision> MergeBase(const Revision& a, const Revision& b) const;

  /// Calls `visit(path, content)` for every regular file under directory `dir`
  /// (relative to the repository root, '/' separated; "" is the root) in the
  /// revision's tree, recursively, in path order. `path` is relative to `dir`.
  /// Entries whose name starts with '.' are skipped (as the scanner does), and
  /// so are symlinks and submodules. Only files whose name `want` accepts are
  /// read, and `visit` runs right after `want` accepted the file's name. A
  /// `dir` that is missing or not a directory yields nothing.
  void ListFiles(
      const Revision& revision, const std::string& dir,
      const std::function<bool(std::string_view name)>& want,
      const std::function<void(const std::string& path, std::string_view content)>& visit) const;

  /// `path` (absolute, or relative to the working directory `cwd`) relative to
  /// the repository root, '/' separated ("" for the root). std::nullopt when it
  /// lies outside the working tree.
  std::optional<std::string> RelativePath(const std::filesystem::path& path,
                                          const std::filesystem::path& cwd) const;

 private:
  struct Impl;
  explicit GitRepository(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace flyrun::vcs
