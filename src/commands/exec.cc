#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <streambuf>

#include "commands/commands.h"
#include "core/interrupt.h"

namespace flyrun {
namespace {

/// A stream buffer that logs each complete line at info level.
class LogLineBuffer : public std::streambuf {
 public:
  ~LogLineBuffer() override { Flush(); }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return 0;
    if (c == '\n') {
      Flush();
    } else {
      line_.push_back(static_cast<char>(c));
    }
    return c;
  }

 private:
  void Flush() {
    if (!line_.empty()) spdlog::info("{}", line_);
    line_.clear();
  }
  std::string line_;
};

}  // namespace

ExitCode RunExec(const CommandContext& ctx) {
  if (ctx.exec_args.empty()) {
    throw UsageError("exec: no command given", "use: flyrun exec -- CMD [ARGS...]");
  }
  // Wait for the database like `wait` does, unless connect_retries says otherwise.
  CommandContext migrate_ctx = ctx;
  // The app owns stdout from here on; what flyrun did goes with its logs (as
  // log lines, so JSON logs stay one object per line).
  LogLineBuffer log_lines;
  std::ostream log_stream(&log_lines);
  migrate_ctx.out = ctx.json_logs ? &log_stream : &std::cerr;
  if (migrate_ctx.config.connect_retries == 0)
    RetryConnectingFor(migrate_ctx.config, ctx.wait_timeout);
  // A standby may be in the middle of a failover: wait for it to accept writes.
  migrate_ctx.config.await_writable = true;
  ExitCode code = RunMigrate(migrate_ctx);
  if (code != ExitCode::kSuccess) return code;
  ctx.out->flush();
  std::fflush(nullptr);
  spdlog::default_logger()->flush();

  // Replace this process: no flyrun remains, the app gets the signals.
  std::vector<char*> argv;
  std::vector<std::string> args = ctx.exec_args;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Without the FLYRUN_* variables (the migration role's URL and password)
  // unless exec_keep_env keeps them.
  std::vector<char*> envp;
  std::vector<std::string> environment = ctx.config.exec_environment;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  // A signal during the migrations or the flushing means: start nothing.
  ThrowIfInterrupted();
  execvpe(argv[0], argv.data(), envp.data());
  int err = errno;
  throw UsageError("exec: cannot run '" + args[0] + "': " + std::strerror(err),
                   "check the command name and that it is on PATH in the container");
}

}  // namespace flyrun
