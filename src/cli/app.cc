#include "cli/app.h"

#include <spdlog/spdlog.h>
#include <unistd.h>
#include <cctype>

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command_line.h"
#include "commands/commands.h"
#include "commands/output.h"
#include "config/config.h"
#include "config/keys.h"
#include "config/secrets.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "fleet/fleet.h"

namespace flyrun {
namespace {

struct Globals {
  std::map<std::string, std::string> values;
  /// Per key, its flag on the app and on the commands that take it.
  std::map<std::string, std::vector<CLI::Option*>> options;
  std::vector<std::string> placeholders;
  std::string config_file, env_name, output = "text", log_format = "text";
  bool quiet = false, verbose = false;
  CLI::Option* log_format_option = nullptr;
};

void AddGlobalOptions(CLI::App& app, Globals& g) {
  // The config keys that are flags everywhere (config/keys.h).
  for (const KeySpec& k : KeyTable()) {
    if (k.flag != KeyFlagScope::kGlobal) continue;
    std::string key(k.name), name = FlagName(k), help(k.help);
    g.options[key].push_back(k.kind == KeyKind::kBool
                                 ? app.add_flag(name + "{true}", g.values[key], help)
                                 : app.add_option(name, g.values[key], help));
  }
  app.add_option("--placeholder", g.placeholders, "placeholder name=value (repeatable)");
  app.add_option("--config", g.config_file,
                 "config file (default ./flyrun.yaml, ./conf/flyrun.yaml)");
  app.add_option("--env", g.env_name, "environment block of the config file");
  app.add_option("--output", g.output, "output format")
      ->check(CLI::IsMember({"text", "json", "github", "sarif"}));
  g.log_format_option =
      app.add_option("--log-format", g.log_format, "log format on stderr (env FLYRUN_LOG_FORMAT)")
          ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-q,--quiet", g.quiet, "only warnings and errors on stderr");
  app.add_flag("-v,--verbose", g.verbose, "debug logging on stderr");
}

ConfigInputs InputsOf(const Globals& g) {
  ConfigInputs in;
  for (const auto& [key, opts] : g.options)
    for (const CLI::Option* opt : opts)
      if (opt->count() > 0) in.flags[key] = g.values.at(key);
  in.placeholder_flags = g.placeholders;
  in.config_file = g.config_file;
  in.env_name = g.env_name;
  return in;
}

/// `e` as its first line: "error: message", or in compiler style
/// "file:line:column: error: message" when it points into a file, so that
/// terminals, editors and grep jump to it like to validate's problems.
std::string ErrorLine(const Error& e) {
  std::string what = e.what();
  if (e.file.empty()) return "error: " + what;
  // Messages that start with their location ("file:line: ...") give it once.
  if (what.rfind(e.file, 0) == 0) {
    size_t p = e.file.size();
    for (int part = 0; part < 2 && p + 1 < what.size() && what[p] == ':' &&
                       std::isdigit(static_cast<unsigned char>(what[p + 1]));
         ++part) {
      for (++p; p < what.size() && std::isdigit(static_cast<unsigned char>(what[p]));) ++p;
    }
    if (what.compare(p, 2, ": ") == 0) what.erase(0, p + 2);
  }
  return Location(e.file, e.line, e.column) + ": error: " + what;
}

// std::cerr and std::cout scrub the secrets (see RunApp).
void PrintError(const Error& e, bool json) {
  if (json) {  // one JSON object, like every other stderr line in this mode
    nlohmann::json j = ErrorJson(e);
    j["level"] = "error";
    j["msg"] = e.what();
    std::cerr << j.dump() << '\n';
    return;
  }
  std::cerr << ErrorLine(e) << '\n';
  if (!e.detail.empty()) {
    const std::string& detail = e.detail;
    size_t start = 0;
    while (start <= detail.size()) {
      size_t nl = detail.find('\n', start);
      std::cerr << "  " << detail.substr(start, nl - start) << '\n';
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << '\n';
}

// Runs one command: `words` are argv (program name first), Flyway's
// arguments already taken apart or still to be (TranslateCommandLine).
int RunWords(std::vector<std::string> words,
             std::vector<std::pair<std::string, std::string>> flyway_args) {
  CLI::App app{
      "flyrun: fast, native, Flyway-style SQL migrations for PostgreSQL, "
      "MySQL/MariaDB and SQLite",
      "flyrun"};
  app.set_version_flag("--version", std::string("flyrun ") + FLYRUN_VERSION);
  app.require_subcommand(1);
  Globals g;
  AddGlobalOptions(app, g);

  CommandContext ctx;
  ctx.out = &std::cout;
  using Runner = std::function<ExitCode(const CommandContext&)>;
  std::vector<std::pair<CLI::App*, Runner>> commands;
  auto add = [&](const char* name, const char* help, Runner run) {
    CLI::App* sub = app.add_subcommand(name, help);
    sub->fallthrough();
    commands.emplace_back(sub, std::move(run));
    return sub;
  };
  CLI::App* migrate = add("migrate", "apply pending migrations", RunMigrate);
  add("info", "show every migration and its state", RunInfo);
  CLI::App* validate =
      add("validate", "check migration files (and the history when a URL is set)", RunValidate);
  CLI::App* repair =
      add("repair", "remove failed history rows and realign checksums with the files", RunRepair);
  add("baseline", "record baseline_version as applied, for a database that already has a schema",
      RunBaseline);
  add("clean", "drop every object in the schema (refused unless clean_enabled)", RunClean);
  CLI::App* undo = add("undo", "revert the latest applied migration, or down to --target", RunUndo);
  CLI::App* wait = add("wait", "wait until the database accepts connections", RunWait);
  CLI::App* exec =
      add("exec", "container entrypoint: wait for the database, migrate, then exec CMD", RunExec);
  CLI::App* create = add("new", "create the next V and U migration files", RunNew);

  // Options of some commands only. Each is accepted before or after the
  // command (README, Commands): it is declared on those commands and on the
  // app, and given to any other command it is an error that names the ones
  // that take it.
  std::vector<std::pair<CLI::Option*, std::vector<CLI::App*>>> command_options;
  auto command_option = [&](std::vector<CLI::App*> takers,
                            const std::function<CLI::Option*(CLI::App&)>& declare) {
    for (CLI::App* sub : takers) declare(*sub);
    CLI::Option* on_app = declare(app);
    on_app->group("Options of some commands (before or after the command)");
    command_options.emplace_back(on_app, std::move(takers));
    return on_app;
  };
  command_option({migrate, undo}, [&](CLI::App& a) {
    return a.add_flag("--dry-run", ctx.dry_run, "print the SQL that would run and change nothing");
  });
  command_option({validate}, [&](CLI::App& a) {
    return a.add_flag("--offline", ctx.offline, "check the files only, even when a URL is set");
  });
  command_option({validate}, [&](CLI::App& a) {
    CLI::Option* o =
        a.add_option("--dialect", g.values["dialect"], std::string(FindKey("dialect")->help));
    g.options["dialect"].push_back(o);
    return o;
  });
  command_option({validate}, [&](CLI::App& a) {
    return a
        .add_option("--base", ctx.base,
                    "git revision to compare the migration files with (e.g. origin/main)")
        ->type_name("REF");
  });
  command_option({validate}, [&](CLI::App& a) {
    CLI::Option* o = a.add_flag("--undo-required{true}", g.values["undo_required"],
                                std::string(FindKey("undo_required")->help));
    g.options["undo_required"].push_back(o);
    return o;
  });
  command_option({repair}, [&](CLI::App& a) {
    return a
        .add_option("--mark-applied", ctx.mark_applied,
                    "record the failed migration VERSION as applied (after finishing it by hand) "
                    "instead of removing its row")
        ->type_name("VERSION");
  });
  std::string wait_timeout = "60s";
  command_option({wait, exec}, [&](CLI::App& a) {
    return a.add_option("--timeout", wait_timeout,
                        "how long to wait for the database (default 60s)");
  });
  exec->add_option("command", ctx.exec_args, "the command to run after migrating (after --)")
      ->required();
  std::vector<std::string> keep_env;
  command_option({exec}, [&](CLI::App& a) {
    return a
        .add_option("--keep-env,--exec-keep-env", keep_env,
                    std::string(FindKey("exec_keep_env")->help))
        ->type_name("NAME")
        ->allow_extra_args(false);
  });
  create->add_option("description", ctx.new_description, "what the migration does")->required();

  // Flyway's grammar (-key=value, -X, several verbs) in flyrun's words.
  std::vector<char*> raw_argv;
  for (std::string& word : words) raw_argv.push_back(word.data());
  TranslatedCommandLine translated = TranslateCommandLine(
      static_cast<int>(raw_argv.size()), raw_argv.data(), [&app](const std::string& name) {
        const CLI::Option* option = app.get_option_no_throw(name);
        return option != nullptr && option->get_expected_min() > 0;
      });
  flyway_args.insert(flyway_args.end(), translated.flyway_args.begin(),
                     translated.flyway_args.end());
  for (size_t i = 0; i < translated.verbs.size(); ++i) {  // `clean migrate`: in order
    std::vector<std::string> one = translated.ArgsFor(i);
    one.insert(one.begin(), words.front());
    int code = RunWords(std::move(one), flyway_args);
    if (code != 0 || i + 1 == translated.verbs.size()) return code;
  }
  words.resize(1);
  words.insert(words.end(), translated.args.begin(), translated.args.end());
  std::vector<char*> argv_storage;
  for (std::string& word : words) argv_storage.push_back(word.data());
  argv_storage.push_back(nullptr);
  int argc = static_cast<int>(words.size());
  char** argv = argv_storage.data();

  std::vector<std::string> command_names;
  for (const auto& [sub, run] : commands) command_names.push_back(sub->get_name());
  CommandLineFacts facts = ScanCommandLine(app, argc, argv);
  std::string command_name = facts.known_command ? facts.command : std::string();
  auto fail = [&](const Error& e, bool json_logs) {
    PrintError(e, json_logs);
    if (ctx.output == OutputFormat::kJson) {
      nlohmann::json j = {{"command", command_name.empty() ? nlohmann::json(nullptr)
                                                           : nlohmann::json(command_name)},
                          {"success", false},
                          {"error", ErrorJson(e)}};
      for (const auto& [key, value] : ctx.partial_result.items()) j[key] = value;
      std::cout << j.dump(2) << '\n';
    }
    return static_cast<int>(e.code());
  };
  if (facts.json_output) ctx.output = OutputFormat::kJson;
  try {
    if (!facts.command.empty() && !facts.known_command)
      throw UnknownCommand(facts.command, command_names);
    app.parse(argc, argv);
    for (const auto& [option, takers] : command_options) {
      if (option->count() == 0) continue;
      std::string names;
      bool taken = false;
      for (const CLI::App* t : takers) {
        taken = taken || t->parsed();
        names += (names.empty() ? "" : " and ") + t->get_name();
      }
      if (!taken)
        throw UsageError(option->get_name() + " is an option of " + names + ", not of " +
                         command_name);
    }
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(CommandLineError(e), facts.json_logs);
  } catch (const Error& e) {
    return fail(e, facts.json_logs);
  }

  // Logging starts before the configuration is read, so FLYRUN_LOG_FORMAT is
  // looked up here (through the config module, which owns the environment).
  Environment environment = CurrentEnvironment();
  if (g.log_format_option->count() == 0 && environment.count("FLYRUN_LOG_FORMAT"))
    g.log_format = environment.at("FLYRUN_LOG_FORMAT");
  if (g.log_format != "text" && g.log_format != "json") {
    std::cerr << "error: FLYRUN_LOG_FORMAT: '" << g.log_format << "' is not text or json\n";
    return static_cast<int>(ExitCode::kUsage);
  }
  bool json_logs = g.log_format == "json";
  ctx.json_logs = json_logs;
  SetupLogging(g.quiet ? Verbosity::kQuiet : (g.verbose ? Verbosity::kVerbose : Verbosity::kNormal),
               json_logs, &Scrub);
  // Every secret config loading registers is scrubbed from both streams
  // before it reaches them, whoever writes.
  ScopedSecretFilter scrub_out(std::cout, g.output == "json" || g.output == "sarif");
  ScopedSecretFilter scrub_err(std::cerr, json_logs);
  InstallInterruptHandlers();
  ctx.output = g.output == "json"     ? OutputFormat::kJson
               : g.output == "github" ? OutputFormat::kGithub
               : g.output == "sarif"  ? OutputFormat::kSarif
                                      : OutputFormat::kText;
  try {
    for (auto& [sub, run] : commands) {
      if (!sub->parsed()) continue;
      if ((ctx.output == OutputFormat::kGithub || ctx.output == OutputFormat::kSarif) &&
          command_name != "validate")
        throw UsageError("--output " + g.output + " is for validate only");
      ConfigInputs inputs = InputsOf(g);
      inputs.flyway_args = flyway_args;
      for (const auto& name : keep_env)
        inputs.flags["exec_keep_env"] += (inputs.flags["exec_keep_env"].empty() ? "" : ",") + name;
      ctx.config = LoadConfig(inputs, environment);
      if (sub == wait || sub == exec) {
        auto timeout = ParseDuration(wait_timeout);
        if (!timeout) throw UsageError("--timeout: '" + wait_timeout + "' is not a duration");
        ctx.wait_timeout = *timeout;
      }
      return static_cast<int>(RunOverTenants(ctx, command_name, run));  // README, Fleets
    }
    return static_cast<int>(ExitCode::kUsage);
  } catch (const Error& e) {
    return fail(e, json_logs);
  } catch (const std::exception& e) {
    return fail(Error(ExitCode::kMigrationFailed, std::string("internal error: ") + e.what()),
                json_logs);
  }
}

}  // namespace

int RunApp(int argc, char** argv) { return RunWords({argv, argv + argc}, {}); }

}  // namespace flyrun
