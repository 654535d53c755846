#include "commands/preflight.h"

#include <spdlog/spdlog.h>

#include <cstdint>
#include <filesystem>

#include "commands/executor.h"
#include "commands/output.h"
#include "commands/script_checks.h"
#include "core/error.h"

namespace flyrun {
namespace {

// Reading a big script twice costs as much as a second client would (a 1 GB
// data script), and for the first script to run it buys nothing when that
// script runs atomically: a problem the splitter finds while it runs rolls it
// back whole, before anything else was applied. Small scripts are checked
// anyway, so that their problems are reported together with the others'.
constexpr std::uintmax_t kBigScript = 8u << 20;

bool RunsWholeOrNotAtAll(const ResolvedMigration& m, Driver& driver, const SplitOptions& base,
                         const TransactionRules& rules) {
  if (!driver.transactional_ddl()) return false;
  // Whether it runs in a transaction may depend on all its statements.
  if (rules.flyway || !rules.execute_in_transaction || m.execute_in_transaction) return false;
  std::error_code ec;
  auto size = std::filesystem::file_size(m.path, ec);
  if (ec || size < kBigScript) return false;
  SplitOptions opts = base;
  opts.replace_placeholders = false;
  return StatementSource::Open(m.path.string(), opts)->directives().transactional;
}

}  // namespace

void PreflightOrRefuse(const CommandContext& ctx, Driver& driver,
                       const std::vector<const ResolvedMigration*>& scripts,
                       const std::vector<ResolvedMigration>& all, bool with_callbacks) {
  if (!ctx.config.validate_on_migrate) return;
  std::vector<const ResolvedMigration*> checked = scripts;
  if (with_callbacks) {
    for (const auto& m : all)
      if (m.kind == MigrationKind::kCallback) checked.push_back(&m);
  }
  if (checked.empty()) return;  // a no-op run asks the database nothing more

  SessionInfo session = SessionInfo::Of(driver);
  SplitOptions base = SplitOptionsFor(ctx.config, driver);
  Issues issues;
  TransactionRules rules = TransactionRules::Of(ctx.config);
  // The scripts run one after another on one session: each is checked with the
  // settings the ones before it leave (a SET sql_mode in V1 holds in V2).
  // Callbacks run between them and are checked from the session as it is now.
  SessionLexing next = base.session;
  for (const ResolvedMigration* m : checked) {
    bool in_order = m->kind != MigrationKind::kCallback;
    SplitOptions opts = base;
    if (in_order) opts.session = next;
    if (m == checked.front() && RunsWholeOrNotAtAll(*m, driver, opts, rules)) continue;
    opts.placeholders = PlaceholdersFor(ctx.config, session.user, session.database, m->script);
    SessionLexing after = CheckScript(*m, std::move(opts), issues, rules);
    if (in_order) next = after;
  }
  if (!HasErrors(issues)) {
    for (const Issue& i : issues)
      spdlog::warn("{}: {} (hint: {})", Location(i.file, i.line, i.column), i.message, i.hint);
    return;
  }
  size_t errors = 0;
  for (const Issue& i : issues) errors += i.severity == Severity::kError;
  RefuseWith(ctx, issues,
             Error(ExitCode::kValidation,
                   "validation failed: " + std::to_string(errors) +
                       " problem(s) in the scripts to run; nothing was applied",
                   "fix the files named above (`flyrun validate` lists them too)"));
}

}  // namespace flyrun
