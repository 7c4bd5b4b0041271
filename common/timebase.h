// The two system clocks every reference reading is paired with, behind an interface so that
// edge detection can be tested on synthetic time. CLOCK_REALTIME is the clock being judged;
// CLOCK_MONOTONIC_RAW is untouched by any adjustment, so intervals between readings measured
// in it are the hardware's, not a servo's.
#pragma once

#include "common/time_ns.h"

namespace guestclock {

struct SystemTimestamp {
    Nanoseconds realtime = 0; // CLOCK_REALTIME
    Nanoseconds monoraw = 0;  // CLOCK_MONOTONIC_RAW
};

class Timebase {
  public:
    virtual ~Timebase() = default;
    // Both clocks, read back to back.
    virtual SystemTimestamp now() = 0;
    virtual void sleep_for(Nanoseconds duration) = 0;
};

class SystemTimebase final : public Timebase {
  public:
    SystemTimestamp now() override;
    void sleep_for(Nanoseconds duration) override;
};

} // namespace guestclock
