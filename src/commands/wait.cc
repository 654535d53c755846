#include <chrono>
#include <nlohmann/json.hpp>

#include "commands/commands.h"
#include "config/secrets.h"

namespace flyrun {

ExitCode RunWait(const CommandContext& ctx) {
  Config config = ctx.config;
  RequireUrl(config);
  RetryConnectingFor(config, ctx.wait_timeout);
  // Ready means ready to migrate: a standby is waited for until it is promoted.
  config.await_writable = true;
  auto start = std::chrono::steady_clock::now();
  auto driver = ConnectToChange(config);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  if (ctx.output == OutputFormat::kJson) {
    *ctx.out << nlohmann::json({{"command", "wait"}, {"success", true}, {"waited_ms", ms}}).dump(2)
             << '\n';
  } else {
    *ctx.out << RedactUrl(config.url) << " accepts connections (waited " << ms << " ms)\n";
  }
  return ExitCode::kSuccess;
}

}  // namespace flyrun
