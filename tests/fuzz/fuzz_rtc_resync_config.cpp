// libFuzzer target: rtc_resync's configuration file, written by administrators and
// configuration management. Whatever it says, the result is settings or an error naming a line.
#include "rtc_resync/settings.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    guestclock::ResyncSettings settings;
    if (!guestclock::apply_config_text(text, settings)) return 0;
    // Accepted settings keep what the daemon's timers rely on.
    if (settings.interval < guestclock::kNsPerSec || settings.samples < 2 || settings.samples > 15)
        std::abort();
    return 0;
}
