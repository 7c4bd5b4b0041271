// Reads the configuration files and applies the command line over them: the settings every
// command starts from, and what SIGHUP rereads in the daemon.
#pragma once

#include "rtc_resync/settings.h"

#include <string>
#include <vector>

namespace guestclock {

// path, then path.d/*.conf, then command_line. A missing main file is fine when it is the default
// path (nothing configured), an error when the user named it with --config.
Result<ResyncSettings> load_settings(const std::string& path, bool path_given,
                                     const std::vector<ConfigEntry>& command_line);

} // namespace guestclock
