// The daemon's cheap once-a-second checks for pauses, reverts and suspends: anything after
// which the system clock is seconds or days off and must be corrected at once, not at the next
// periodic measurement.
#pragma once

#include "common/time_ns.h"

namespace guestclock {

// The RTC's whole second and CLOCK_REALTIME read together disagree by threshold or more.
// Reading whole seconds, a difference of one second is normal phase; two is not.
bool whole_seconds_disagree(Nanoseconds rtc_second_ns, Nanoseconds realtime_ns,
                            Nanoseconds threshold);

// CLOCK_BOOTTIME runs on through suspend, CLOCK_MONOTONIC does not: their gap grows by the
// time spent suspended.
class SuspendDetector {
  public:
    // True when the gap grew by more than tolerance since the previous call.
    bool resumed(Nanoseconds monotonic, Nanoseconds boottime);

  private:
    static constexpr Nanoseconds kTolerance = 500 * kNsPerMs;
    bool primed_ = false;
    Nanoseconds gap_ = 0;
};

} // namespace guestclock
