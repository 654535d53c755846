#include <gtest/gtest.h>

#include <algorithm>

#include "config/config.h"

namespace flyrun {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, Units) {
  EXPECT_EQ(ParseDuration("30"), milliseconds(30000));
  EXPECT_EQ(ParseDuration("30s"), milliseconds(30000));
  EXPECT_EQ(ParseDuration("5m"), milliseconds(300000));
  EXPECT_EQ(ParseDuration("1h"), milliseconds(3600000));
  EXPECT_EQ(ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(ParseDuration("0"), milliseconds(0));
  EXPECT_EQ(ParseDuration("0ms"), milliseconds(0));
  EXPECT_EQ(ParseDuration(" 10s "), milliseconds(10000));
  EXPECT_EQ(ParseDuration("007s"), milliseconds(7000));
  EXPECT_EQ(ParseDuration("999999999999h"), milliseconds(999999999999LL * 3600000));
}

TEST(ParseDuration, Rejects) {
  for (const char* bad :
       {"", " ", "abc", "s", "ms", "-1", "-5s", "1.5s", "5 m", "5min", "10d", "5S", "1h30m", "30s5",
        "+3", "0x10", "9999999999999h", "99999999999999999999"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(ConfigKeys, EveryKeyOfSpec4InOrder) {
  const std::vector<std::string> expected = {"url",
                                             "user",
                                             "password",
                                             "password_file",
                                             "locations",
                                             "table",
                                             "schema",
                                             "target",
                                             "out_of_order",
                                             "validate_on_migrate",
                                             "baseline_on_migrate",
                                             "baseline_version",
                                             "baseline_description",
                                             "placeholders",
                                             "placeholder_replacement",
                                             "group",
                                             "connect_retries",
                                             "connect_retry_interval",
                                             "connect_timeout",
                                             "lock_timeout",
                                             "lock",
                                             "lock_lease",
                                             "tenants",
                                             "parallel",
                                             "fail_fast",
                                             "clean_enabled",
                                             "init_sql",
                                             "undo_required",
                                             "dialect",
                                             "exec_keep_env",
                                             "schemas",
                                             "create_schemas",
                                             "installed_by",
                                             "encoding",
                                             "mixed",
                                             "execute_in_transaction",
                                             "placeholder_prefix",
                                             "placeholder_suffix",
                                             "placeholder_separator",
                                             "sql_migration_prefix",
                                             "undo_sql_migration_prefix",
                                             "repeatable_sql_migration_prefix",
                                             "sql_migration_separator",
                                             "sql_migration_suffixes",
                                             "ignore_migration_patterns",
                                             "validate_migration_naming",
                                             "classpath_root",
                                             "working_directory",
                                             "environments"};
  EXPECT_EQ(ConfigKeys(), expected);
  for (const auto& key : ConfigKeys()) {
    EXPECT_TRUE(std::all_of(key.begin(), key.end(), [](char c) {
      return c == '_' || std::islower(c);
    })) << key;
  }
}

}  // namespace
}  // namespace flyrun
