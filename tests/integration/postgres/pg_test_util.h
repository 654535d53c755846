#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace flyrun::test {

/// `url` with its database (the path) replaced by `database`.
std::string WithDatabase(const std::string& url, const std::string& database);

/// Runs `sql` (outside a transaction) and returns the first column of the
/// first row as text ("NULL" for NULL, "" without rows). Throws on error.
std::string PgQuery(const std::string& url, const std::string& sql);

/// A unique lower-case identifier starting with `prefix`.
std::string UniqueName(const std::string& prefix);

/// A database created (by the superuser of FLYRUN_TEST_PG_ADMIN_URL) for one
/// test, owned by the role of FLYRUN_TEST_PG_URL, dropped on destruction.
class PgScratchDatabase {
 public:
  PgScratchDatabase();
  ~PgScratchDatabase();
  PgScratchDatabase(const PgScratchDatabase&) = delete;
  PgScratchDatabase& operator=(const PgScratchDatabase&) = delete;

  const std::string& name() const { return name_; }
  /// As the ordinary role `flyrun`.
  std::string url() const;
  /// As the superuser.
  std::string admin_url() const;
  std::string Query(const std::string& sql) const { return PgQuery(admin_url(), sql); }

 private:
  std::string name_;
};

/// A flyrun process running in the background (for locks, concurrency, kill -9
/// and memory measurements). The environment is the current one minus FLYRUN_*
/// plus `env`, as RunFlyrun does; stdout and stderr go to files.
class FlyrunProcess {
 public:
  FlyrunProcess(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                const std::map<std::string, std::string>& env = {});
  ~FlyrunProcess();
  FlyrunProcess(const FlyrunProcess&) = delete;
  FlyrunProcess& operator=(const FlyrunProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Kill(int signal);
  /// Waits for the exit; returns the exit code (128 + signal when killed).
  int Wait();
  /// Peak resident set size of the process in KiB (after Wait).
  long peak_rss_kib() const { return peak_rss_kib_; }
  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  long peak_rss_kib_ = 0;
  std::filesystem::path dir_;
};

}  // namespace flyrun::test
