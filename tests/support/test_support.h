#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"

namespace flyrun::test {

/// Runs `f`, expecting it to throw flyrun::Error; returns that error (a
/// failure of the test, and an error of code kSuccess, when it throws none).
template <typename F>
Error Catch(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a flyrun::Error";
  return Error(ExitCode::kSuccess, "no error");
}


struct RunResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs the built flyrun binary as a user would: `args` after the program name,
/// in `cwd`, with the current environment minus every FLYRUN_* variable plus
/// `env`. Returns the exit code (128+signal when killed) and both streams.
RunResult RunFlyrun(const std::vector<std::string>& args,
                    const std::filesystem::path& cwd = std::filesystem::current_path(),
                    const std::map<std::string, std::string>& env = {});

/// The same with another program (e.g. a link to flyrun under another name).
RunResult RunProgram(const std::filesystem::path& program, const std::vector<std::string>& args,
                     const std::filesystem::path& cwd,
                     const std::map<std::string, std::string>& env = {});

/// A flyrun started in the background (for signal, lock and concurrency tests).
struct Background {
  int pid = -1;
  std::filesystem::path out_file, err_file;  ///< where its stdout and stderr go
};

/// Starts flyrun like RunFlyrun but returns at once; output goes to files in `cwd`.
Background StartFlyrun(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                       const std::map<std::string, std::string>& env = {});

/// Waits for it and returns its exit code (128+signal when killed) and output.
RunResult Wait(const Background& process);

/// Like Wait, but kills the process (SIGKILL, exit 137) when it still runs
/// after `limit`: a test of something that must end fails instead of hanging.
RunResult WaitAtMost(const Background& process, std::chrono::milliseconds limit);

/// Sends `signal` to the process and waits for it as WaitAtMost does;
/// `elapsed_ms` is how long it took to end after the signal.
RunResult SignalAndWait(const Background& process, int signal, std::chrono::milliseconds limit,
                        long long& elapsed_ms);

/// Polls `condition` every 20 ms until it holds or `limit` passes; returns
/// whether it held. For observable states (a statement running on the server,
/// a lock held, a file present): tests poll, never sleep and hope.
bool PollUntil(const std::function<bool()>& condition,
               std::chrono::milliseconds limit = std::chrono::milliseconds(20000));

/// PollUntil(condition); when it never holds, kills the process and fails
/// with `what` and the process's stderr (for ASSERT_TRUE before a signal).
::testing::AssertionResult ReachedOrKill(const Background& process,
                                         const std::function<bool()>& condition,
                                         const std::string& what);

/// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// Writes `content` to path()/relative, creating directories.
  std::filesystem::path Write(const std::string& relative, const std::string& content) const;
  /// Writes each script (name -> text) under path()/sql and runs flyrun `args`
  /// here: true when it exits 0, else a test failure showing its output.
  bool Migrates(const std::map<std::string, std::string>& scripts,
                const std::vector<std::string>& args) const;

 private:
  std::filesystem::path path_;
};

std::string ReadFile(const std::filesystem::path& path);

/// For each (version, table): sql/V<version>__<table>.sql creating the table
/// (one INT column) and sql/U<version>__<table>.sql dropping it.
void WriteTableMigrations(const TempDir& dir,
                          const std::vector<std::pair<int, std::string>>& tables);

/// RunFlyrun with `--url URL --locations sql` before `args`, in `dir`.
RunResult RunAgainst(const std::string& url, const TempDir& dir, std::vector<std::string> args,
                     const std::map<std::string, std::string>& env = {});

/// A TCP socket bound to a free port on 127.0.0.1 (not listening yet); sets
/// `port`. Throws std::runtime_error when it cannot.
int BindLoopback(int& port);

/// A TCP port on 127.0.0.1 that listens but never accepts or answers: the
/// kernel completes the handshake and then nothing is ever said, so a client
/// waits for the server's first bytes exactly as it would behind a firewall
/// that drops packets. Closed on destruction.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

/// The value of an environment variable, empty when unset.
std::string EnvOr(const char* name, const std::string& fallback = {});

/// The shared corpus of real-world SQL (CMake cache variable
/// FLYRUN_CORPUS_DIR, by default ../shared/corpus beside the source tree; the
/// environment variable of that name overrides it for one run).
std::filesystem::path CorpusDir();

}  // namespace flyrun::test

/// For integration tests: declares `std::string out` = the URL in environment
/// variable `var` (e.g. "FLYRUN_TEST_PG_URL"). When it is unset the test is
/// skipped, unless FLYRUN_REQUIRE_SERVERS=1 (scripts/test.sh sets it), in which
/// case it fails: a server test never silently passes in CI.
#define FLYRUN_SERVER_URL(out, var)                                                \
  std::string out = ::flyrun::test::EnvOr(var);                                    \
  if (out.empty()) {                                                               \
    if (::flyrun::test::EnvOr("FLYRUN_REQUIRE_SERVERS") == "1")                    \
      FAIL() << var << " is not set but FLYRUN_REQUIRE_SERVERS=1";                 \
    else                                                                           \
      GTEST_SKIP() << "set " << var << " (scripts/test.sh does) to run this test"; \
  }

/// For tests that read the shared corpus: when `sub` (a path inside it) is
/// absent, as in a fresh clone without ../shared, the test is skipped with a
/// notice naming what is missing; under CI=true, where the corpus is always
/// there, it fails instead.
#define FLYRUN_REQUIRE_CORPUS(sub)                                                           \
  do {                                                                                       \
    const std::filesystem::path corpus_path_ = ::flyrun::test::CorpusDir() / (sub);          \
    if (!std::filesystem::exists(corpus_path_)) {                                            \
      if (::flyrun::test::EnvOr("CI") == "true")                                             \
        FAIL() << "the shared corpus is missing: " << corpus_path_ << " (CI=true needs it)"; \
      GTEST_SKIP() << "the shared corpus is missing: " << corpus_path_                       \
                   << " (configure with -DFLYRUN_CORPUS_DIR=<dir> to run this test)";        \
    }                                                                                        \
  } while (false)
