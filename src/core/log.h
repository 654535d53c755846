#pragma once

#include <string>

namespace flyrun {

enum class Verbosity { kQuiet, kNormal, kVerbose };

/// Sets up the default spdlog logger: everything goes to stderr, never stdout
/// (stdout carries results only). `json` writes one JSON object per line.
void SetupLogging(Verbosity verbosity, bool json = false);

}  // namespace flyrun
