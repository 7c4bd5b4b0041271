// Whether time ever runs backwards when read on different CPUs one after another: a shared,
// lock-protected "latest time" that every CPU reads and advances in turn.
#pragma once

#include "common/time_ns.h"

#include <cstdint>
#include <ctime>

namespace guestclock {

struct BackwardSteps {
    std::uint64_t reads = 0;
    std::uint64_t steps = 0;    // reads that returned less than the previous read anywhere
    Nanoseconds largest_ns = 0; // the largest such step
    int cpus = 0;
};

BackwardSteps measure_backward_steps(clockid_t clock, Nanoseconds duration);

} // namespace guestclock
