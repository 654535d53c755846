// The history format seam: the rule that chooses the format, the table
// definitions per dialect, and how values are fitted to Flyway's columns.
#include "history/history_format.h"

#include <gtest/gtest.h>

#include "driver/common/history_sql.h"

namespace flyrun {
namespace {

TEST(HistoryFormat, FlywaysWhenTheConfigurationOrTheTableSaysSo) {
  EXPECT_EQ(ChooseHistoryFormat(false, std::nullopt), HistoryFormat::kFlyrun);
  EXPECT_EQ(ChooseHistoryFormat(false, false), HistoryFormat::kFlyrun);
  EXPECT_EQ(ChooseHistoryFormat(false, true), HistoryFormat::kFlyway);
  EXPECT_EQ(ChooseHistoryFormat(true, std::nullopt), HistoryFormat::kFlyway);
  EXPECT_EQ(ChooseHistoryFormat(true, false), HistoryFormat::kFlyway);
}

TEST(HistoryFormat, IntegerColumnTypesAsCatalogsSpellThem) {
  for (const char* t : {"integer", "int", "INT", "int(11)", "INTEGER", "bigint"})
    EXPECT_TRUE(IsIntegerColumnType(t)) << t;
  for (const char* t : {"character varying(64)", "varchar", "VARCHAR(64)", "text", ""})
    EXPECT_FALSE(IsIntegerColumnType(t)) << t;
}

TEST(HistoryFormat, LongValuesAreCutAsFlywayCutsThem) {
  EXPECT_EQ(FitColumn("short", 200), "short");
  EXPECT_EQ(FitColumn(std::string(200, 'a'), 200), std::string(200, 'a'));
  EXPECT_EQ(FitColumn(std::string(201, 'a'), 200), std::string(197, 'a') + "...");
  // Characters, not bytes: a multi-byte character is never split.
  std::string e_acute = "\xC3\xA9";
  std::string long_text;
  for (int i = 0; i < 201; ++i) long_text += e_acute;
  std::string cut;
  for (int i = 0; i < 197; ++i) cut += e_acute;
  EXPECT_EQ(FitColumn(long_text, 200), cut + "...");
  AppliedMigration row;
  row.description = std::string(300, 'd');
  row.script = std::string(1001, 's');
  row = FitHistoryRow(row);
  EXPECT_EQ(row.description.size(), 200u);
  EXPECT_EQ(row.script, std::string(997, 's') + "...");
}

TEST(HistoryFormat, BaselineDescriptionAndVersion) {
  EXPECT_EQ(BaselineDescription(HistoryFormat::kFlyway, "<< flyrun baseline >>"),
            "<< Flyway Baseline >>");
  EXPECT_EQ(BaselineDescription(HistoryFormat::kFlyway, "adopted"), "adopted");
  EXPECT_EQ(BaselineDescription(HistoryFormat::kFlyrun, "<< flyrun baseline >>"),
            "<< flyrun baseline >>");
  EXPECT_EQ(HistoryVersion(HistoryFormat::kFlyway, "5.0.2014.8.8", "5.0.2014.08.08"),
            "5.0.2014.08.08");
  EXPECT_EQ(HistoryVersion(HistoryFormat::kFlyrun, "5.0.2014.8.8", "5.0.2014.08.08"),
            "5.0.2014.8.8");
  EXPECT_EQ(HistoryVersion(HistoryFormat::kFlyway, "2", ""), "2");
}

std::string Joined(const std::vector<std::string>& statements) {
  std::string out;
  for (const auto& s : statements) out += s + ";\n";
  return out;
}

TEST(HistoryTableStatements, FlywaysDefinitionPerDialect) {
  std::string pg =
      Joined(HistoryTableStatements(HistoryFormat::kFlyway, Dialect::kPostgres,
                                    {"\"public\".\"fsh\"", "\"fsh_pk\"", "\"fsh_s_idx\""}));
  EXPECT_NE(pg.find("checksum INTEGER,"), std::string::npos) << pg;
  EXPECT_NE(pg.find("installed_on TIMESTAMP NOT NULL DEFAULT now()"), std::string::npos) << pg;
  EXPECT_NE(pg.find("ALTER TABLE \"public\".\"fsh\" ADD CONSTRAINT \"fsh_pk\" PRIMARY KEY "
                    "(installed_rank)"),
            std::string::npos)
      << pg;
  EXPECT_NE(pg.find("CREATE INDEX \"fsh_s_idx\" ON \"public\".\"fsh\" (success)"),
            std::string::npos)
      << pg;
  EXPECT_EQ(pg.find("IF NOT EXISTS"), std::string::npos) << pg;

  std::string my = Joined(HistoryTableStatements(HistoryFormat::kFlyway, Dialect::kMysql,
                                                 {"`db`.`fsh`", "`fsh_pk`", "`fsh_s_idx`"}));
  EXPECT_NE(my.find("checksum INT,"), std::string::npos) << my;
  EXPECT_NE(my.find("success BOOL NOT NULL, CONSTRAINT `fsh_pk` PRIMARY KEY (installed_rank)) "
                    "ENGINE=InnoDB"),
            std::string::npos)
      << my;
  EXPECT_NE(my.find("CREATE INDEX `fsh_s_idx` ON `db`.`fsh` (success)"), std::string::npos) << my;

  std::string lite =
      Joined(HistoryTableStatements(HistoryFormat::kFlyway, Dialect::kSqlite,
                                    {"\"main\".\"fsh\"", "\"fsh_pk\"", "\"main\".\"fsh_s_idx\""}));
  EXPECT_NE(lite.find("installed_rank INT NOT NULL PRIMARY KEY"), std::string::npos) << lite;
  EXPECT_NE(lite.find("installed_on TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now'))"),
            std::string::npos)
      << lite;
  EXPECT_NE(lite.find("CREATE INDEX \"main\".\"fsh_s_idx\" ON \"fsh\" (success)"),
            std::string::npos)
      << lite;
}

TEST(HistoryTableStatements, FlyrunsDefinitionIsUnchanged) {
  auto pg = HistoryTableStatements(HistoryFormat::kFlyrun, Dialect::kPostgres,
                                   {"\"public\".\"h\"", "\"h_pk\"", "\"h_s_idx\""});
  ASSERT_EQ(pg.size(), 2u);
  EXPECT_NE(pg[0].find("CREATE TABLE IF NOT EXISTS \"public\".\"h\" (installed_rank INT NOT "
                       "NULL PRIMARY KEY"),
            std::string::npos);
  EXPECT_NE(pg[0].find("checksum VARCHAR(64)"), std::string::npos);
  EXPECT_EQ(pg[1], "CREATE INDEX IF NOT EXISTS \"h_s_idx\" ON \"public\".\"h\" (success)");
  auto lite = HistoryTableStatements(HistoryFormat::kFlyrun, Dialect::kSqlite, {"\"h\"", "", ""});
  ASSERT_EQ(lite.size(), 1u);
  EXPECT_NE(lite[0].find("TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"), std::string::npos);
}

}  // namespace
}  // namespace flyrun
