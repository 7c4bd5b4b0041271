#include "rtc_resync/jump_detection.h"

#include <cstdlib>

namespace guestclock {

bool whole_seconds_disagree(Nanoseconds rtc_second_ns, Nanoseconds realtime_ns,
                            Nanoseconds threshold) {
    const Nanoseconds realtime_second =
        realtime_ns >= 0 ? realtime_ns / kNsPerSec : -((-realtime_ns + kNsPerSec - 1) / kNsPerSec);
    return std::abs(realtime_second * kNsPerSec - rtc_second_ns) >= threshold;
}

bool SuspendDetector::resumed(Nanoseconds monotonic, Nanoseconds boottime) {
    const Nanoseconds gap = boottime - monotonic;
    const bool grew = primed_ && gap - gap_ > kTolerance;
    primed_ = true;
    gap_ = gap;
    return grew;
}

} // namespace guestclock
