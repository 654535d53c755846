#include "git_cli.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <memory>

namespace flyrun::test {

std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

int Git(const std::filesystem::path& dir, const std::string& args, std::string* output) {
  std::string command =
      "cd " + ShellQuote(dir.string()) +
      " && GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Test "
      "GIT_AUTHOR_EMAIL=test@example.com GIT_COMMITTER_NAME=Test "
      "GIT_COMMITTER_EMAIL=test@example.com GIT_TERMINAL_PROMPT=0 git -c init.defaultBranch=main "
      "-c advice.detachedHead=false " +
      args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return -1;
  std::array<char, 4096> buf;
  std::string text;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) text.append(buf.data(), n);
  int status = pclose(pipe.release());
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool HaveGit() {
  static const bool have = Git(std::filesystem::temp_directory_path(), "--version") == 0;
  return have;
}

}  // namespace flyrun::test
