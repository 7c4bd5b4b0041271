#include "common/timebase.h"

namespace guestclock {

SystemTimestamp SystemTimebase::now() {
    // Realtime first and raw right after: the pair is ~30 ns apart through the vDSO, far below
    // what an RTC edge can resolve.
    const Nanoseconds realtime = now_ns(CLOCK_REALTIME);
    return {realtime, now_ns(CLOCK_MONOTONIC_RAW)};
}

void SystemTimebase::sleep_for(Nanoseconds duration) {
    if (duration <= 0) return;
    const timespec ts = to_timespec(duration);
    clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, nullptr);
}

} // namespace guestclock
