// Command-line conventions shared by every tool, documented in each man page's EXIT STATUS.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace guestclock {

enum ExitCode : int {
    kExitOk = 0,
    kExitFindings = 1, // the tool worked and found something wrong (or nothing to select)
    kExitUsage = 2,    // bad command line or configuration
    kExitRuntime = 3,  // the tool could not do its job (device, permission, kernel)
};

struct CommonOptions {
    bool json = false;
    int verbosity = 0;
    bool quiet = false;
};

// --json, -v/--verbose (repeatable), -q/--quiet, --version.
void add_common_options(CLI::App& app, CommonOptions& options);

// Parses, sets up logging and runs body. A parse error exits 2 with CLI11's message; an exception
// escaping body is logged and exits 3, so no tool dies with an uncaught exception.
int run_cli(CLI::App& app, int argc, char** argv, const CommonOptions& options,
            const std::function<int()>& body);

std::string version_string();

} // namespace guestclock
