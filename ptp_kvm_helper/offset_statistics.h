// Summary of a batch of PHC samples, as `offset` prints it.
#pragma once

#include "common/phc.h"

#include <vector>

namespace guestclock {

struct OffsetStatistics {
    int count = 0;
    Nanoseconds median_ns = 0; // PHC minus CLOCK_REALTIME
    Nanoseconds min_ns = 0;
    Nanoseconds max_ns = 0;
    double stddev_ns = 0;
    Nanoseconds median_delay_ns = 0;
};

// samples must not be empty. Offsets are differences, so double is safe for the deviation.
OffsetStatistics summarize_offsets(const std::vector<PhcSample>& samples);

} // namespace guestclock
