// Whether an RTC's update interrupts (RTC_UIE_ON) mark its second edges, from its sysfs name.
// Pure, so the rule is tested on names.
#pragma once

#include "rtc_resync/clock_situation.h"

#include <string_view>

namespace guestclock {

// The kernel emulates update interrupts with a one-second alarm where a driver has none. qemu's
// PL031 ("rtc-pl031", the RTC of its arm64 "virt" board, under TCG and KVM alike) fires that
// alarm whole seconds after it was set instead of when its counter turns over, so the
// interrupts keep whatever phase of the second they were enabled at: up to a second off the
// edges. Its edges are polled instead; polling a memory-mapped counter costs little.
inline bool update_interrupts_mark_edges(const RtcIdentity& rtc) {
    return !std::string_view(rtc.name).starts_with("rtc-pl031");
}

} // namespace guestclock
