// libFuzzer target: /proc/cmdline, whatever the boot loader passed (quotes unbalanced, "--",
// control characters).
#include "clocksource_audit/kernel_parameters.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view cmdline(reinterpret_cast<const char*>(data), size);
    (void)guestclock::parse_time_kernel_parameters(cmdline);
    return 0;
}
