// Issue 13, "Must show": every real Flyway project of corpus/realworld, run
// as a Flyway drop-in (a flyway.conf with what its SOURCES.md says the project
// configures, and no flyrun flag), leaves the same schema and rows as the
// database's own client applying the same files in the same order; the
// CONCURRENTLY files of conductor-postgres and marquez-postgres carry no
// directive. And one project gives the same result from a flyway.conf, a
// flyway.toml, FLYWAY_* variables only and Flyway-style arguments.
#include <gtest/gtest.h>

#include "realworld_check.h"

namespace flyrun::test {
namespace {

class RealworldDropIn : public ::testing::TestWithParam<std::string> {};

TEST_P(RealworldDropIn, SameAsNativeClient) {
  CheckAgainstNativeClient(GetParam(), Form::kFlywayConf);
}

INSTANTIATE_TEST_SUITE_P(Corpus, RealworldDropIn, ::testing::ValuesIn(SetNames()), SetTestName);

struct Outcome {
  std::string schema, rows, history;
};

// conductor-postgres: placeholders (quoted values among them), four
// locations, outOfOrder, and a CONCURRENTLY file without a directive.
TEST(RealworldFlywayForms, SameResultFromConfTomlEnvAndArgs) {
  const RealworldSet& set = FindSet("conductor-postgres");
  FLYRUN_REQUIRE_CORPUS(std::filesystem::path("realworld") / set.name);
  FLYRUN_SERVER_URL(server_url, "FLYRUN_TEST_PG_URL");
  TempDir work;
  std::vector<Form> forms{Form::kFlywayConf, Form::kFlywayToml, Form::kFlywayEnv,
                          Form::kFlywayArgs};
  std::vector<Outcome> outcomes;
  for (Form form : forms) {
    auto db = CreateScratchDb(set.engine, work.path(), "corpus_" + FormName(form));
    Invocation inv = Prepare(form, set, *db, work.path() / FormName(form));
    RunResult migrated = Migrate(inv);
    ASSERT_EQ(0, migrated.exit_code) << FormName(form) << "\n" << migrated.out << migrated.err;
    ASSERT_EQ("flyway_schema_history", inv.history_table);
    outcomes.push_back({Normalise(set, db->Schema(inv.history_table), db->name()),
                        Normalise(set, db->Rows(inv.history_table), db->name()),
                        db->History(inv.history_table)});
    EXPECT_NE("", outcomes.back().history) << FormName(form) << " recorded no history";
  }
  for (size_t i = 1; i < forms.size(); ++i) {
    std::string a = FormName(forms[0]), b = FormName(forms[i]);
    EXPECT_TRUE(SameText("schemas", a, outcomes[0].schema, b, outcomes[i].schema));
    EXPECT_TRUE(SameText("rows", a, outcomes[0].rows, b, outcomes[i].rows));
    EXPECT_TRUE(SameText("history rows", a, outcomes[0].history, b, outcomes[i].history));
  }
}

}  // namespace
}  // namespace flyrun::test
