#pragma once

#include <string>

namespace flyrun {

enum class Verbosity { kQuiet, kNormal, kVerbose };

/// What every log message goes through before it is formatted (and, with
/// JSON logs, escaped): the secrets module's Scrub.
using Scrubber = std::string (*)(std::string);

/// Sets up the default spdlog logger: everything goes to stderr, never stdout
/// (stdout carries results only). `json` writes one JSON object per line.
/// `scrub`, when given, is applied to each message before it is serialised.
void SetupLogging(Verbosity verbosity, bool json = false, Scrubber scrub = nullptr);

}  // namespace flyrun
