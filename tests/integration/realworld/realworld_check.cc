#include "realworld_check.h"

#include <chrono>
#include <fstream>
#include <iostream>

namespace flyrun::test {

std::vector<std::string> SetNames() {
  std::vector<std::string> names;
  for (const auto& s : RealworldSets()) names.push_back(s.name);
  return names;
}

std::string SetTestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

namespace {

long long MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

}  // namespace

void CheckAgainstNativeClient(const std::string& set_name, Form form) {
  const RealworldSet& set = FindSet(set_name);
  FLYRUN_REQUIRE_CORPUS(std::filesystem::path("realworld") / set.name);
  if (std::string var = ServerUrlVariable(set.engine); !var.empty()) {
    FLYRUN_SERVER_URL(server_url, var.c_str());
  }
  TempDir work;
  auto by_flyrun = CreateScratchDb(set.engine, work.path(), "corpus_flyrun");
  auto by_client = CreateScratchDb(set.engine, work.path(), "corpus_client");
  if (set.needs_mysql8) {
    std::string version = ServerVersion(*by_client, set.engine);
    if (version.find("MariaDB") != std::string::npos) {
      GTEST_SKIP() << set.name << " is written for MySQL 8 and MariaDB's own client rejects it "
                   << "too (its SOURCES.md: V1_1__initial.sql:65, `offset` is reserved in "
                   << "MariaDB); the server here is " << version;
    }
  }
  ScriptOrder order = OrderScripts(set);
  ASSERT_FALSE(order.applied.empty()) << SetDir(set);

  auto start = std::chrono::steady_clock::now();
  Invocation inv = Prepare(form, set, *by_flyrun, work.path() / "flyrun");
  RunResult migrated = Migrate(inv);
  ASSERT_EQ(0, migrated.exit_code) << FormName(form) << " migrate of " << set.name << "\n"
                                   << migrated.out << migrated.err;
  RunResult info = InfoJson(inv);
  ASSERT_EQ(0, info.exit_code) << info.out << info.err;
  EXPECT_TRUE(InfoShowsApplied(info.out, order)) << set.name;
  long long flyrun_ms = MillisSince(start);

  start = std::chrono::steady_clock::now();
  std::filesystem::path copies = work.path() / "client";
  std::filesystem::create_directories(copies);
  std::vector<ClientFile> client_files;
  for (const auto& file : order.applied) {
    // Numbered copies: the client reads exactly what Flyway sends, in order.
    std::filesystem::path copy =
        copies / (std::to_string(client_files.size() + 1) + "-" + file.name);
    std::ofstream(copy, std::ios::binary) << ReplacePlaceholders(set, ReadFile(file.path));
    client_files.push_back({copy, set.outside_transaction.count(file.name) == 0});
  }
  ToolResult applied = by_client->ApplyAll(client_files);
  ASSERT_EQ(0, applied.exit_code) << "the database's own client failed: " << applied.out
                                  << applied.err;
  long long client_ms = MillisSince(start);

  start = std::chrono::steady_clock::now();
  const std::string& history = inv.history_table;
  EXPECT_TRUE(SameText("schemas", "the native client's database",
                       Normalise(set, by_client->Schema(history), by_client->name()),
                       "flyrun's database",
                       Normalise(set, by_flyrun->Schema(history), by_flyrun->name())))
      << set.name;
  EXPECT_TRUE(SameText("rows", "the native client's database",
                       Normalise(set, by_client->Rows(history), by_client->name()),
                       "flyrun's database",
                       Normalise(set, by_flyrun->Rows(history), by_flyrun->name())))
      << set.name;
  std::cout << "[ realworld ] " << set.name << " (" << FormName(form)
            << "): " << order.applied.size() << " files, flyrun " << flyrun_ms << " ms, client "
            << client_ms << " ms, compare " << MillisSince(start) << " ms\n";
}

}  // namespace flyrun::test
