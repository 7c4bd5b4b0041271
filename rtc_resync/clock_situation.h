// Who else touches the system clock and the RTC. Two rules from the field:
//  - a time daemon runs and the kernel says the clock is synchronised: do not fight it;
//  - the kernel's 11-minute mode copies the system clock into the RTC whenever the clock is
//    marked synchronised (chrony's rtcsync, ntpd): on x86 into the CMOS clock, elsewhere into
//    CONFIG_RTC_SYSTOHC_DEVICE (rtc0 by default). Then the RTC follows the guest, not the host:
//    a circular reference.
#pragma once

#include "common/kernel_clock_state.h"
#include "common/time_daemons.h"
#include "rtc_resync/correction_policy.h"

#include <string_view>
#include <vector>

namespace guestclock {

struct RtcIdentity {
    std::string sysname; // "rtc0"
    std::string name;    // the sysfs name attribute: "rtc_cmos" for the MC146818
};

bool kernel_writes_rtc(const KernelClockState& kernel, const RtcIdentity& rtc);

ClockSituation assess_situation(const KernelClockState& kernel,
                                const std::vector<TimeDaemon>& daemons, const RtcIdentity& rtc);

} // namespace guestclock
