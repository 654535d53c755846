#include "cli/command_line.h"

#include "core/closest.h"

namespace flyrun {
namespace {

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

constexpr const char* kHelpHint = "see `flyrun --help` and `flyrun <command> --help`";

}  // namespace

CommandLineFacts ScanCommandLine(const CLI::App& app, int argc, char** argv) {
  CommandLineFacts facts;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.size() > 1 && arg[0] == '-') {
      auto eq = arg.find('=');
      std::string name = arg.substr(0, eq);
      std::string value;
      const CLI::Option* option = app.get_option_no_throw(name);
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
      } else if (option && option->get_expected_min() > 0 && i + 1 < argc) {
        value = argv[++i];
      }
      if (name == "--output" && value == "json") facts.json_output = true;
      if (name == "--output" && !value.empty() && value != "json") facts.json_output = false;
      if (name == "--log-format") facts.json_logs = value == "json";
      continue;
    }
    if (facts.command.empty()) {
      facts.command = arg;
      for (const CLI::App* sub : app.get_subcommands({}))
        facts.known_command = facts.known_command || sub->get_name() == arg;
    }
  }
  return facts;
}

std::string ClosestCommand(const std::string& word, const std::vector<std::string>& commands) {
  // A command's start counts too ("mig" for migrate).
  for (const auto& c : commands)
    if (word.size() >= 3 && c.rfind(word, 0) == 0) return c;
  return Closest(word, commands);
}

Error UnknownCommand(const std::string& word, const std::vector<std::string>& commands) {
  std::string close = ClosestCommand(word, commands);
  return UsageError("unknown command '" + word + "'", close.empty()
                                                          ? "the commands are " + Join(commands)
                                                          : "did you mean '" + close + "'?");
}

Error CommandLineError(const CLI::ParseError& e) {
  std::string what = e.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    // "The following argument(s) was/were not expected: a b"
    std::string args = what.substr(what.find(": ") + 2);
    std::string first = args.substr(0, args.find(' '));
    bool option = first.size() > 1 && first[0] == '-';
    return UsageError(
        (option ? "unknown option '" : "unexpected argument '") + first + "'" +
            (first == args ? "" : " (also not expected: " + args.substr(first.size() + 1) + ")"),
        kHelpHint);
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) &&
      what.find(" missing") != std::string::npos) {
    return UsageError("option " + what.substr(0, what.find(':')) + " needs a value", kHelpHint);
  }
  if (what == "A subcommand is required") return UsageError("no command given", kHelpHint);
  return UsageError(what, kHelpHint);
}

}  // namespace flyrun
