#pragma once

#include <filesystem>
#include <string>

namespace flyrun::test {

/// Whether a git command line is available (tests that build repositories
/// with it skip otherwise). The product itself never runs git.
bool HaveGit();

/// Runs `git <args>` in `dir` with a fixed identity and no user or system
/// configuration; `args` is shell text. Returns its exit code; stdout and
/// stderr go to `output` when non-null.
int Git(const std::filesystem::path& dir, const std::string& args, std::string* output = nullptr);

/// Quotes `text` for the shell.
std::string ShellQuote(const std::string& text);

}  // namespace flyrun::test
