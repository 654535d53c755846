#pragma once

namespace flyrun {

/// Parses the command line, runs the command and returns the process exit
/// code (SPEC 8). The only place that prints errors.
int RunApp(int argc, char** argv);

}  // namespace flyrun
