#include "rtc_resync/jump_detection.h"

#include <cstdlib>

namespace guestclock {

Nanoseconds whole_second_system_minus_rtc(Nanoseconds rtc_second_ns, Nanoseconds realtime_ns) {
    return realtime_ns - rtc_second_ns;
}

bool whole_second_offset_is_jump(Nanoseconds coarse_offset, Nanoseconds threshold) {
    const Nanoseconds whole = coarse_offset >= 0 ? coarse_offset / kNsPerSec
                                                 : -((-coarse_offset + kNsPerSec - 1) / kNsPerSec);
    return std::abs(whole * kNsPerSec) >= threshold;
}

bool edge_agrees_with_whole_second(Nanoseconds precise_offset, Nanoseconds coarse_offset,
                                   Nanoseconds tolerance) {
    return precise_offset > coarse_offset - kNsPerSec - tolerance &&
           precise_offset < coarse_offset + tolerance;
}

bool JumpGrace::within(Nanoseconds now, Nanoseconds grace) {
    if (!first_seen_) first_seen_ = now;
    return now - *first_seen_ < grace;
}

bool SuspendDetector::resumed(Nanoseconds monotonic, Nanoseconds boottime) {
    const Nanoseconds gap = boottime - monotonic;
    const bool grew = primed_ && gap - gap_ > kTolerance;
    primed_ = true;
    gap_ = gap;
    return grew;
}

} // namespace guestclock
