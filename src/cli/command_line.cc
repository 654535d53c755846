#include "cli/command_line.h"

#include <algorithm>
#include <cctype>

#include "core/closest.h"

namespace flyrun {
namespace {

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

constexpr const char* kHelpHint = "see `flyrun --help` and `flyrun <command> --help`";

bool IsFlywayVerb(const std::string& word) {
  const auto& verbs = FlywayVerbs();
  return std::find(verbs.begin(), verbs.end(), word) != verbs.end();
}

// flyrun's short flags, alone or together ("-q", "-v", "-qv", "-h").
bool IsShortFlags(const std::string& arg) {
  return arg.size() > 1 && arg[0] == '-' && arg.find_first_not_of("qvh", 1) == std::string::npos;
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

const std::vector<std::string>& FlywayVerbs() {
  static const std::vector<std::string> verbs = {"migrate",  "info",  "validate", "repair",
                                                 "baseline", "clean", "undo"};
  return verbs;
}

std::vector<std::string> TranslatedCommandLine::ArgsFor(size_t i) const {
  std::vector<std::string> out;
  for (size_t k = 0; k < args.size(); ++k) {
    bool other_verb = std::find(verbs.begin(), verbs.end(), k) != verbs.end() && verbs[i] != k;
    if (!other_verb) out.push_back(args[k]);
  }
  return out;
}

TranslatedCommandLine TranslateCommandLine(
    int argc, const char* const* argv, const std::function<bool(const std::string&)>& takes_value) {
  TranslatedCommandLine out;
  std::vector<std::string>& args = out.args;
  bool have_command = false, flyway_verbs = false, help = false;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.rfind("--", 0) == 0) {
      args.push_back(arg);
      if (arg.find('=') == std::string::npos && takes_value(arg) && i + 1 < argc)
        args.push_back(argv[++i]);
    } else if (arg.size() > 1 && arg[0] == '-') {
      if (IsShortFlags(arg)) {
        args.push_back(arg);
      } else if (arg == "-X") {
        args.push_back("-v");
      } else if (arg == "-?") {
        args.push_back("--help");
      } else if (arg == "-json") {
        args.insert(args.end(), {"--output", "json"});
      } else if (arg != "-n") {  // -n: never prompt; flyrun never does
        size_t eq = arg.find('=');
        std::string key = arg.substr(1, eq == std::string::npos ? eq : eq - 1);
        std::string value = eq == std::string::npos ? std::string() : arg.substr(eq + 1);
        if (key.rfind("flyway.", 0) == 0) key.erase(0, 7);
        if (key == "outputType") {
          args.insert(args.end(), {"--output", Lower(value)});
        } else {
          out.flyway_args.emplace_back(key, value);
        }
      }
    } else if (!have_command && arg == "help" && !help) {
      help = true;  // "help [verb]": the help of the verb, or of flyrun
    } else if (!have_command && arg == "version") {
      args.push_back("--version");
    } else if (!have_command) {
      have_command = true;
      flyway_verbs = IsFlywayVerb(arg);
      if (flyway_verbs) out.verbs.push_back(args.size());
      args.push_back(arg);
    } else {
      // Another verb (`clean migrate`), else an argument of the command.
      if (flyway_verbs && IsFlywayVerb(arg)) out.verbs.push_back(args.size());
      args.push_back(arg);
    }
  }
  if (help) args.push_back("--help");
  for (; i < argc; ++i) args.push_back(argv[i]);
  if (out.verbs.size() < 2) out.verbs.clear();
  return out;
}

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
      // Flyway's spellings too, for a command line not yet translated.
      if (name == "-outputType" || name == "-json") {
        value = name == "-json" ? "json" : Lower(value);
        name = "--output";
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
