// Blanks around a value in the files the tools read (/etc/adjtime, their configuration,
// command-line numbers): spaces, tabs and a CR left by an editor that wrote CRLF.
#pragma once

#include <string_view>

namespace guestclock {

inline std::string_view trim_blanks(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

} // namespace guestclock
