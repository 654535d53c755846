// A server that refuses writes (Driver::ReadOnlyReason(): a standby, read_only)
// is refused at once, in one place, by every command that changes the
// database, whatever the dialect; commands that only read work on it.
#include <gtest/gtest.h>

#include <functional>
#include <sstream>

#include "commands/commands.h"
#include "commands/context.h"
#include "core/error.h"
#include "fake_driver.h"
#include "support/test_support.h"

namespace flyrun::test {
namespace {

class ReadOnlyFake : public FakeDriver {
 public:
  using FakeDriver::FakeDriver;
  std::string ReadOnlyReason() override { return "read_only is on (a replica)"; }
};

class ReadOnlyServerTest : public ::testing::Test {
 protected:
  CommandContext Context() {
    CommandContext ctx;
    ctx.config.url = "fake:";
    ctx.config.locations = {(dir.path() / "sql").string()};
    ctx.config.connect_retries = 10;
    ctx.out = &out;
    ctx.open_driver = [this](const Config&) { return std::make_unique<ReadOnlyFake>(db); };
    return ctx;
  }

  TempDir dir;
  FakeDatabase db;
  std::ostringstream out;
};

TEST_F(ReadOnlyServerTest, CommandsThatChangeTheDatabaseRefuseIt) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id int);\n");
  dir.Write("sql/U1__a.sql", "DROP TABLE a;\n");
  using Command = std::function<ExitCode(const CommandContext&)>;
  for (const auto& [name, command] :
       std::vector<std::pair<std::string, Command>>{{"migrate", RunMigrate},
                                                    {"baseline", RunBaseline},
                                                    {"repair", RunRepair},
                                                    {"undo", RunUndo}}) {
    CommandContext ctx = Context();
    try {
      command(ctx);
      ADD_FAILURE() << name << " ran on a read-only server";
    } catch (const Error& e) {
      EXPECT_EQ(ExitCode::kConnect, e.code()) << name << ": " << e.what();
      EXPECT_NE(std::string::npos, std::string(e.what()).find("is read-only: read_only is on"))
          << name << ": " << e.what();
    }
  }
  EXPECT_EQ(0, db.Count("BEGIN"));
  EXPECT_FALSE(db.locked);
  EXPECT_TRUE(db.history.empty());
}

TEST_F(ReadOnlyServerTest, CommandsThatReadWorkOnIt) {
  dir.Write("sql/V1__a.sql", "CREATE TABLE a (id int);\n");
  EXPECT_EQ(ExitCode::kSuccess, RunInfo(Context()));
  EXPECT_NE(std::string::npos, out.str().find("Pending")) << out.str();
}

}  // namespace
}  // namespace flyrun::test
