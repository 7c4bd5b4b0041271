// Several RTC edges become one offset with an honest uncertainty. The median resists one edge
// caught late (a preempted reader); the uncertainty covers the spread of all edges around it
// plus the widest single edge, so it never claims more than the samples show.
#pragma once

#include "common/result.h"
#include "common/rtc_edges.h"

#include <vector>

namespace guestclock {

struct OffsetEstimate {
    Nanoseconds system_minus_rtc_ns = 0; // positive: the system clock is ahead
    Nanoseconds uncertainty_ns = 0;      // the true offset lies within the figure +- this
    int samples = 0;
    EdgeMethod method = EdgeMethod::uie; // of the last edge (a fallback shows as poll)
    Nanoseconds rtc_time_ns = 0;         // the last edge's RTC second
    Nanoseconds monoraw_ns = 0;          // the last edge's CLOCK_MONOTONIC_RAW
};

// Median of an odd or even count (mean of the middle two); EINVAL for no edges.
Result<OffsetEstimate> estimate_offset(const std::vector<RtcEdge>& edges);

} // namespace guestclock
