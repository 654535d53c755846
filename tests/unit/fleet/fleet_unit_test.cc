// The fleet runner's pieces that need no database: the tenants file, the
// exit code of a fleet, and the migrations scanned and hashed once for all
// tenants however many threads ask at once.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "commands/context.h"
#include "config/secrets.h"
#include "core/error.h"
#include "fleet/fleet.h"
#include "fleet/tenants.h"
#include "support/test_support.h"

namespace flyrun {
namespace {

using test::TempDir;

Error ReadError(const std::string& path) {
  try {
    ReadTenants(path);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << path;
  return Error(ExitCode::kSuccess, "");
}

TEST(Tenants, UrlsSchemasCommentsAndBlankLines) {
  TempDir dir;
  auto path = dir.Write("tenants.txt",
                        "# the tenants\n"
                        "\n"
                        "sqlite:a.db\n"
                        "  postgresql://app:s3cret-pw@db.internal/shop   tenant_7  \r\n"
                        "   # indented comment\n"
                        "jdbc:postgresql://db.internal:5433/shop?user=app\n");
  auto tenants = ReadTenants(path.string());
  ASSERT_EQ(tenants.size(), 3u);
  EXPECT_EQ(tenants[0].url, "sqlite:a.db");
  EXPECT_EQ(tenants[0].schema, "");
  EXPECT_EQ(tenants[0].line, 3);
  EXPECT_EQ(tenants[1].schema, "tenant_7");
  EXPECT_EQ(tenants[1].line, 4);
  EXPECT_EQ(tenants[1].Label(), "postgresql://app:***@db.internal/shop schema tenant_7");
  // jdbc: URLs are translated as the url key's are.
  EXPECT_EQ(tenants[2].url.rfind("postgresql://", 0), 0u) << tenants[2].url;
  // The password is a registered secret: scrubbed from any output.
  EXPECT_EQ(Scrub("pw=s3cret-pw"), "pw=***");
}

TEST(Tenants, ABadLineNamesFileAndLine) {
  TempDir dir;
  auto path = dir.Write("t.txt", "sqlite:a.db\n\nsqlite:b.db schema extra\n");
  Error e = ReadError(path.string());
  EXPECT_EQ(e.code(), ExitCode::kUsage);
  EXPECT_EQ(e.file, path.string());
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(std::string(e.what()).find(path.string() + ":3:"), std::string::npos) << e.what();
}

TEST(Tenants, ABadUrlNamesFileAndLineWithoutItsPassword) {
  TempDir dir;
  auto path = dir.Write("t.txt", "sqlite:a.db\npostgresql://u:hunter22@h:99999/db\n");
  Error e = ReadError(path.string());
  EXPECT_EQ(e.code(), ExitCode::kUsage);
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(std::string(e.what()).find("hunter22"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("99999"), std::string::npos) << e.what();
}

TEST(Tenants, ATenantListedTwiceIsAnError) {
  TempDir dir;
  auto path = dir.Write("t.txt", "sqlite:a.db s1\nsqlite:a.db s2\nsqlite:a.db s1\n");
  Error e = ReadError(path.string());
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(std::string(e.what()).find("line 1"), std::string::npos) << e.what();
}

TEST(Tenants, AFileWithoutTenantsOrUnreadableIsAnError) {
  TempDir dir;
  EXPECT_EQ(ReadError(dir.Write("t.txt", "# nothing\n\n").string()).code(), ExitCode::kUsage);
  EXPECT_EQ(ReadError((dir.path() / "missing.txt").string()).code(), ExitCode::kUsage);
}

TEST(FleetExitCode, HighestCodeButAnInterruptWins) {
  EXPECT_EQ(MostSevere(ExitCode::kSuccess, ExitCode::kSuccess), ExitCode::kSuccess);
  EXPECT_EQ(MostSevere(ExitCode::kSuccess, ExitCode::kMigrationFailed), ExitCode::kMigrationFailed);
  EXPECT_EQ(MostSevere(ExitCode::kConnect, ExitCode::kMigrationFailed), ExitCode::kConnect);
  EXPECT_EQ(MostSevere(ExitCode::kLock, ExitCode::kInterrupted), ExitCode::kInterrupted);
  EXPECT_EQ(MostSevere(ExitCode::kInterrupted, ExitCode::kLock), ExitCode::kInterrupted);
}

TEST(MigrationCache, ScansOnceAndHashesOncePerFormatForAllThreads) {
  TempDir dir;
  for (int v = 1; v <= 5; ++v)
    dir.Write("sql/V" + std::to_string(v) + "__t.sql",
              "CREATE TABLE t" + std::to_string(v) + "(x int);\n");
  dir.Write("sql/R__view.sql", "CREATE VIEW v AS SELECT 1;\n");
  Config config;
  config.locations = {(dir.path() / "sql").string()};
  MigrationCache cache;
  std::vector<LoadedMigrations> seen(16);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      seen[i] = cache.Load(config);
      cache.UseFormat(seen[i], config, i % 2 ? HistoryFormat::kFlyway : HistoryFormat::kFlyrun,
                      "user" + std::to_string(i), "db");
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(cache.scans(), 1);
  // Six files, two formats; the Flyway repeatable's checksum covers the
  // session's placeholders, so it is computed per session instead.
  EXPECT_EQ(cache.checksums_computed(), 6u + 5u);
  LoadedMigrations alone = LoadMigrations(config);
  for (size_t i = 0; i < seen.size(); ++i) {
    ASSERT_EQ(seen[i].migrations.size(), 6u);
    HistoryFormat format = i % 2 ? HistoryFormat::kFlyway : HistoryFormat::kFlyrun;
    EXPECT_EQ(seen[i].format, format);
    for (size_t m = 0; m < alone.migrations.size(); ++m) {
      EXPECT_EQ(seen[i].migrations[m].checksum,
                ChecksumOf(alone.migrations[m], config, format, "user" + std::to_string(i), "db"))
          << alone.migrations[m].script;
    }
  }
}

}  // namespace
}  // namespace flyrun
