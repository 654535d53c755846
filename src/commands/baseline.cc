#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "commands/change_session.h"
#include "commands/commands.h"

namespace flyrun {

bool RecordBaseline(Driver& driver, const Config& config) {
  auto v = Version::parse(config.baseline_version);
  if (!v) {
    throw UsageError("baseline_version: '" + config.baseline_version + "' is not a version",
                     "use a version such as 1 or 2.3");
  }
  HistoryFormat format = driver.history_format();
  AppliedMigration row;
  row.version = HistoryVersion(format, v->str(), config.baseline_version);
  row.description = BaselineDescription(format, config.baseline_description);
  row.type = "BASELINE";
  row.script = row.description;
  row.installed_by = config.installed_by;
  driver.InsertHistory(row);
  return true;
}

ExitCode RunBaseline(const CommandContext& ctx) {
  const Config& config = ctx.config;
  ChangeSession change(ctx);
  Driver* driver = &change.driver();
  driver->EnsureHistoryTable();
  auto history = driver->ReadHistory();
  if (!history.empty()) {
    bool baselined = false;
    for (const auto& h : history) baselined |= h.type == "BASELINE";
    throw Error(ExitCode::kValidation,
                baselined ? "the schema is already baselined"
                          : "cannot baseline: the history table already has " +
                                std::to_string(history.size()) + " row(s)",
                "baseline is for a database whose schema predates flyrun; see `flyrun info`");
  }
  RecordBaseline(*driver, config);
  std::string version = Version::parse(config.baseline_version)->str();
  std::string description =
      BaselineDescription(driver->history_format(), config.baseline_description);
  if (ctx.output == OutputFormat::kJson) {
    *ctx.out << nlohmann::json({{"command", "baseline"},
                                {"success", true},
                                {"baseline_version", version},
                                {"baseline_description", description}})
                    .dump(2)
             << '\n';
  } else {
    *ctx.out << "Baselined the schema at version " << version << " (" << description << ")\n";
  }
  return ExitCode::kSuccess;
}

}  // namespace flyrun
