#pragma once

#include <string>
#include <vector>

#include "realworld_flyrun.h"

namespace flyrun::test {

/// The names of every set, for parameterised tests.
std::vector<std::string> SetNames();

/// A test name for a set ("conductor-postgres" -> "conductor_postgres").
std::string SetTestName(const ::testing::TestParamInfo<std::string>& info);

/// For one set: flyrun (told in `form`) migrates a fresh database and `info`
/// then shows every file as Success in the expected order; the database's
/// own client applies the same files in the same order, one transaction per
/// file (placeholders replaced in a copy), to a second fresh database; both
/// databases then have the same schema and rows, history table aside.
/// Skips a set the server cannot run with its own client either.
void CheckAgainstNativeClient(const std::string& set_name, Form form);

}  // namespace flyrun::test
