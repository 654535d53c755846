// The real-world scripts in the shared corpus (Flyway's parser fixtures) split into
// the statements a reader sees: the start line of every statement, "!" when it is
// flagged non-transactional, "c" when COPY data follows. The counts were checked by
// reading each file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "parse/statement_source.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

struct CorpusFile {
  const char* path;
  Dialect dialect;
  const char* statements;
};

const CorpusFile kCorpus[] = {
    {"flyway/generic/comment/V1__Comment.sql", Dialect::kPostgres, "20 26 35 41"},
    {"flyway/generic/quote/V1__TableNameQuote.sql", Dialect::kPostgres, "17 22 27 32"},
    {"flyway/generic/semicolon/V1_1__Populate_table.sql", Dialect::kPostgres, "17 18 19"},
    {"flyway/generic/semicolon/V1__First.sql", Dialect::kPostgres, "17"},
    {"flyway/generic/sql/V1.1__View.sql", Dialect::kPostgres, "17"},
    {"flyway/generic/sql/V1_2__Populate_table.sql", Dialect::kPostgres, "17 18 20"},
    {"flyway/generic/sql/V1__First.sql", Dialect::kPostgres, "17"},
    {"flyway/generic/sql/"
     "V2_0__Add_foreign_key_and_super_mega_humongous_padding_to_exceed_the_maximum_column_length_"
     "in_the_metadata_table.sql",
     Dialect::kPostgres, "17 26"},
    {"flyway/generic/subdir/V1_1__Populate_table.sql", Dialect::kPostgres, "17"},
    {"flyway/generic/subdir/dir1/V1__First.sql", Dialect::kPostgres, "17"},
    {"flyway/generic/subdir/dir2/V2_0__Add_foreign_key.sql", Dialect::kPostgres, "17"},
    {"flyway/mysql/delimiter/V1__Delimiter.sql", Dialect::kMysql, "19 21 25 28 33 44 46 50 70"},
    {"flyway/mysql/doublequote/V1__DoubleQuote.sql", Dialect::kMysql, "17 18 19 21 26 31 36"},
    {"flyway/mysql/dump/V1__Dump.sql", Dialect::kMysql,
     "17 18 19 20 21 22 23 24 25 26 32 33 34 35 70 76 77 78 79 96 102 103 104 105 116 122 123 124 "
     "125 136 142 143 144 145 156 162 163 164 165 185 191 192 193 194 235 241 242 243 244 250 256 "
     "257 258 259 270 276 277 278 279 284 290 291 292 293 306 312 313 314 315 324 330 331 332 333 "
     "342 348 349 350 351 370 376 377 378 379 399 405 406 407 408 417 423 424 425 426 439 445 446 "
     "447 448 468 474 475 476 477 483 489 490 491 492 519 525 526 527 528 544 550 551 552 553 567 "
     "573 574 575 576 587 593 594 595 596 612 618 619 620 621 635 641 642 643 644 656 662 663 664 "
     "665 680 681 683 684 685 686 687 688 689"},
    {"flyway/mysql/escape/V1__Escape.sql", Dialect::kMysql, "17 24 25 26 27 28"},
    {"flyway/mysql/event/V1__Event.sql", Dialect::kMysql, "17 21"},
    {"flyway/mysql/hashcomment/V1__HashComment.sql", Dialect::kMysql, "23"},
    {"flyway/mysql/procedure/V1__Procedure.sql", Dialect::kMysql, "17 23 29 33 40 49 51 62 63 66"},
    {"flyway/mysql/quote/V1__TableNameQuote.sql", Dialect::kMysql, "17 22 27"},
    {"flyway/mysql/trigger/V1__Trigger.sql", Dialect::kMysql, "17 18 19 20 27 37 41"},
    {"flyway/mysql/uppercase/V1__Uppercase.sql", Dialect::kMysql, "17"},
    {"flyway/mysql/view/V1__View.sql", Dialect::kMysql, "17 18 19"},
    {"flyway/postgresql/aggregate/V1__Aggregate.sql", Dialect::kPostgres, "18 29"},
    {"flyway/postgresql/basetype/V1__BaseType.sql", Dialect::kPostgres, "17 19 23 26"},
    {"flyway/postgresql/concurrent/V1.1__View.sql", Dialect::kPostgres, "17 23 25!"},
    {"flyway/postgresql/concurrent/V1_2__Populate_table.sql", Dialect::kPostgres, "17 18"},
    {"flyway/postgresql/concurrent/V1__First.sql", Dialect::kPostgres, "17"},
    {"flyway/postgresql/concurrent/"
     "V2_0__Add_foreign_key_and_super_mega_humongous_padding_to_exceed_the_maximum_column_length_"
     "in_the_metadata_table.sql",
     Dialect::kPostgres, "17 26"},
    {"flyway/postgresql/copy/V002__create_copy_test_table.sql", Dialect::kPostgres,
     "21 22 23 24 25 27 29 31 37 47 58"},
    {"flyway/postgresql/copy/V003__fill_copy_test_table_with_copy.sql", Dialect::kPostgres,
     "21 22 23 24 25 27 33c 39c 51"},
    {"flyway/postgresql/dollar/V1__Dollar.sql", Dialect::kPostgres,
     "17 19 20 21 22 23 25 30 35 40"},
    {"flyway/postgresql/dollar/V2__Even_more_dollars.sql", Dialect::kPostgres, "17 23 28"},
    {"flyway/postgresql/domain/V1__Domain.sql", Dialect::kPostgres, "17 18 19 21 22"},
    {"flyway/postgresql/enum/V1__Enum.sql", Dialect::kPostgres, "17 18 19"},
    {"flyway/postgresql/function/V1__Function.sql", Dialect::kPostgres, "17"},
    {"flyway/postgresql/index/V1__Index.sql", Dialect::kPostgres, "17 23!"},
    {"flyway/postgresql/inheritance/V1__Inheritance.sql", Dialect::kPostgres, "17 23"},
    {"flyway/postgresql/lock/V2__dummy.sql", Dialect::kPostgres, "21"},
    {"flyway/postgresql/lock/V3__lock.sql", Dialect::kPostgres, "17"},
    {"flyway/postgresql/materializedview/V1__MaterializedView.sql", Dialect::kPostgres, "17 19 21"},
    {"flyway/postgresql/multiline/V1__MultiLine.sql", Dialect::kPostgres, "17 22 25"},
    {"flyway/postgresql/procedure/V1__Procedure.sql", Dialect::kPostgres, "17 21 29 31 35 39"},
    {"flyway/postgresql/rule/V1__Rule.sql", Dialect::kPostgres, "17 21 25 29 37"},
    {"flyway/postgresql/setrole/V0.1__Set_role.sql", Dialect::kPostgres, "17 18 19"},
    {"flyway/postgresql/trigger/V1__Trigger.sql", Dialect::kPostgres,
     "17 18 19 20 25 26 28 39 44 48"},
    {"flyway/postgresql/type/V1__Type.sql", Dialect::kPostgres, "17 19 21 23"},
    {"flyway/postgresql/vacuum/V1__Vacuum.sql", Dialect::kPostgres, "17 18 19!"},
    {"flyway/postgresql/view/V1__View.sql", Dialect::kPostgres, "17 18 19 21"},
    {"flyway/postgresql/warning/V1__Warning.sql", Dialect::kPostgres, "17 24"},
    {"flyway/sqlite/autoincrement/V1__Autoincrement.sql", Dialect::kSqlite, "17"},
    {"flyway/sqlite/foreign_key/V1__ForeignKey.sql", Dialect::kSqlite, "17 21 26 27"},
    {"flyway/sqlite/trigger/V1__Trigger.sql", Dialect::kSqlite, "17 23"},
};

std::string Summary(const std::string& path, Dialect dialect, int* count) {
  SplitOptions options;
  options.dialect = dialect;
  options.placeholders = {{"schema", "public"}};
  auto source = StatementSource::Open(path, options);
  std::string summary;
  Statement st;
  *count = 0;
  while (source->Next(st)) {
    ++*count;
    if (!summary.empty()) summary += ' ';
    summary += std::to_string(st.line);
    if (!st.non_transactional.empty()) summary += '!';
    if (st.copy_data != nullptr) summary += 'c';
    EXPECT_EQ(st.index, *count);
    EXPECT_EQ(st.column, 1) << path << ":" << st.line;
    EXPECT_EQ(st.sql.find("Licensed under"), std::string::npos) << "header comment kept";
    EXPECT_FALSE(st.sql.empty());
    EXPECT_FALSE(std::isspace(static_cast<unsigned char>(st.sql.back())));
  }
  return summary;
}

TEST(Corpus, EveryFileSplitsAsExpected) {
  FLYRUN_REQUIRE_CORPUS("flyway");
  std::filesystem::path root = CorpusDir();
  std::set<std::string> listed;
  for (const CorpusFile& f : kCorpus) {
    listed.insert(f.path);
    int count = 0;
    EXPECT_EQ(f.statements, Summary((root / f.path).string(), f.dialect, &count)) << f.path;
    // Generic scripts are plain SQL that every dialect splits the same way.
    if (std::string(f.path).find("/generic/") != std::string::npos) {
      for (Dialect d : {Dialect::kMysql, Dialect::kSqlite}) {
        EXPECT_EQ(f.statements, Summary((root / f.path).string(), d, &count)) << f.path;
      }
    }
  }
  for (const auto& e : std::filesystem::recursive_directory_iterator(root / "flyway")) {
    if (e.path().extension() != ".sql") continue;
    std::string rel = std::filesystem::relative(e.path(), root).string();
    EXPECT_TRUE(listed.count(rel)) << "corpus file without expectations: " << rel;
  }
}

TEST(Corpus, MysqlDumpHasOneStatementPerTerminatedLine) {
  // Every statement of this mysqldump output ends a line with ';'.
  FLYRUN_REQUIRE_CORPUS("flyway/mysql/dump/V1__Dump.sql");
  std::filesystem::path path = CorpusDir() / "flyway/mysql/dump/V1__Dump.sql";
  std::ifstream in(path);
  std::string line;
  int terminated = 0;
  while (std::getline(in, line)) {
    if (line.rfind("--", 0) != 0 && !line.empty() && line.back() == ';') ++terminated;
  }
  int count = 0;
  Summary(path.string(), Dialect::kMysql, &count);
  EXPECT_EQ(153, count);
  EXPECT_EQ(terminated, count);
}

}  // namespace
}  // namespace flyrun::test
