// libFuzzer target: the kernel log, where any driver (and anyone with /dev/kmsg) writes lines
// that may look like the clocksource and TSC messages we read.
#include "clocksource_audit/kernel_messages.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto messages = guestclock::parse_clocksource_messages(text);
    if (messages.tsc_khz && *messages.tsc_khz <= 0) std::abort();
    if (auto khz = guestclock::parse_mhz_as_khz(text); khz && *khz <= 0) std::abort();
    return 0;
}
