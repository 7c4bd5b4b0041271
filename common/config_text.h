// The one syntax of guestclock's configuration files, as chrony and linuxptp write theirs:
// "key = value" lines, '#' to the end of a line is a comment, blank lines are ignored. Pure: text
// in, entries (each knowing its file and line) or an error naming the line out.
#pragma once

#include "common/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

// One setting as written: origin says where ("/etc/guestclock/rtc_resync.conf:12", or the
// command-line option "--interval"), so that an error about its value can name it.
struct ConfigEntry {
    std::string origin;
    std::string key;
    std::string value;
};

// Entries in file order. A line without '=' or without a value is an error "FILE:LINE: ...".
Result<std::vector<ConfigEntry>> parse_config_text(std::string_view text, std::string_view file);

// A switch's value: yes/true/1 or no/false/0.
Result<bool> parse_yes_no(std::string_view text);

} // namespace guestclock
