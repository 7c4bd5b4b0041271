// Reads a daemon's configuration as chrony and systemd lay it out: the main file, then the
// drop-ins FILE.d/*.conf in lexical order, so a later line overrides an earlier one and a
// package or image can add a drop-in without editing the main file (a dpkg conffile).
#pragma once

#include "common/config_text.h"

#include <string>
#include <vector>

namespace guestclock {

// The entries of every file, main file first. A missing main file is an error only when
// required (the user named it); a missing FILE.d is nothing configured. A file that cannot be
// read or does not parse is an error naming it.
Result<std::vector<ConfigEntry>> read_config_files(const std::string& path, bool required);

} // namespace guestclock
