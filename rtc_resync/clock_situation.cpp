#include "rtc_resync/clock_situation.h"

namespace guestclock {

bool kernel_writes_rtc(const KernelClockState& kernel, const RtcIdentity& rtc) {
    if (!kernel.synchronized) return false;
    return rtc.name == "rtc_cmos" || rtc.sysname == "rtc0";
}

ClockSituation assess_situation(const KernelClockState& kernel,
                                const std::vector<TimeDaemon>& daemons, const RtcIdentity& rtc) {
    ClockSituation situation;
    situation.rtc_written_by_kernel = kernel_writes_rtc(kernel, rtc);
    // A daemon that runs but has not marked the clock synchronised (still searching, or
    // phc2sys which never does) leaves the clock to us.
    if (kernel.synchronized && !daemons.empty()) {
        situation.daemon_synchronised = true;
        situation.daemon_name = daemons.front().name;
    }
    return situation;
}

} // namespace guestclock
