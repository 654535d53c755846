#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "core/error.h"

namespace flyrun {

/// What flyrun needs to know of the command line before CLI11 has parsed it,
/// so that a command line CLI11 rejects is still reported the way the user
/// asked for (`--output json`, `--log-format json`) and names the command.
struct CommandLineFacts {
  std::string command;  ///< the first word that is not an option or an option's value
  bool known_command = false;
  bool json_output = false;  ///< --output json / --output=json
  bool json_logs = false;    ///< --log-format json / --log-format=json
};

/// Reads argv with the options declared on `app` (which of them take a value).
CommandLineFacts ScanCommandLine(const CLI::App& app, int argc, char** argv);

/// The command closest to `word` (at most two edits away, or `word` is its
/// start), or "" when none is close.
std::string ClosestCommand(const std::string& word, const std::vector<std::string>& commands);

/// Error(kUsage) naming an unknown command, with "did you mean 'x'?" when one is
/// close, else the list of commands.
Error UnknownCommand(const std::string& word, const std::vector<std::string>& commands);

/// A CLI11 parse error in flyrun's words, as Error(kUsage).
Error CommandLineError(const CLI::ParseError& e);

}  // namespace flyrun
