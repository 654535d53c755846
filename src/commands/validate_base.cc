#include <spdlog/spdlog.h>

#include <filesystem>

#include "commands/validate_checks.h"
#include "scan/scanner.h"
#include "vcs/base_compare.h"
#include "vcs/base_migrations.h"
#include "vcs/git_repository.h"

namespace flyrun {

BaseInfo CheckAgainstBase(const CommandContext& ctx,
                          const std::vector<ResolvedMigration>& migrations, Issues& issues) {
  namespace fs = std::filesystem;
  fs::path cwd = fs::current_path();
  vcs::GitRepository repo = vcs::GitRepository::Discover(cwd);
  vcs::Revision ref = repo.Resolve(ctx.base);
  BaseInfo info;
  info.ref = ctx.base;
  info.commit = ref.commit;

  // Flyway's filesystem:/classpath: prefixes name directories of the tree too.
  std::vector<std::string> locations;
  for (const std::string& location : ctx.config.locations)
    locations.push_back(ResolveLocation(location, ctx.config.classpath_root));
  std::vector<ResolvedMigration> at_ref = vcs::MigrationsAt(repo, ref, locations, cwd);
  info.migrations = at_ref.size();
  std::vector<ResolvedMigration> at_fork;
  bool fork_known = false;
  if (auto head = repo.TryResolve("HEAD")) {
    if (auto fork = repo.MergeBase(ref, *head)) {
      info.merge_base = fork->commit;
      fork_known = true;
      at_fork = fork->tree == ref.tree ? at_ref : vcs::MigrationsAt(repo, *fork, locations, cwd);
    } else if (!ref.commit.empty()) {
      // A shallow clone: what REF gained after the fork cannot be told apart
      // from what this branch removed, so such files are reported as deleted.
      spdlog::warn(
          "no common ancestor of {} and HEAD in this clone (shallow?): files {} gained after "
          "this branch forked are reported as deleted; fetch full history (fetch-depth: 0) "
          "for exact results",
          ctx.base, ctx.base);
    }
  }
  vcs::BaseCompareOptions options;
  options.ref = ctx.base;
  options.out_of_order = ctx.config.out_of_order;
  Issues found = vcs::CompareWithBase(migrations, at_ref, fork_known ? &at_fork : nullptr, options);
  issues.insert(issues.end(), std::make_move_iterator(found.begin()),
                std::make_move_iterator(found.end()));
  spdlog::debug("compared with {} ({}): {} migration files there", ctx.base, ref.commit,
                info.migrations);
  return info;
}

}  // namespace flyrun
