// CPU flags from /proc/cpuinfo that decide whether the TSC can be trusted as a clock.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace guestclock {

// The flags of the first processor: the kernel shows the flags it uses, and a guest's vCPUs
// share one CPUID model. Empty when no "flags" line is found (e.g. a truncated file).
std::set<std::string> parse_cpu_flags(std::string_view cpuinfo);

// The flags the audit reports, in report order.
inline constexpr std::string_view kTimeCpuFlags[] = {"constant_tsc", "nonstop_tsc",
                                                     "tsc_known_freq", "hypervisor", "rdtscp"};

} // namespace guestclock
