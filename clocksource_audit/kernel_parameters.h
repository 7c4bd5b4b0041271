// The time-related kernel parameters of /proc/cmdline.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace guestclock {

struct TimeKernelParameters {
    bool no_kvmclock = false;
    bool no_kvmclock_vsyscall = false;
    std::optional<std::string> clocksource; // clocksource=NAME
    std::vector<std::string> tsc_options;   // tsc=reliable,nowatchdog,... split on commas
};

// Splits a kernel command line into words as the kernel does: whitespace separates, double
// quotes group (and are dropped), "--" ends the kernel's own parameters (the rest is init's).
std::vector<std::string> split_kernel_cmdline(std::string_view cmdline);

TimeKernelParameters parse_time_kernel_parameters(std::string_view cmdline);

} // namespace guestclock
