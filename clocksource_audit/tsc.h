// The raw TSC, read in user space, is the yardstick every clocksource is compared with.
#pragma once

#include <cstdint>
#include <x86intrin.h>

namespace guestclock {

// rdtscp waits for earlier instructions, so a pair brackets the clock read between them.
inline std::uint64_t read_tsc_ordered() {
    unsigned aux = 0;
    return __rdtscp(&aux);
}

}  // namespace guestclock
