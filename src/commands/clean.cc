#include <nlohmann/json.hpp>

#include "commands/change_session.h"
#include "commands/commands.h"
#include "config/secrets.h"

namespace flyrun {

ExitCode RunClean(const CommandContext& ctx) {
  const Config& config = ctx.config;
  if (!config.clean_enabled) {
    throw UsageError("clean is disabled: it drops every object in the schema",
                     "set clean_enabled: true (or --clean-enabled, FLYRUN_CLEAN_ENABLED=true) "
                     "for databases you really mean to wipe");
  }
  ChangeSession change(ctx);
  Driver* driver = &change.driver();
  driver->Clean();
  if (ctx.output == OutputFormat::kJson) {
    *ctx.out << nlohmann::json(
                    {{"command", "clean"}, {"success", true}, {"database", RedactUrl(config.url)}})
                    .dump(2)
             << '\n';
  } else {
    *ctx.out << "Cleaned "
             << (config.schema.empty() ? "the default schema" : "schema " + config.schema) << " of "
             << RedactUrl(config.url) << '\n';
  }
  return ExitCode::kSuccess;
}

}  // namespace flyrun
