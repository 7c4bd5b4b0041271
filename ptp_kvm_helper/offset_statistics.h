// Summary of a batch of PHC samples, as `offset` prints it: offsets are system minus PHC.
#pragma once

#include "common/phc.h"

#include <vector>

namespace guestclock {

struct SystemMinusPhcStatistics {
    int count = 0;
    Nanoseconds median_ns = 0;
    Nanoseconds min_ns = 0;
    Nanoseconds max_ns = 0;
    double stddev_ns = 0;
    Nanoseconds median_delay_ns = 0;
};

// samples must not be empty. Offsets are differences, so double is safe for the deviation.
SystemMinusPhcStatistics summarize_system_minus_phc(const std::vector<PhcSample>& samples);

} // namespace guestclock
