#include "common/cli.h"

#include "common/logging.h"

#ifndef GUESTCLOCK_VERSION
#define GUESTCLOCK_VERSION "unknown"
#endif

namespace guestclock {

std::string version_string() {
    return GUESTCLOCK_VERSION;
}

void add_common_options(CLI::App& app, CommonOptions& options) {
    app.add_flag("--json", options.json, "Print machine-readable JSON on stdout");
    app.add_flag("-v,--verbose", options.verbosity, "More log detail (repeat for trace)");
    app.add_flag("-q,--quiet", options.quiet, "Log warnings and errors only");
    app.set_version_flag("--version", app.get_name() + " (guestclock) " + version_string());
}

int run_cli(CLI::App& app, int argc, char** argv, const CommonOptions& options,
            const std::function<int()>& body) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitOk : kExitUsage;
    }
    setup_logging(app.get_name(), options.quiet ? -1 : options.verbosity);
    try {
        return body();
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return kExitRuntime;
    }
}

} // namespace guestclock
