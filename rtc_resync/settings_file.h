// Reads the configuration file and applies the command line over it: the settings every
// command starts from, and what SIGHUP rereads in the daemon.
#pragma once

#include "rtc_resync/settings.h"

#include <string>

namespace guestclock {

// A missing file is fine when it is the default path (nothing configured), an error when the
// user named it with --config.
Result<ResyncSettings> load_settings(const std::string& path, bool path_given,
                                     const SettingOverrides& overrides);

} // namespace guestclock
