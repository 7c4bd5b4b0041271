// Command-line conventions shared by every tool, documented in each man page's EXIT STATUS.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

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

// A subcommand as a row, the way chrony registers its drivers: its name and summary, the options
// it adds, and what it runs with what main builds once after parsing (the machine's devices,
// the settings read from files and options).
template <typename Context> struct Subcommand {
    std::string name;
    std::string summary;
    std::function<void(CLI::App&)> add_options;
    std::function<int(Context&)> run;
};

// Adds every row to app, in order; returns them as CLI11 knows them, for run_subcommand.
template <typename Context>
std::vector<CLI::App*> add_subcommands(CLI::App& app,
                                       const std::vector<Subcommand<Context>>& table) {
    std::vector<CLI::App*> added;
    for (const auto& row : table) {
        added.push_back(app.add_subcommand(row.name, row.summary));
        row.add_options(*added.back());
    }
    return added;
}

// Runs the row whose subcommand was given (app.require_subcommand(1) makes it one).
template <typename Context>
int run_subcommand(const std::vector<Subcommand<Context>>& table,
                   const std::vector<CLI::App*>& added, Context& context) {
    for (std::size_t i = 0; i < table.size(); ++i)
        if (added[i]->parsed()) return table[i].run(context);
    return kExitUsage;
}

} // namespace guestclock
