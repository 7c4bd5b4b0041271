// What the kernel log says about clocksources: switches, TSC instability, the TSC frequency.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

struct ClocksourceMessages {
    std::vector<std::string> switches;    // names from "Switched to clocksource NAME", in order
    std::vector<std::string> instability; // lines that mark the TSC (or a clocksource) unstable
    std::optional<std::int64_t> tsc_khz;  // refined calibration if logged, else "Detected"
};

// Parses kernel log text (syslog-style "<6>[ 0.29] ..." prefixes optional).
ClocksourceMessages parse_clocksource_messages(std::string_view kernel_log);

// "2899.999" MHz as kHz, exactly (no floating point); nullopt on malformed text.
std::optional<std::int64_t> parse_mhz_as_khz(std::string_view mhz);

} // namespace guestclock
