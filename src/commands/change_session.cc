#include "commands/change_session.h"

#include <spdlog/spdlog.h>

#include "config/secrets.h"

namespace flyrun {

ChangeSession::ChangeSession(const CommandContext& ctx) : real_(ConnectToChange(ctx)) {
  spdlog::debug("connected to {}", RedactUrl(ctx.config.url));
  lock_ = real_->Lock(ctx.config.lock_timeout);
  if (ctx.dry_run) {
    dry_ = std::make_unique<DryRunDriver>(*real_,
                                          ctx.output == OutputFormat::kJson ? captured_ : *ctx.out);
  }
}

}  // namespace flyrun
