// Which RTC to read: the one asked for, else the one the kernel set the clock from at boot
// (hctosys=1), else rtc0, as hwclock and systemd do.
#pragma once

#include "common/device_finder.h"
#include "common/result.h"
#include "rtc_resync/clock_situation.h"

#include <string>
#include <string_view>

namespace guestclock {

struct SelectedRtc {
    std::string path; // "/dev/rtc0"
    RtcIdentity identity;
};

// requested: "", "rtc1" or "/dev/rtc1". ENODEV with a clear message when there is no RTC.
Result<SelectedRtc> select_rtc(DeviceFinder& finder, std::string_view requested);

} // namespace guestclock
