// libFuzzer target: /proc/cpuinfo and sysfs's available_clocksource, the audit's view of what
// the (virtual) CPU and the kernel offer; a hypervisor chooses much of it.
#include "clocksource_audit/clocksources.h"
#include "clocksource_audit/cpu_flags.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)guestclock::parse_cpu_flags(text);
    (void)guestclock::parse_available_clocksources(text);
    return 0;
}
