#include "support/test_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <future>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace flyrun::test {

namespace {

struct Spawnable {
  std::vector<std::string> argv_strings, env_strings;
  std::vector<char*> argv, envp;
  Spawnable(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& program = FLYRUN_BINARY) {
    for (char** e = environ; *e; ++e) {
      std::string kv = *e;
      if (kv.rfind("FLYRUN_", 0) == 0) continue;
      env_strings.push_back(kv);
    }
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    argv_strings.push_back(program);
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    for (auto& str : argv_strings) argv.push_back(str.data());
    argv.push_back(nullptr);
    for (auto& str : env_strings) envp.push_back(str.data());
    envp.push_back(nullptr);
  }
};

int ExitCodeOf(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

RunResult RunFlyrun(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                    const std::map<std::string, std::string>& env) {
  return RunProgram(FLYRUN_BINARY, args, cwd, env);
}

RunResult RunProgram(const std::filesystem::path& program, const std::vector<std::string>& args,
                     const std::filesystem::path& cwd,
                     const std::map<std::string, std::string>& env) {
  Spawnable sp(args, env, program.string());
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid;
  int rc = posix_spawn(&pid, sp.argv[0], &actions, nullptr, sp.argv.data(), sp.envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) throw std::runtime_error("cannot start " + sp.argv_strings[0]);

  RunResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  char buf[65536];
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = ExitCodeOf(status);
  return result;
}

Background StartFlyrun(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                       const std::map<std::string, std::string>& env) {
  static int counter = 0;
  Spawnable sp(args, env);
  Background bg;
  std::string tag = std::to_string(getpid()) + "-" + std::to_string(counter++);
  bg.out_file = cwd / ("bg-" + tag + ".out");
  bg.err_file = cwd / ("bg-" + tag + ".err");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, bg.out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, bg.err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid;
  int rc = posix_spawn(&pid, sp.argv[0], &actions, nullptr, sp.argv.data(), sp.envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + sp.argv_strings[0]);
  bg.pid = pid;
  return bg;
}

RunResult Wait(const Background& process) {
  int status = 0;
  waitpid(process.pid, &status, 0);
  RunResult r;
  r.exit_code = ExitCodeOf(status);
  r.out = ReadFile(process.out_file);
  r.err = ReadFile(process.err_file);
  return r;
}

RunResult WaitAtMost(const Background& process, std::chrono::milliseconds limit) {
  // A blocking waitpid on a thread of its own: the test wakes when the process
  // ends, or at the deadline, never in between.
  std::promise<int> ended;
  std::future<int> status = ended.get_future();
  std::thread waiter([&ended, pid = process.pid] {
    int st = 0;
    waitpid(pid, &st, 0);
    ended.set_value(st);
  });
  if (status.wait_for(limit) == std::future_status::timeout) kill(process.pid, SIGKILL);
  RunResult r;
  r.exit_code = ExitCodeOf(status.get());
  waiter.join();
  r.out = ReadFile(process.out_file);
  r.err = ReadFile(process.err_file);
  return r;
}

RunResult SignalAndWait(const Background& process, int signal, std::chrono::milliseconds limit,
                        long long& elapsed_ms) {
  auto start = std::chrono::steady_clock::now();
  kill(process.pid, signal);
  RunResult r = WaitAtMost(process, limit);
  elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count();
  return r;
}

::testing::AssertionResult ReachedOrKill(const Background& process,
                                         const std::function<bool()>& condition,
                                         const std::string& what) {
  if (PollUntil(condition)) return ::testing::AssertionSuccess();
  kill(process.pid, SIGKILL);
  return ::testing::AssertionFailure() << "never reached: " << what << "\n" << Wait(process).err;
}

bool PollUntil(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

TempDir::TempDir() {
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  for (;;) {
    path_ = base / ("flyrun-test-" + std::to_string(rd()));
    if (std::filesystem::create_directory(path_)) break;
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::Write(const std::string& relative,
                                     const std::string& content) const {
  auto p = path_ / relative;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : fallback;
}

void WriteTableMigrations(const TempDir& dir,
                          const std::vector<std::pair<int, std::string>>& tables) {
  for (const auto& [version, table] : tables) {
    std::string suffix = std::to_string(version) + "__" + table + ".sql";
    dir.Write("sql/V" + suffix, "CREATE TABLE " + table + " (id INT);\n");
    dir.Write("sql/U" + suffix, "DROP TABLE " + table + ";\n");
  }
}

RunResult RunAgainst(const std::string& url, const TempDir& dir, std::vector<std::string> args,
                     const std::map<std::string, std::string>& env) {
  std::vector<std::string> full{"--url", url, "--locations", "sql"};
  full.insert(full.end(), args.begin(), args.end());
  return RunFlyrun(full, dir.path(), env);
}

int BindLoopback(int& port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot reserve a port on 127.0.0.1");
  }
  port = ntohs(addr.sin_port);
  return fd;
}

SilentListener::SilentListener() {
  fd_ = BindLoopback(port_);
  if (listen(fd_, 64) != 0) {
    close(fd_);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
}

SilentListener::~SilentListener() { close(fd_); }

std::filesystem::path CorpusDir() {
  std::string overridden = EnvOr("FLYRUN_CORPUS_DIR");
  return overridden.empty() ? std::filesystem::path(FLYRUN_CORPUS_DIR)
                            : std::filesystem::path(overridden);
}

bool TempDir::Migrates(const std::map<std::string, std::string>& scripts,
                       const std::vector<std::string>& args) const {
  for (const auto& [name, sql] : scripts) Write("sql/" + name, sql);
  RunResult r = RunFlyrun(args, path_);
  if (r.exit_code != 0) ADD_FAILURE() << "exit " << r.exit_code << "\n" << r.out << r.err;
  return r.exit_code == 0;
}

}  // namespace flyrun::test
