#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace flyrun {

/// The command line with Flyway's grammar taken apart (README, Coming from
/// Flyway), before CLI11 sees it:
///
/// - `-key=value` (one dash) is a Flyway configuration argument: it goes to
///   `flyway_args` as {key, value}, in order, "flyway." prefix dropped
///   (`-url=jdbc:...`, `-placeholders.tenant=acme`, `-configFiles=a.conf`);
///   so is a lone `-key` that is not one of flyrun's short flags ({key, ""}).
/// - `-X` is `-v` (debug), `-q` stays quiet, `-outputType=json` and `-json`
///   are `--output json`, `-?` is `--help`, `-n` (never prompt) is dropped.
/// - Several Flyway verbs in a row (`clean migrate info`) are run one after the
///   other; `version` and `help [verb]` mean `--version` and `[verb] --help`.
/// - flyrun's own arguments pass unchanged: `--key value`, `--key=value`, the
///   short flags `-q`, `-v`, `-h`, and everything after `--`.
struct TranslatedCommandLine {
  std::vector<std::string> args;  ///< flyrun's arguments (no program name), every verb in place
  std::vector<std::pair<std::string, std::string>> flyway_args;
  std::vector<size_t> verbs;  ///< where the verbs are in `args`, when there are several
  /// The arguments for running verb `i` alone: `args` without the other verbs.
  std::vector<std::string> ArgsFor(size_t i) const;
};

/// The Flyway verbs that may be given several at a time.
const std::vector<std::string>& FlywayVerbs();

/// Translates argv[1..]; `takes_value("--name")` says whether a flyrun option
/// reads the next argument as its value.
TranslatedCommandLine TranslateCommandLine(
    int argc, const char* const* argv, const std::function<bool(const std::string&)>& takes_value);

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
