#include "common/time_ns.h"

namespace guestclock {

Nanoseconds now_ns(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return to_ns(ts);
}

} // namespace guestclock
