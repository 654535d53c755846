#include "pg_test_util.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>

#include "support/test_support.h"

extern char** environ;

namespace flyrun::test {

std::string WithDatabase(const std::string& url, const std::string& database) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return url + "/" + database;
  auto query = url.find('?', slash);
  return url.substr(0, slash + 1) + database +
         (query == std::string::npos ? std::string() : url.substr(query));
}

std::string PgQuery(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(sql);
  if (r.empty() || r.columns() == 0) return {};
  return r[0][0].is_null() ? std::string("NULL") : r[0][0].as<std::string>();
}

std::string UniqueName(const std::string& prefix) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(rd() % 100000) + "_" +
         std::to_string(counter++);
}

PgScratchDatabase::PgScratchDatabase() : name_(UniqueName("flyrun_t")) {
  PgQuery(EnvOr("FLYRUN_TEST_PG_ADMIN_URL"), "CREATE DATABASE " + name_ + " OWNER flyrun");
}

PgScratchDatabase::~PgScratchDatabase() {
  try {
    PgQuery(EnvOr("FLYRUN_TEST_PG_ADMIN_URL"),
            "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
  }
}

std::string PgScratchDatabase::url() const {
  return WithDatabase(EnvOr("FLYRUN_TEST_PG_URL"), name_);
}

std::string PgScratchDatabase::admin_url() const {
  return WithDatabase(EnvOr("FLYRUN_TEST_PG_ADMIN_URL"), name_);
}

FlyrunProcess::FlyrunProcess(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                             const std::map<std::string, std::string>& env)
    : dir_(std::filesystem::temp_directory_path() / UniqueName("flyrun-proc")) {
  std::filesystem::create_directories(dir_);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (kv.rfind("FLYRUN_", 0) == 0) continue;
    env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<std::string> argv_strings{FLYRUN_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::string out = (dir_ / "out").string(), err = (dir_ / "err").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv_strings[0]);
}

FlyrunProcess::~FlyrunProcess() {
  if (exit_code_ < 0 && pid_ > 0) {
    kill(pid_, SIGKILL);
    Wait();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void FlyrunProcess::Kill(int signal) {
  if (exit_code_ < 0) kill(pid_, signal);
}

int FlyrunProcess::Wait() {
  if (exit_code_ >= 0) return exit_code_;
  int status = 0;
  rusage usage{};
  while (wait4(pid_, &status, 0, &usage) < 0) {
    if (errno != EINTR) return exit_code_ = -1;
  }
  peak_rss_kib_ = usage.ru_maxrss;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

std::string FlyrunProcess::out() const { return ReadFile(dir_ / "out"); }
std::string FlyrunProcess::err() const { return ReadFile(dir_ / "err"); }

}  // namespace flyrun::test
