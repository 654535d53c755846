#include "vcs/base_migrations.h"

#include <algorithm>

#include "checksum/checksum.h"
#include "core/error.h"
#include "scan/scanner.h"

namespace flyrun::vcs {

std::vector<ResolvedMigration> MigrationsAt(const GitRepository& repo, const Revision& revision,
                                            const std::vector<std::string>& locations,
                                            const std::filesystem::path& cwd) {
  std::vector<ResolvedMigration> migrations;
  for (const std::string& location : locations) {
    std::optional<std::string> dir = repo.RelativePath(location, cwd);
    if (!dir) {
      throw UsageError("--base: location " + location + " is outside the git repository at " +
                           repo.workdir().string(),
                       "--base compares locations inside the repository; run from its working "
                       "tree or fix the locations setting");
    }
    NameParse parsed;
    repo.ListFiles(
        revision, *dir,
        [&parsed](std::string_view name) {
          parsed = ParseMigrationName(name);
          return parsed.outcome == NameParse::Outcome::kMigration;
        },
        [&](const std::string& script, std::string_view content) {
          NormalizedSha256 sha;
          sha.Update(content);
          ResolvedMigration m = std::move(parsed.migration);
          m.script = script;
          m.path = std::filesystem::path(location) / script;
          m.checksum = sha.HexDigest();
          migrations.push_back(std::move(m));
        });
  }
  return migrations;
}

}  // namespace flyrun::vcs
