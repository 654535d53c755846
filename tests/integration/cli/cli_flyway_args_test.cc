// Flyway's command-line grammar taken apart into flyrun's arguments, Flyway
// configuration arguments and verbs (cli/command_line.h).

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cli/command_line.h"

namespace flyrun {
namespace {

using Strings = std::vector<std::string>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

TranslatedCommandLine Translate(Strings words) {
  words.insert(words.begin(), "flyway");
  std::vector<const char*> argv;
  for (const auto& w : words) argv.push_back(w.c_str());
  // A few of flyrun's options that read a value.
  static const std::set<std::string> kValued = {"--url", "--placeholder", "--output", "--config",
                                                "--timeout"};
  return TranslateCommandLine(static_cast<int>(argv.size()), argv.data(),
                              [](const std::string& name) { return kValued.count(name) > 0; });
}

TEST(FlywayCommandLine, KeyValueArgumentsAreFlywayConfiguration) {
  auto t = Translate({"-url=jdbc:postgresql://db:5432/app", "-user=app", "-password=s3cret",
                      "-locations=filesystem:sql", "migrate"});
  EXPECT_EQ(t.args, Strings{"migrate"});
  EXPECT_EQ(t.flyway_args, (Pairs{{"url", "jdbc:postgresql://db:5432/app"},
                                  {"user", "app"},
                                  {"password", "s3cret"},
                                  {"locations", "filesystem:sql"}}));
  EXPECT_TRUE(t.verbs.empty());

  t = Translate({"info", "-placeholders.tenant=acme", "-configFiles=a.conf,b.conf",
                 "-workingDirectory=dir", "-flyway.table=hist", "-value=a=b", "-empty="});
  EXPECT_EQ(t.args, Strings{"info"});
  EXPECT_EQ(t.flyway_args, (Pairs{{"placeholders.tenant", "acme"},
                                  {"configFiles", "a.conf,b.conf"},
                                  {"workingDirectory", "dir"},
                                  {"table", "hist"},
                                  {"value", "a=b"},
                                  {"empty", ""}}));
}

TEST(FlywayCommandLine, UnknownDashKeysArePassedOnForConfigToJudge) {
  auto t = Translate({"-licenseKey=x", "-community", "migrate"});
  EXPECT_EQ(t.args, Strings{"migrate"});
  EXPECT_EQ(t.flyway_args, (Pairs{{"licenseKey", "x"}, {"community", ""}}));
}

TEST(FlywayCommandLine, FlywayFlagsBecomeFlyrunOnes) {
  EXPECT_EQ(Translate({"-X", "migrate"}).args, (Strings{"-v", "migrate"}));
  EXPECT_EQ(Translate({"-q", "migrate"}).args, (Strings{"-q", "migrate"}));
  EXPECT_EQ(Translate({"-outputType=json", "info"}).args, (Strings{"--output", "json", "info"}));
  EXPECT_EQ(Translate({"info", "-outputType=JSON"}).args, (Strings{"info", "--output", "json"}));
  EXPECT_EQ(Translate({"-json", "info"}).args, (Strings{"--output", "json", "info"}));
  EXPECT_EQ(Translate({"-n", "info"}).args, Strings{"info"});
  EXPECT_EQ(Translate({"-?"}).args, Strings{"--help"});
  EXPECT_TRUE(Translate({"-X", "-q", "-outputType=json", "-n", "info"}).flyway_args.empty());
}

TEST(FlywayCommandLine, FlyrunsOwnArgumentsPassUnchanged) {
  Strings own = {"--url",         "sqlite:a.db", "-v",      "--placeholder", "-x=y",
                 "--output=json", "-qv",         "migrate", "--dry-run",     "-h"};
  auto t = Translate(own);
  EXPECT_EQ(t.args, own);
  EXPECT_TRUE(t.flyway_args.empty());
  // Mixed with Flyway's.
  t = Translate({"--url", "sqlite:a.db", "-user=app", "-X", "migrate", "--dry-run"});
  EXPECT_EQ(t.args, (Strings{"--url", "sqlite:a.db", "-v", "migrate", "--dry-run"}));
  EXPECT_EQ(t.flyway_args, (Pairs{{"user", "app"}}));
  // Everything after "--" is the command of exec.
  t = Translate({"exec", "--timeout", "5s", "--", "server", "-port=80", "migrate"});
  EXPECT_EQ(t.args, (Strings{"exec", "--timeout", "5s", "--", "server", "-port=80", "migrate"}));
  EXPECT_TRUE(t.flyway_args.empty());
  EXPECT_TRUE(t.verbs.empty());
}

TEST(FlywayCommandLine, SeveralVerbsRunOneAfterTheOther) {
  auto t = Translate({"-url=x", "clean", "migrate", "-X", "info"});
  EXPECT_EQ(t.args, (Strings{"clean", "migrate", "-v", "info"}));
  ASSERT_EQ(t.verbs, (std::vector<size_t>{0, 1, 3}));
  EXPECT_EQ(t.ArgsFor(0), (Strings{"clean", "-v"}));
  EXPECT_EQ(t.ArgsFor(1), (Strings{"migrate", "-v"}));
  EXPECT_EQ(t.ArgsFor(2), (Strings{"-v", "info"}));
  EXPECT_EQ(t.flyway_args, (Pairs{{"url", "x"}}));

  t = Translate({"migrate", "info", "--dry-run"});
  EXPECT_EQ(t.ArgsFor(0), (Strings{"migrate", "--dry-run"}));
  EXPECT_EQ(t.ArgsFor(1), (Strings{"info", "--dry-run"}));
  // Only Flyway's verbs chain: the description of `new` is not a verb.
  EXPECT_TRUE(Translate({"new", "migrate"}).verbs.empty());
  EXPECT_TRUE(Translate({"migrate"}).verbs.empty());
  // A word that is no verb stays for the command to reject.
  t = Translate({"migrate", "frobnicate", "info"});
  EXPECT_EQ(t.verbs, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(t.ArgsFor(0), (Strings{"migrate", "frobnicate"}));
  // Translating what was translated changes nothing (each verb runs so).
  auto again = Translate(Translate({"-X", "-outputType=json", "clean", "migrate"}).ArgsFor(1));
  EXPECT_EQ(again.args, (Strings{"-v", "--output", "json", "migrate"}));
  EXPECT_TRUE(again.flyway_args.empty());
  EXPECT_TRUE(again.verbs.empty());
}

TEST(FlywayCommandLine, VersionAndHelpVerbs) {
  EXPECT_EQ(Translate({"version"}).args, Strings{"--version"});
  EXPECT_EQ(Translate({"help"}).args, Strings{"--help"});
  EXPECT_EQ(Translate({"help", "migrate"}).args, (Strings{"migrate", "--help"}));
  EXPECT_EQ(Translate({"-X", "help", "info"}).args, (Strings{"-v", "info", "--help"}));
  // As the description of `new`, they are words.
  EXPECT_EQ(Translate({"new", "version"}).args, (Strings{"new", "version"}));
}

TEST(FlywayCommandLine, FactsOfTheCommandLineKnowFlywaysSpellings) {
  CLI::App app;
  std::string output;
  app.add_option("--output", output);
  app.add_subcommand("info");
  for (Strings words : {Strings{"flyway", "-outputType=json", "-url=x", "info"},
                        Strings{"flyway", "info", "-json"}}) {
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    CommandLineFacts facts = ScanCommandLine(app, static_cast<int>(argv.size()), argv.data());
    EXPECT_TRUE(facts.json_output) << words[1];
    EXPECT_EQ(facts.command, "info");
    EXPECT_TRUE(facts.known_command);
  }
}

}  // namespace
}  // namespace flyrun
