// libFuzzer target: /etc/adjtime as any tool or editor may have left it. Its third line says
// whether the RTC keeps UTC or local time; anything else must be refused, never trip us.
#include "common/rtc_calendar.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto scale = guestclock::parse_adjtime_scale(text))
        (void)guestclock::rtc_time_scale_name(*scale);
    return 0;
}
