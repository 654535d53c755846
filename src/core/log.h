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

/// Prefixes every message logged by the calling thread with "[label] " (the
/// tenant a fleet's worker thread is working on); "" = no prefix.
void SetThreadLogLabel(const std::string& label);

}  // namespace flyrun
