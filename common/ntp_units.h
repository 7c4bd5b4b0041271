// systemd's list of NTP services: each time daemon's package names its unit in a file under an
// ntp-units.d directory, and timedated reads them for `timedatectl set-ntp`. We read the same
// list, so a time daemon packaged after this code still counts as one.
#pragma once

#include "common/system_files.h"

#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

// One unit name per line; blank lines and '#' comments are skipped.
std::vector<std::string> parse_ntp_unit_list(std::string_view text);

// The units every *.list names, the directories taken in timedated's order (/etc, /run,
// /usr/local/lib, /usr/lib); a file overrides one of the same name in a later directory, so an
// empty or /dev/null-linked file in /etc masks a package's. No directory is no units.
std::vector<std::string> ntp_units_listed(const SystemFiles& files);

} // namespace guestclock
