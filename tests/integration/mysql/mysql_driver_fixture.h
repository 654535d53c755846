#pragma once

// Shared by the MySQL driver tests: a fixture that gives each test a database
// of its own on the test server, and small helpers.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "driver/factory.h"
#include "mysql_test_util.h"
#include "support/test_support.h"

namespace flyrun::mysql_test {

using std::chrono::milliseconds;
using test::MysqlQuery;
using test::MysqlScalar;
using test::ScratchDatabase;

inline std::string TestName() {
  return ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

inline std::unique_ptr<Driver> Open(const std::string& url, ConnectionOptions options = {}) {
  options.url = url;
  return OpenDriver(options);
}

inline Statement Stmt(const std::string& sql, int line = 1, int index = 1) {
  Statement s;
  s.sql = sql;
  s.line = line;
  s.index = index;
  return s;
}

inline AppliedMigration Row(std::optional<std::string> version, const std::string& description,
                            bool success = true) {
  AppliedMigration r;
  r.version = std::move(version);
  r.description = description;
  r.type = "SQL";
  r.script = (r.version ? "V" + *r.version : std::string("R")) + "__" + description + ".sql";
  r.checksum = std::string(64, 'a');
  r.execution_time = 12;
  r.success = success;
  return r;
}

inline Error ExpectError(const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no flyrun::Error thrown";
  return Error(ExitCode::kSuccess, "");
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class MysqlDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_url_ = test::EnvOr("FLYRUN_TEST_MYSQL_URL");
    if (base_url_.empty()) {
      if (test::EnvOr("FLYRUN_REQUIRE_SERVERS") == "1") {
        FAIL() << "FLYRUN_TEST_MYSQL_URL is not set but FLYRUN_REQUIRE_SERVERS=1";
      }
      GTEST_SKIP() << "set FLYRUN_TEST_MYSQL_URL (scripts/test.sh does) to run this test";
    }
    db_ = std::make_unique<ScratchDatabase>(base_url_, TestName());
  }

  const std::string& url() const { return db_->url(); }

  std::string base_url_;
  std::unique_ptr<ScratchDatabase> db_;
};

}  // namespace flyrun::mysql_test
